"""A `calmtui test` run without the CLI (`calmtui.testing.orchestration`): what the command
hands over, the exit codes it gets back, and usage problems as `UsageError`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from calmtui.app.exit_codes import ExitCode, UsageError
from calmtui.core.loading.project_loader import load_project
from calmtui.testing.orchestration import TestRequest, TestRunOptions, run_tests
from tests.testing.conftest import cases_yaml, write_project
from tests.testing.test_cli import FAILING, PASSING


def request(root: Path, *paths: str, **kwargs: object) -> TestRequest:
    return TestRequest(root=root, loaded=load_project(root), paths=paths, **kwargs)  # type: ignore[arg-type]


def run(root: Path, *paths: str, **kwargs: object) -> tuple[ExitCode, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_tests(request(root, *paths, **kwargs), TestRunOptions(workers=2), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_report_goes_to_out_and_the_exit_code_comes_back(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING)})
    code, out, err = run(bank)
    assert code is ExitCode.OK
    assert out.splitlines()[-1] == "2 passed, 0 failed"
    assert err == ""

    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING + FAILING)})
    code, out, _ = run(bank)
    assert code is ExitCode.PROBLEMS
    assert "'wrong_balance' failed at turn 1" in out


def test_a_project_the_policy_does_not_allow_is_not_tested(bank: Path) -> None:
    write_project(
        bank,
        {
            "tests/cases.yml": cases_yaml(PASSING),
            "data/broken.yml": "flows:\n  broken:\n    description: x\n    steps:\n      - collect: nope\n",
        },
    )
    code, out, err = run(bank)
    assert code is ExitCode.USAGE
    assert out == ""
    assert "error[CT302]" in err
    assert "fix them first (calmtui validate shows all problems)" in err


def test_no_cases_and_collect_only(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING)})
    code, out, _ = run(bank, collect_only=True)
    assert code is ExitCode.OK
    assert out.splitlines()[-1] == "2 test cases"
    code, _, err = run(bank, keyword="nothing_matches")
    assert code is ExitCode.NO_TESTS
    assert "no test cases found" in err


def test_usage_problems_are_usage_errors_naming_the_option(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(PASSING)})
    with pytest.raises(UsageError) as missing:
        run(bank, "tests/nope.yml")
    assert missing.value.param_hint == "'PATHS'"
    with pytest.raises(UsageError) as keyword:
        run(bank, keyword="balance and (")
    assert keyword.value.param_hint == "'-k'"
