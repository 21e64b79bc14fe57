"""Each directory here is a small broken CALM project; `expected.txt` is the exact output of
`calmtui validate` run inside it (no colour). Regenerate after an intended change with

    CALMTUI_UPDATE_GOLDENS=1 pytest tests/diagnostics

and read the diff in review.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmtui.cli.main import app

HERE = Path(__file__).parent
CASES = sorted(p for p in HERE.iterdir() if p.is_dir() and (p / "domain.yml").exists())


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 12


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_validate_output_matches_golden(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    result = CliRunner().invoke(app, ["validate"])
    golden = case / "expected.txt"
    if os.environ.get("CALMTUI_UPDATE_GOLDENS") == "1" or not golden.exists():
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")
    assert result.stderr == ""
    has_errors = any("error[CT" in line for line in result.stdout.splitlines())
    assert result.exit_code == (1 if has_errors else 0), result.stdout
