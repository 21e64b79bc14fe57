"""`calmtui test` through the CLI: exit codes 0/1/2/3/5, the report, the files it writes,
--last-failed, selection and GitHub Actions output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from calmtui.cli.main import app
from tests.testing.conftest import cases_yaml, write_project

PASSING = """\
- test_case: balance
  steps:
    - user: what is my balance
      commands: start flow check_balance
      assertions:
        - bot_uttered: {utter_name: utter_balance, text_matches: "100\\\\.5"}
- test_case: transfer_starts
  steps:
    - user: send money
      commands: start flow transfer_money
    - utter: utter_ask_recipient
"""
FAILING = """\
- test_case: wrong_balance
  steps:
    - user: what is my balance
      commands: start flow check_balance
      assertions:
        - bot_uttered: {text_matches: "999"}
"""


def run(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(app, ["test", "--project", str(project), *args])


@pytest.fixture(autouse=True)
def _inside_the_project(bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are shown relative to the current directory when the project is below it."""
    bank.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(bank)


def test_all_passing_exits_0_and_ends_with_the_summary(bank: Path) -> None:
    write_project(bank, {"tests/e2e/cases.yml": cases_yaml(PASSING)})
    result = run(bank)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("running 2 test cases from 1 file · understanding: offline")
    assert lines[-1] == "2 passed, 0 failed"
    assert "accuracy by assertion type" in result.stdout


def test_failures_exit_1_with_a_failure_block(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING + FAILING)})
    result = run(bank, "-n", "1")
    assert result.exit_code == 1
    assert "tests/cases.yml:26: 'wrong_balance' failed at turn 1\n" in result.stdout
    assert (
        "  bot_uttered at line 29: Bot did not utter any response which matches the provided text pattern '999'."
        in result.stdout
    )
    assert '  + actual    BotUttered utter_balance "Your balance is 100.5."' in result.stdout
    assert result.stdout.splitlines()[-1] == "2 passed, 1 failed"


def test_quiet_prints_headers_and_the_summary_only(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING + FAILING)})
    result = run(bank, "-q")
    assert (
        result.stdout
        == "tests/cases.yml:26: 'wrong_balance' failed at turn 1\n2 passed, 1 failed\n"
    )


def test_verbose_lists_every_case(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING)})
    result = run(bank, "-v")
    assert "PASSED  tests/cases.yml:13 'balance'" in result.stdout
    assert "PASSED  tests/cases.yml:19 'transfer_starts'" in result.stdout


def test_a_case_that_cannot_be_read_is_an_error_and_the_others_run(bank: Path) -> None:
    """Issue 11 §4: the broken case is an error with file:line; every other case runs; exit 1."""
    write_project(
        bank,
        {
            "tests/cases.yml": cases_yaml(PASSING.replace("bot_uttered", "bot_utterd")),
            "tests/more.yml": cases_yaml(FAILING),
        },
    )
    result = run(bank, "-n", "1")
    assert result.exit_code == 1, result.output
    assert "tests/cases.yml:13: 'balance' cannot be read" in result.stdout
    assert "tests/cases.yml:18:13: error[CT502]: unknown assertion 'bot_utterd'" in result.stdout
    assert "hint: did you mean 'bot_uttered'?" in result.stdout
    assert "tests/more.yml:15: 'wrong_balance' failed at turn 1" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 passed, 1 failed, 1 error"


def test_a_file_that_cannot_be_read_is_one_error(bank: Path) -> None:
    write_project(
        bank,
        {
            "tests/cases.yml": cases_yaml(PASSING),
            "tests/broken.yml": "test_cases:\n  - test_case: x\n    steps: [\n",
            "tests/shape.yml": "test_cases:\n  - test_case: y\n    steps:\n      - user: hi\n"
            "stub_custom_actions: []\n",
        },
    )
    result = run(bank)
    assert result.exit_code == 1, result.output
    assert "tests/broken.yml: this file cannot be used" in result.stdout
    assert "error[CT101]" in result.stdout
    assert "tests/shape.yml: this file cannot be used (1 test case not run)" in result.stdout
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed, 2 errors"


def test_an_unreadable_test_case_item_is_its_own_error(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING + "- test_case: no_steps\n")})
    result = run(bank)
    assert result.exit_code == 1, result.output
    assert "tests/cases.yml:24: 'no_steps' cannot be read" in result.stdout
    assert "error[CT506]: test case 'no_steps' needs a 'steps' key" in result.stdout
    assert result.stdout.splitlines()[-1] == "2 passed, 0 failed, 1 error"


