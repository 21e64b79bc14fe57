"""The pytest plugin, run for real in a subprocess on a temporary project: it collects nothing
unless asked, then turns every test case into an item that points at its YAML line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing.conftest import calmtui_plugin_args, cases_yaml, write_project

CASES = """\
- test_case: balance
  steps:
    - user: what is my balance
      commands: start flow check_balance
      assertions:
        - bot_uttered: {utter_name: utter_balance}
- test_case: wrong
  steps:
    - user: what is my balance
      commands: start flow check_balance
      assertions:
        - bot_uttered: {utter_name: utter_done}
- test_case: judged
  steps:
    - user: what is my balance
      commands: start flow check_balance
      assertions:
        - generative_response_is_relevant: {threshold: 0.5}
"""


def pytest_run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        *calmtui_plugin_args(),
        "-p",
        "no:cacheprovider",
        "-q",
        "-rA",
        *args,
    ]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_plugin_collects_only_when_asked_and_reports_yaml_lines(bank: Path) -> None:
    write_project(
        bank, {"tests/e2e/cases.yml": cases_yaml(CASES), "tests/other.yml": "not: a test\n"}
    )
    silent = pytest_run(bank, "tests")
    assert "no tests ran" in silent.stdout

    result = pytest_run(bank, "--calmtui", "tests")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "1 failed, 1 passed, 1 skipped" in out
    assert "PASSED tests/e2e/cases.yml::balance" in out
    assert "FAILED tests/e2e/cases.yml::wrong" in out
    # the failure is calmtui's block, pointing at the YAML
    assert "tests/e2e/cases.yml:21: 'wrong' failed at turn 1" in out
    assert "Bot did not utter 'utter_done' response." in out
    assert "generative_response_is_relevant needs an LLM judge" in out


@pytest.mark.slow
def test_plugin_reports_broken_files_as_collection_errors(bank: Path) -> None:
    broken = CASES.replace("- test_case: wrong\n", "- test_case: wrong\n  fixtures: [rch]\n")
    write_project(
        bank, {"tests/cases.yml": cases_yaml(broken) + "fixtures:\n  - rich:\n      - balance: 1\n"}
    )
    result = pytest_run(bank, "--calmtui", "tests")
    assert result.returncode == 2
    assert "tests/cases.yml:20:16: error[CT508]: unknown fixture 'rch'" in result.stdout
    assert "hint: did you mean 'rich'?" in result.stdout
    # rendered as `calmtui validate` and `calmtui test` render it: source line and carets
    assert "   20 |     fixtures: [rch]" in result.stdout
    assert "      |                ^^^\n" in result.stdout


@pytest.mark.slow
def test_plugin_runs_under_xdist_with_the_ini_switch(bank: Path) -> None:
    ini = "[pytest]\ncalmtui = true\n"
    write_project(
        bank,
        {"tests/cases.yml": cases_yaml(CASES.split("- test_case: wrong")[0]), "pytest.ini": ini},
    )
    result = pytest_run(bank, "-n", "2", "tests")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
