"""The conformance corpus: every case's event trace must equal its reviewed golden.

Each case under tests/conformance/<case>/ makes one rule of FORMATS.md concrete (see the case's
`description`). Regenerate goldens with `CALMTUI_UPDATE_GOLDENS=1`, then review the diff line by
line against FORMATS.md before committing: the golden is the spec, not a snapshot.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
import yaml

from tests.conformance.harness import case_dirs, dump_trace, run_case

CASES = case_dirs()
UPDATE = os.environ.get("CALMTUI_UPDATE_GOLDENS") == "1"


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60


def test_every_case_says_what_it_proves() -> None:
    for case in CASES:
        script = yaml.safe_load((case / "script.yml").read_text(encoding="utf-8"))
        assert str(script.get("description", "")).strip(), f"{case.name}: add a description"


@pytest.mark.anyio
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_case(case: Path) -> None:
    actual = dump_trace(await run_case(case))
    golden = case / "expected.yml"
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.is_file(), (
        f"{case.name}: no expected.yml (run with CALMTUI_UPDATE_GOLDENS=1 and review it)"
    )
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{case.name}/expected.yml",
                tofile="actual",
            )
        )
        pytest.fail(f"{case.name}: the trace differs from the golden\n{diff}", pytrace=False)
