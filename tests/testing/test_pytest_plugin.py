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
    write_project(bank, {"tests/cases.yml": cases_yaml(CASES) + "fixtures: 3\n"})
    result = pytest_run(bank, "--calmtui", "tests")
    assert result.returncode == 2
    assert "tests/cases.yml:31:11: error[CT505]: 'fixtures' must be a list" in result.stdout
    # rendered as `calmtui validate` and `calmtui test` render it: source line and carets
    assert "   31 | fixtures: 3" in result.stdout
    assert "      |           ^\n" in result.stdout


@pytest.mark.slow
def test_a_case_that_cannot_be_read_is_an_error_and_the_others_run(bank: Path) -> None:
    """Issue 11 §4 in the pytest plugin: the broken case is an ERROR with its diagnostic."""
    broken = CASES.replace("utter_name: utter_done", "utter_nam: utter_done")
    write_project(bank, {"tests/cases.yml": cases_yaml(broken)})
    result = pytest_run(bank, "--calmtui", "tests")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 passed, 1 skipped, 1 error" in result.stdout
    assert "ERROR tests/cases.yml::wrong" in result.stdout
    assert "tests/cases.yml:19: 'wrong' cannot be read" in result.stdout
    assert "error[CT501]: unknown key 'utter_nam'" in result.stdout


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


@pytest.mark.slow
def test_the_plugin_takes_strict_and_ignore_as_calmtui_test_does(bank: Path) -> None:
    """A categorical slot without values is a warning (CT202), an error under strict; the
    plugin's `--calmtui-strict` / `calmtui_strict` and `--calmtui-ignore` work like the CLI's."""
    from tests.testing.conftest import DOMAIN

    domain = DOMAIN.replace("slots:\n", "slots:\n  tier:\n    type: categorical\n", 1)
    passing = cases_yaml(CASES.split("- test_case: wrong")[0])
    write_project(bank, {"domain.yml": domain, "tests/cases.yml": passing})
    assert pytest_run(bank, "--calmtui", "tests").returncode == 0

    strict = pytest_run(bank, "--calmtui", "--calmtui-strict", "tests")
    assert strict.returncode == 2, strict.stdout + strict.stderr
    assert "error[CT202]" in strict.stdout

    ignored = pytest_run(
        bank, "--calmtui", "--calmtui-strict", "--calmtui-ignore", "ct202", "tests"
    )
    assert ignored.returncode == 0, ignored.stdout + ignored.stderr

    (bank / "pytest.ini").write_text("[pytest]\ncalmtui = true\ncalmtui_strict = true\n")
    assert pytest_run(bank, "tests").returncode == 2

    unknown = pytest_run(bank, "--calmtui-ignore", "CT999", "tests")
    assert unknown.returncode == 4
    assert "unknown diagnostic code 'CT999'" in unknown.stderr
