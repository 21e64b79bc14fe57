"""Every diagnostic code has a section in docs/diagnostics.md, and every section is a code."""

from __future__ import annotations

import re
from pathlib import Path

from calmtui.core.codes import CODES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md"
SECTION = re.compile(r"^## (CT\d{3})\s*$", re.MULTILINE)


def sections() -> list[str]:
    return SECTION.findall(DOCS.read_text(encoding="utf-8"))


def test_every_code_is_documented() -> None:
    missing = sorted(set(CODES) - set(sections()))
    assert not missing, f"add a '## CTnnn' section to docs/diagnostics.md for: {missing}"


def test_every_section_is_a_code() -> None:
    unknown = sorted(set(sections()) - set(CODES))
    assert not unknown, f"docs/diagnostics.md documents codes that codes.py lacks: {unknown}"


def test_sections_are_unique_and_in_order() -> None:
    found = sections()
    assert len(found) == len(set(found))
    assert found == sorted(found)


def test_each_section_names_the_title() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for code, title in CODES.items():
        if f"## {code}\n" not in text:
            continue  # reported by test_every_code_is_documented
        body = text.split(f"## {code}\n", 1)[1].split("\n## ", 1)[0]
        assert title.lower() in body.lower(), f"{code}: the section should name {title!r}"