def test_invalid_project_exits_2(bank: Path) -> None:
    write_project(
        bank,
        {
            "data/flows.yml": "flows:\n  transfer_money:\n    description: x\n    steps:\n      - collect: amout\n",
            "tests/cases.yml": cases_yaml(PASSING),
        },
    )
    result = run(bank)
    assert result.exit_code == 2
    assert "data/flows.yml:5:" in result.stderr
    assert "CT302" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tests/missing.yml"], "'tests/missing.yml' does not exist"),
        (["-k", "a and"], "-k"),
        (["-u", "magic"], "unknown understanding mode 'magic'"),
        (["-n", "0"], "-n"),
    ],
)
def test_usage_errors_exit_2(bank: Path, args: list[str], message: str) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING)})
    result = run(bank, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_no_tests_found_exits_5(bank: Path) -> None:
    result = run(bank)
    assert result.exit_code == 5
    assert (
        "no test cases found in tests/" in result.stderr or "no test cases found" in result.stderr
    )
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING)})
    nothing = run(bank, "-k", "nothing_matches_this")
    assert nothing.exit_code == 5
    assert "(2 deselected)" in nothing.stderr


def test_internal_error_exits_3_without_a_traceback(
    bank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING)})

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the runner is broken")

    monkeypatch.setattr("calmtui.testing.runner.run_suite_sync", broken)
    result = run(bank)
    assert result.exit_code == 3
    assert (
        "internal error: RuntimeError: the runner is broken (re-run with -v for the traceback)"
        in result.stderr
    )
    assert "Traceback" not in result.output


def test_selection_by_path_and_case_name(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING + FAILING)})
    result = run(bank, "tests/cases.yml::balance")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed"
    collected = run(bank, "--collect-only", "-k", "balance")
    assert collected.stdout.splitlines() == [
        "tests/cases.yml::balance  (line 13)",
        "tests/cases.yml::wrong_balance  (line 24)",
        "2 test cases",
    ]


def test_last_failed_runs_only_the_failures_then_everything(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING + FAILING)})
    first = run(bank)
    assert first.exit_code == 1
    state = json.loads((bank / ".calmtui" / "last-failed.json").read_text())
    assert state["failed"] == ["tests/cases.yml::wrong_balance"]
    again = run(bank, "--last-failed")
    assert again.stdout.splitlines()[-1] == "0 passed, 1 failed"
    write_project(
        bank, {"tests/cases.yml": cases_yaml(PASSING + FAILING.replace('"999"', '"100"'))}
    )
    fixed = run(bank, "--lf")
    assert fixed.stdout.splitlines()[-1] == "1 passed, 0 failed"
    assert json.loads((bank / ".calmtui" / "last-failed.json").read_text())["failed"] == []
    everything = run(bank, "--lf")
    assert "no failures recorded, running all test cases" in everything.stderr
    assert everything.stdout.splitlines()[-1] == "3 passed, 0 failed"


def test_report_files(bank: Path, tmp_path: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING + FAILING)})
    out = tmp_path / "out"
    result = run(
        bank,
        "--json",
        str(out / "r.json"),
        "--junit",
        str(out / "junit.xml"),
        "-o",
        str(out / "e2e_results.yml"),
        "--coverage-output",
        str(out / "cov"),
    )
    assert result.exit_code == 1
    data = json.loads((out / "r.json").read_text())
    assert data["summary"]["line"] == "2 passed, 1 failed"
    assert data["summary"]["exit_code"] == 1
    assert (out / "junit.xml").read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert (out / "e2e_results_passed.yml").is_file()
    assert (out / "e2e_results_failed.yml").is_file()
    assert sorted(p.name for p in (out / "cov").iterdir()) == [
        "commands.csv",
        "coverage.csv",
        "coverage_report_for_failed_tests.csv",
        "coverage_report_for_passed_tests.csv",
    ]
    assert "flow coverage" in result.stdout
    assert "data/flows.yml::check_balance" in result.stdout


def test_github_actions_annotations_and_step_summary(bank: Path, tmp_path: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING + FAILING)})
    summary = tmp_path / "summary.md"
    result = run(bank, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    annotation = next(line for line in result.stdout.splitlines() if line.startswith("::error "))
    assert annotation.startswith(
        "::error file=tests/cases.yml,line=29,col=13,title=CT530::'wrong_balance' failed at turn 1"
    )
    assert summary.read_text().startswith("## ❌ calmtui test: 2 passed, 1 failed\n")


def test_test_file_diagnostics_are_annotated_on_github(bank: Path) -> None:
    broken = PASSING.replace("- test_case: balance\n", "- test_case: balance\n  fixtures: [rch]\n")
    write_project(bank, {"tests/cases.yml": cases_yaml(broken)})
    result = run(bank, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0  # an unknown fixture is a warning: Rasa runs the case without it
    assert "::warning file=tests/cases.yml,line=14" in result.stdout
    assert run(bank, "--strict", env={"GITHUB_ACTIONS": "true"}).exit_code == 1


def test_errors_of_test_files_are_annotated_on_github(bank: Path) -> None:
    broken = PASSING.replace("bot_uttered", "bot_utterd")
    write_project(bank, {"tests/cases.yml": cases_yaml(broken)})
    result = run(bank, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert "::error file=tests/cases.yml,line=18,col=13,title=CT502::" in result.stdout


def test_help_does_not_import_litellm_or_textual() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['calmtui', 'test', '--help']\n"
        "from calmtui.cli.main import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('LOADED', 'litellm' in sys.modules, 'textual' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert "--last-failed" in out
    assert out.strip().splitlines()[-1] == "LOADED False False"
