"""`--understanding llm` without an API key (issue 16.4): one clear message at start-up —
before the UI opens (`shell`, `inspect`) and before the first test case (`test`) — instead of
the same advice for every message or case; `shell --plain` exits non-zero when a message could
not be understood."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from calmtui.cli import shell_cmd
from calmtui.cli.main import app
from tests.cli.conftest import write_project

CASES = """\
test_cases:
  - test_case: one
    steps:
      - user: send money
        assertions:
          - flow_started: transfer_money
  - test_case: two
    steps:
      - user: send money please
        assertions:
          - flow_started: transfer_money
"""
ADVICE = "OPENAI_API_KEY, which is not set"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("OPENAI_API_KEY", "CALMTUI_UNDERSTANDING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    root = write_project(tmp_path / "bank")
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "cases.yml").write_text(CASES, encoding="utf-8")
    return root


def invoke(*args: str, input: str = "") -> Result:
    return CliRunner().invoke(app, list(args), input=input)


def test_a_test_run_stops_before_the_first_case_with_one_message(project: Path) -> None:
    result = invoke("test", "--project", str(project), str(project / "tests"), "-u", "llm")
    assert result.exit_code == 2
    assert result.stderr.count(ADVICE) == 1
    assert "error: llm (from --understanding) needs an API key: openai/gpt-4o-mini" in result.stderr
    assert "endpoints.yml:" in result.stderr
    assert "--understanding offline" in result.stderr
    assert "failed at turn" not in result.stdout  # no case ran
    assert "passed" not in result.stdout


def test_the_mode_from_config_is_checked_too(project: Path) -> None:
    config = project / "config.yml"
    config.write_text(config.read_text() + "calmtui:\n  understanding: record\n")
    result = invoke("test", "--project", str(project), str(project / "tests"))
    assert result.exit_code == 2
    assert "record (from config.yml) needs an API key" in result.stderr


@pytest.mark.parametrize("command", ["shell", "inspect"])
def test_the_shell_and_the_inspector_do_not_open(
    project: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the conversation opened")

    monkeypatch.setattr(shell_cmd, "run_tui", must_not_run)
    monkeypatch.setattr(shell_cmd, "run_plain", must_not_run)
    result = invoke(command, "--project", str(project), "-u", "llm", input="hello\n")
    assert result.exit_code == 1
    assert result.stderr.count(ADVICE) == 1
    assert "hint: set it in the project's .env file or in your shell" in result.stderr


def test_a_key_in_the_environment_or_a_local_server_is_enough(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calmtui.app.understanding import check_keys
    from calmtui.core.validate import check

    loaded = check(project).project
    assert loaded is not None
    assert check_keys(loaded, "llm", {"OPENAI_API_KEY": "sk-x"}) == []
    assert check_keys(loaded, "replay", {}) == []
    assert check_keys(loaded, "offline", {}) == []
    local = project / "endpoints.yml"
    local.write_text(local.read_text() + "        api_base: http://127.0.0.1:9/v1\n")
    loaded = check(project).project
    assert loaded is not None
    assert check_keys(loaded, "llm", {}) == []


def test_plain_shell_exits_non_zero_when_a_message_was_not_understood(project: Path) -> None:
    """Replay mode needs no key; a prompt never recorded cannot be answered."""
    result = invoke(
        "shell", "--plain", "--project", str(project), "-u", "replay", input="send money\n"
    )
    assert result.exit_code == 1
    assert "error: 1 message could not be understood" in result.stderr
    assert result.stderr.count("next step: re-run with --understanding record") == 1
    assert "bot> " in result.stdout  # the conversation still ran


def test_plain_shell_exits_zero_when_every_message_was_understood(project: Path) -> None:
    result = invoke("shell", "--plain", "--project", str(project), input="send money\n")
    assert result.exit_code == 0, result.stderr
