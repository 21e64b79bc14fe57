"""One policy for "can this project run?" (issue 11 §2, §3).

The same broken project gets the same decision from `validate`, the start of `shell`, `test`
and hot reload; `--ignore`, `--strict` and the `calmtui:` key of config.yml work on all of them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from calmtui.app.policy import DEFAULT_POLICY, ProjectPolicy
from calmtui.app.reload import check_version
from calmtui.cli.main import app
from calmtui.core.diagnostics import Diagnostic
from calmtui.core.loading.project_loader import ProjectPaths, load_project
from tests.testing.conftest import CONFIG, DOMAIN, ENDPOINTS, cases_yaml, write_project

ACTIONS_ENDPOINT = ENDPOINTS + "action_endpoint:\n  actions_module: actions\n"
GOOD_ACTIONS = """\
from calmtui.actions.sdk import action


@action("action_check_balance")
def check_balance(tracker, dispatcher):
    return {"balance": 100.5}


@action("action_transfer")
def transfer(tracker, dispatcher):
    return {}
"""
BROKEN_ACTIONS = GOOD_ACTIONS.replace("def transfer(", "def transfer(:")
CASES = """\
- test_case: balance
  steps:
    - user: what is my balance
      commands: start flow check_balance
      assertions:
        - bot_uttered: {utter_name: utter_balance}
