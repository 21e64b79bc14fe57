"""The audit table of docs/diagnostics.md stays complete and true (issue 11 §2).

Every code of `core/codes.py` has one row (code, title, severity, "Rasa rejects too"); the
severity agrees with the code's own section and with every place calmtui raises it; the codes
`--strict` upgrades are exactly `STRICT_CODES`, all of them warnings Rasa accepts.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from calmtui.core.codes import CODES, STRICT_CODES

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "diagnostics.md"
ROW = re.compile(
    r"^\| \[(CT\d{3})\]\(#ct\d{3}\) \| (?P<title>[^|]+) \| (?P<severity>[^|]+) \| (?P<rasa>[^|]+) \|$",
    re.MULTILINE,
)
STRICT_MARK = "warning (`--strict`: error)"
SEVERITIES = {"error", "warning", "info", "reason"}
RASA = {"yes", "no", "n/a"}
# Codes raised with more than one severity, on purpose.
MIXED: dict[str, set[str]] = {
    "CT113": {"error"},  # an empty --stub-actions file given on the command line is unusable
    "CT400": {"info"},  # a line of an LLM answer that is no command, noted in the trace
}


def rows() -> list[tuple[str, str, str, str]]:
    text = DOCS.read_text(encoding="utf-8")
    return [
        (m.group(1), m["title"].strip(), m["severity"].strip(), m["rasa"].strip())
        for m in ROW.finditer(text)
    ]


def severity_of_row(severity: str) -> str:
    return "warning" if severity == STRICT_MARK else severity


def test_the_table_lists_every_code_once_in_order() -> None:
    assert [code for code, *_ in rows()] == list(CODES)


def test_titles_match_the_catalogue() -> None:
    for code, title, _, _ in rows():
        assert title == CODES[code], code


def test_values_are_from_the_legend() -> None:
    for code, _, severity, rasa in rows():
        assert severity_of_row(severity) in SEVERITIES, code
        assert rasa in RASA, code


def test_strict_codes_are_the_marked_warnings_rasa_accepts() -> None:
    marked = {code for code, _, severity, _ in rows() if severity == STRICT_MARK}
    assert marked == STRICT_CODES
    for code, _, _, rasa in rows():
        if code in STRICT_CODES:
            assert rasa == "no", f"{code}: --strict only upgrades what Rasa accepts"


def test_errors_rasa_accepts_are_explained() -> None:
    """An error Rasa does not refuse is a limit of calmtui's, named in the docs."""
    accepted = {c for c, _, severity, rasa in rows() if severity == "error" and rasa == "no"}
    assert accepted == {"CT104", "CT107", "CT180", "CT181"}


def section_severity(code: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    body = text.split(f"## {code}\n", 1)[1]
    header = next(line for line in body.splitlines() if line.startswith("**"))
    return header.split("·")[1].strip().split()[0]


@pytest.mark.parametrize("code", list(CODES))
def test_each_section_states_the_same_severity(code: str) -> None:
    table = {c: severity_of_row(s) for c, _, s, _ in rows()}
    assert section_severity(code) == table[code]


# -- where codes are raised -----------------------------------------------------------------------


def raised() -> list[tuple[str, str, str]]:
    """(code, severity, place) for every call that raises a literal code with a severity:
    `Diagnostic.error("CT302", ...)`, `reader.warning("CT111", ...)`, `check_keys(...,
    code="CT301", severity="error")`, and module constants used the same way."""
    found: list[tuple[str, str, str]] = []
    for path in sorted((ROOT / "calmtui").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and re.fullmatch(r"CT\d{3}", node.value.value)
            for target in node.targets
            if isinstance(target, ast.Name)
        }

        def code_of(node: ast.expr, constants: dict[str, str] = constants) -> str | None:
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                return node.value if re.fullmatch(r"CT\d{3}", node.value) else None
            if isinstance(node, ast.Name):
                return constants.get(node.id)
            return None

        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            name = node.func.attr
            place = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name in ("error", "warning", "info") and node.args:
                code = code_of(node.args[0])
                if code is not None:
                    found.append((code, name, place))
            elif name == "check_keys":
                keywords = {k.arg: k.value for k in node.keywords}
                code = code_of(keywords["code"]) if "code" in keywords else None
                severity = keywords.get("severity")
                if code is not None:
                    level = (
                        severity.value
                        if isinstance(severity, ast.Constant) and isinstance(severity.value, str)
                        else "warning"
                    )
                    found.append((code, level, place))
    return found


def test_the_scan_finds_the_raise_sites() -> None:
    codes = {code for code, _, _ in raised()}
    assert {"CT302", "CT301", "CT111", "CT370", "CT244", "CT270", "CT516"} <= codes


def test_every_raise_site_uses_the_documented_severity() -> None:
    table = {c: severity_of_row(s) for c, _, s, _ in rows()}
    wrong = [
        f"{place}: {code} raised as {severity}, documented as {table[code]}"
        for code, severity, place in raised()
        if severity != table[code] and severity not in MIXED.get(code, set())
    ]
    assert not wrong, "\n".join(wrong)
