"""CT243: custom actions the in-process actions module lacks, directly and through `calmtui validate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmtui.actions.checks import custom_action_uses, find_missing_actions
from calmtui.cli.main import app
from tests.actions.conftest import DOMAIN, SDK_ACTIONS, load, write_project

REPO = Path(__file__).resolve().parents[2]

PARTIAL = """\
from calmtui.actions.sdk import action

print("actions imported")  # must not end up in `validate --json` output


@action("action_set_balanse")
def set_balance(tracker, dispatcher):
    return None


@action("action_greet")
def greet(tracker, dispatcher):
    return None
"""


def test_every_place_a_custom_action_is_called_from(tmp_path: Path) -> None:
    domain = DOMAIN.replace("  - validate_amount\n", "  - validate_amount\n  - action_ask_amount\n")
    project = load(write_project(tmp_path / "bank", domain=domain))
    uses = [(name, str(span)) for name, span in custom_action_uses(project)]
    assert uses == [
        ("action_set_balance", "data/flows.yml:5:17"),
        ("action_greet", "data/flows.yml:10:17"),
        ("action_with_buttons", "data/flows.yml:14:17"),
        ("action_boom", "data/flows.yml:18:17"),
        ("action_slow", "data/flows.yml:23:17"),
        ("action_reset", "data/flows.yml:27:17"),
        ("action_bad_return", "data/flows.yml:31:17"),
        ("action_ask_amount", "domain.yml:26:5"),
        ("validate_amount", "domain.yml:25:5"),
    ]


def test_missing_actions_are_warnings_at_the_step(tmp_path: Path) -> None:
    project = load(write_project(tmp_path / "bank", actions=PARTIAL))
    problems = find_missing_actions(project)
    assert all(p.code == "CT243" and p.severity == "warning" for p in problems)
    first = problems[0]
    assert first.headline() == (
        "data/flows.yml:5:17: warning[CT243]: custom action 'action_set_balance' is not defined in the "
        "actions module 'actions'"
    )
    assert first.hint == "did you mean 'action_set_balanse'?"
    missing = [p.message.split("'")[1] for p in problems]
    assert missing == [
        "action_set_balance",
        "action_with_buttons",
        "action_boom",
        "action_slow",
        "action_reset",
        "action_bad_return",
        "validate_amount",
    ]
    assert "@action('action_with_buttons')" in (problems[1].hint or "")


def test_rasa_sdk_classes_count_and_a_complete_module_is_quiet(tmp_path: Path) -> None:
    assert find_missing_actions(load(write_project(tmp_path / "native"))) == []
    sdk = find_missing_actions(load(write_project(tmp_path / "sdk", actions=SDK_ACTIONS)))
    assert {p.message.split("'")[1] for p in sdk} == {
        "action_with_buttons",
        "action_slow",
        "action_bad_return",
        "validate_amount",
    }


def test_a_module_that_cannot_be_imported_is_one_error_at_the_line(tmp_path: Path) -> None:
    project = load(write_project(tmp_path / "bank", actions="import no_such_package_here\n"))
    [problem] = find_missing_actions(project)
    assert (problem.code, problem.severity) == ("CT244", "error")
    assert problem.message == (
        "cannot import the actions module 'actions': ModuleNotFoundError: No module named 'no_such_package_here'"
    )
    assert str(problem.span) == "actions/__init__.py:1:1"


def test_only_actions_module_projects_are_checked(tmp_path: Path) -> None:
    url = "action_endpoint:\n  url: http://127.0.0.1:5055/webhook\n"
    assert (
        find_missing_actions(load(write_project(tmp_path / "http", actions=PARTIAL, endpoints=url)))
        == []
    )
    assert (
        find_missing_actions(
            load(write_project(tmp_path / "none", actions=PARTIAL, endpoints="{}\n"))
        )
        == []
    )


def test_validate_reports_ct243(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_project(tmp_path / "bank", actions=PARTIAL)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0, result.output  # warnings only
    lines = result.stdout.splitlines()
    assert (
        "data/flows.yml:5:17: warning[CT243]: custom action 'action_set_balance' is not defined in the "
        "actions module 'actions'"
    ) in lines
    assert "  hint: did you mean 'action_set_balanse'?" in lines
    assert "actions imported" not in result.stdout
    strict = CliRunner().invoke(app, ["validate", "--fail-on-warnings"])
    assert strict.exit_code == 1
    hidden = CliRunner().invoke(app, ["validate", "--ignore", "CT243"])
    assert "CT243" not in hidden.stdout


def test_validate_json_with_a_broken_module_has_no_traceback(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank", actions="raise RuntimeError('no database')\n")
    result = CliRunner().invoke(app, ["validate", "--project", str(root), "--json"])
    document = json.loads(result.stdout)
    [problem] = [d for d in document["diagnostics"] if d["code"] == "CT244"]
    assert (
        problem["message"]
        == "cannot import the actions module 'actions': RuntimeError: no database"
    )
    assert "Traceback" not in result.output


def test_the_banking_template_defines_all_its_actions() -> None:
    project = load(REPO / "templates" / "banking")
    assert find_missing_actions(project) == []
    assert {name for name, _ in custom_action_uses(project)} == {
        "action_check_balance",
        "action_execute_transfer",
    }


def test_a_missing_module_is_one_error_with_a_way_forward(tmp_path: Path) -> None:
    [problem] = find_missing_actions(load(write_project(tmp_path / "bank", actions=None)))
    assert problem.headline() == (
        "endpoints.yml:2:3: error[CT244]: the actions module 'actions' does not exist in the project "
        "(no actions/ package or actions.py)"
    )
    assert problem.hint == (
        "create it with the custom actions (e.g. actions/__init__.py), or point action_endpoint at your "
        "action server with 'url'"
    )