"""
# A categorical slot without values: Rasa accepts it, calmtui warns (--strict: error).
OPINION_DOMAIN = DOMAIN.replace("slots:\n", "slots:\n  tier:\n    type: categorical\n", 1)


def project(tmp_path: Path, actions: str | None = None, **files: str) -> Path:
    extra: dict[str, str | None] = {"tests/cases.yml": cases_yaml(CASES)}
    if actions is not None:
        extra["endpoints.yml"] = ACTIONS_ENDPOINT
        extra["actions/__init__.py"] = actions
    extra.update(files)
    return write_project(tmp_path / "bank", extra)


def cli(root: Path, *args: str, stdin: str = "") -> Result:
    runner = CliRunner(env={"NO_COLOR": "1", "CALMTUI_UNDERSTANDING": None, "GITHUB_ACTIONS": None})
    return runner.invoke(app, [*args, "--project", str(root)], input=stdin)


def shell(root: Path, *args: str) -> Result:
    return cli(root, "shell", "--plain", *args, stdin="what is my balance\n")


def run_test(root: Path, *args: str) -> Result:
    return cli(root, "test", "-n", "1", *args)


def reload_decision(root: Path, policy: ProjectPolicy = DEFAULT_POLICY) -> bool:
    """What hot reload decides about the project on disk (as if an actions file was saved)."""
    changed = ["actions/__init__.py"]
    report = asyncio.run(check_version(root, ProjectPaths(), changed, policy))
    return policy.for_project(report.project).allows(report)


# -- the same decision everywhere ------------------------------------------------------------------


def test_a_broken_actions_module_stops_every_command_the_same_way(tmp_path: Path) -> None:
    root = project(tmp_path, BROKEN_ACTIONS)
    where = "actions/__init__.py:10:1: error[CT244]: cannot import the actions module 'actions'"
    validate = cli(root, "validate")
    assert validate.exit_code == 1
    assert where in validate.stdout
    started = shell(root)
    assert started.exit_code == 1
    assert where in started.stderr
    assert "cannot start: 1 error in the project" in started.stderr
    tested = run_test(root)
    assert tested.exit_code == 2  # a project error: no case runs (each would fail the same way)
    assert where in tested.stderr
    assert not reload_decision(root)  # the last good version keeps running


def test_an_action_the_module_lacks_is_a_warning_everywhere(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD_ACTIONS.split('@action("action_transfer")')[0])
    validate = cli(root, "validate")
    assert validate.exit_code == 0
    assert "warning[CT243]: custom action 'action_transfer' is not defined" in validate.stdout
    started = shell(root)
    assert started.exit_code == 0, started.output
    assert "project loaded with 1 warning (calmtui validate lists them)" in started.stderr
    assert "Your balance is 100.5." in started.stdout
    tested = run_test(root)
    assert tested.exit_code == 0, tested.output
    assert tested.stdout.splitlines()[-1] == "1 passed, 0 failed"
    assert reload_decision(root)


# -- --ignore, --strict and the config file -------------------------------------------------------


def test_strict_turns_opinions_into_errors_on_every_command(tmp_path: Path) -> None:
    root = project(tmp_path, **{"domain.yml": OPINION_DOMAIN})
    assert cli(root, "validate").exit_code == 0
    strict = cli(root, "validate", "--strict")
    assert strict.exit_code == 1
    assert "error[CT202]: categorical slot 'tier' has no 'values'" in strict.stdout
    assert "an error because of --strict" in strict.stdout
    assert shell(root).exit_code == 0
    assert shell(root, "--strict").exit_code == 1
    assert run_test(root).exit_code == 0
    assert run_test(root, "--strict").exit_code == 2


def test_ignore_hides_a_code_on_every_command(tmp_path: Path) -> None:
    root = project(tmp_path, **{"domain.yml": OPINION_DOMAIN})
    validate = cli(root, "validate", "--ignore", "CT202")
    assert "CT202" not in validate.stdout
    assert "1 ignored" in validate.stdout
    assert cli(root, "validate", "--strict", "--ignore", "ct202").exit_code == 0
    assert shell(root, "--strict", "--ignore", "CT202").exit_code == 0
    assert run_test(root, "--strict", "--ignore", "CT202").exit_code == 0
    unknown = cli(root, "validate", "--ignore", "CT999")
    assert unknown.exit_code == 2
    assert "unknown diagnostic code 'CT999'" in unknown.output
    assert cli(root, "test", "--ignore", "CT100").exit_code == 2


def test_the_config_file_silences_codes_and_asks_for_strict(tmp_path: Path) -> None:
    config = CONFIG + "calmtui:\n  ignore: [CT202]\n"
    root = project(tmp_path, **{"domain.yml": OPINION_DOMAIN, "config.yml": config})
    validate = cli(root, "validate", "--strict")
    assert validate.exit_code == 0, validate.stdout
    assert "CT202" not in validate.stdout
    strict = CONFIG + "calmtui:\n  strict: true\n  understanding: offline\n"
    root = project(tmp_path / "s", **{"domain.yml": OPINION_DOMAIN, "config.yml": strict})
    assert cli(root, "validate").exit_code == 1
    assert shell(root).exit_code == 1
    assert run_test(root).exit_code == 2


def test_hot_reload_applies_the_command_lines_policy(tmp_path: Path) -> None:
    root = project(tmp_path, **{"domain.yml": OPINION_DOMAIN})
    assert reload_decision(root)
    assert not reload_decision(root, ProjectPolicy(strict=True))
    assert reload_decision(root, ProjectPolicy(strict=True, ignore=frozenset({"CT202"})))


def test_settings_that_cannot_be_used_are_warnings(tmp_path: Path) -> None:
    config = CONFIG + "calmtui:\n  ignore: [CT24O, CT100, CT240]\n  strict: yes\n  colour: red\n"
    root = project(tmp_path, **{"config.yml": config})
    loaded = load_project(root)
    assert loaded.project is not None
    settings = loaded.project.config.settings
    assert settings.ignore == frozenset({"CT240"})
    assert settings.strict is False
    found = [(d.code, d.severity, d.message) for d in loaded.diagnostics if d.code == "CT278"]
    assert [m for _, _, m in found] == [
        "'CT24O' in 'ignore' of 'calmtui' in config.yml is not a diagnostic code",
        "'CT100' in 'ignore' of 'calmtui' in config.yml cannot be hidden",
        "'strict' of 'calmtui' in config.yml must be true or false, found text",
        "unknown key 'colour' in 'calmtui' in config.yml",
    ]
    assert {s for _, s, _ in found} == {"warning"}


# -- the policy itself ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "code", "expected"),
    [
        (ProjectPolicy(), "CT202", "warning"),
        (ProjectPolicy(strict=True), "CT202", "error"),
        (ProjectPolicy(strict=True), "CT240", "warning"),  # Rasa warns too: not an opinion
        (ProjectPolicy(strict=True), "CT370", "warning"),  # ignored, as Rasa does
        (ProjectPolicy(ignore=frozenset({"CT202"}), strict=True), "CT202", None),
        (ProjectPolicy(ignore=frozenset({"CT100"})), "CT100", "error"),
    ],
)
def test_judge(policy: ProjectPolicy, code: str, expected: str | None) -> None:
    severity = "error" if code == "CT100" else "warning"
    judged = policy.judge(Diagnostic(code=code, severity=severity, message="m"))
    assert (judged.severity if judged is not None else None) == expected
