"""`calmtui shell` / `calmtui inspect` from the command line, in plain mode (what scripts, CI
and other tools use): stdin lines in, bot lines out; --debug, --json, --list, resuming,
stub actions, and clear errors for a broken project."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmtui.cli.main import app
from tests.tui.conftest import FLOWS, write_project

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def banking(tmp_path: Path) -> Path:
    root = tmp_path / "banking"
    shutil.copytree(
        REPO / "templates" / "banking", root, ignore=shutil.ignore_patterns("template.yml")
    )
    return root


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CALMTUI_UNDERSTANDING", raising=False)


def shell(*args: str, input: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_lines_in_bot_lines_out(banking: Path) -> None:
    code, out, err = shell("shell", "--project", str(banking), input="I want to send money\nAnna\n")
    assert code == 0, err
    assert out.splitlines() == [
        "bot> Hi, I'm your banking assistant. I can send money, tell you your balance and replace a lost or damaged card. What would you like to do?",
        "you> I want to send money",
        "bot> Who would you like to send money to?",
        "you> Anna",
        "bot> How much would you like to send to Anna?",
    ]
    assert "conversation saved as " in err


def test_buttons_are_listed_with_their_payloads_and_a_payload_can_be_typed(banking: Path) -> None:
    lines = "I want to send money\nAnna\n50\n/SetSlots(transfer_confirmation=true)\n"
    code, out, _ = shell("shell", "--plain", "--project", str(banking), input=lines)
    assert code == 0
    assert "     1) Yes, send it → /SetSlots(transfer_confirmation=true)" in out.splitlines()
    assert "bot> Done! I sent 50.0 to Anna." in out.splitlines()


def test_debug_prints_commands_slots_actions_and_the_stack(banking: Path) -> None:
    lines = "I want to send money\nAnna\n50\nyes\n"
    code, out, _ = shell("shell", "--debug", "--project", str(banking), input=lines)
    assert code == 0
    text = out.splitlines()
    assert text[1:5] == [
        "you> I want to send money",
        "  commands: start flow transfer_money   [offline]",
        "  stack: pattern_collect_information@pattern_collect_information_4_action_listen > transfer_money@transfer_money_0_collect_recipient",
        "bot> Who would you like to send money to?",
    ]
    assert "  slot: recipient \N{EN DASH} → Anna" in text  # the en dash stands for "no value"
    assert any(
        line.startswith("  action: action_execute_transfer (inprocess, ") and line.endswith(" ok")
        for line in text
    )


def test_inspect_in_a_pipe_prints_the_debug_view(banking: Path) -> None:
    code, out, _ = shell("inspect", "--project", str(banking), input="I want to send money\n")
    assert code == 0
    assert "  commands: start flow transfer_money   [offline]" in out.splitlines()


def test_json_prints_one_object_per_turn(banking: Path) -> None:
    code, out, _ = shell(
        "shell", "--json", "--project", str(banking), input="I want to send money\n\nAnna\n"
    )
    assert code == 0
    turns = [json.loads(line) for line in out.splitlines()]
    assert [t["turn"] for t in turns] == [0, 1, 2]  # the blank line is not a message
    assert turns[1]["user_text"] == "I want to send money"
    assert turns[1]["accepted_commands"] == [{"kind": "start_flow", "flow": "transfer_money"}]
    assert turns[1]["bot_messages"] == [
        {
            "text": "Who would you like to send money to?",
            "buttons": [],
            "utter_action": "utter_ask_recipient",
        }
    ]
    assert len({t["conversation_id"] for t in turns}) == 1


def test_conversations_are_listed_and_resumed(banking: Path) -> None:
    code, _, err = shell(
        "shell",
        "--project",
        str(banking),
        "--conversation-id",
        "demo",
        input="I want to send money\n",
    )
    assert code == 0
    assert "no saved conversation 'demo'" in err
    code, out, err = shell("shell", "--list", "--project", str(banking))
    assert code == 0
    header, row = out.splitlines()
    assert header.split() == ["ID", "UPDATED", "TURNS", "FIRST", "MESSAGE"]
    assert row.startswith("demo  ")
    assert row.endswith("1  I want to send money")
    assert "resume one with: calmtui shell --conversation-id demo" in err
    code, out, err = shell(
        "shell", "--project", str(banking), "--conversation-id", "demo", input="Anna\n"
    )
    assert code == 0
    assert "resumed conversation demo (1 turns)" in err
    assert out.splitlines() == ["you> Anna", "bot> How much would you like to send to Anna?"]


def test_list_without_saved_conversations(banking: Path) -> None:
    code, out, err = shell("shell", "--list", "--project", str(banking))
    assert code == 0
    assert out == ""
    assert "no saved conversations in" in err


def test_a_failing_action_is_reported_on_stderr(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank")
    (root / "data" / "flows.yml").write_text(
        FLOWS.replace(
            "name: Transfer money",
            "name: Transfer money\n    metadata:\n      examples: [send money]",
        )
    )
    lines = "send money\nAnna\n50\n/SetSlots(confirm=true)\n"
    code, out, err = shell("shell", "--project", str(root), input=lines)
    assert code == 0
    assert (
        "! action action_do_transfer failed: no action runner can run 'action_do_transfer'" in err
    )
    assert "bot> Sorry, I am having trouble with that. Please try again in a few minutes." in out


def test_stub_actions_answer_custom_actions(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank")
    (root / "data" / "flows.yml").write_text(
        FLOWS.replace(
            "name: Transfer money",
            "name: Transfer money\n    metadata:\n      examples: [send money]",
        )
    )
    stubs = tmp_path / "stubs.yml"
    stubs.write_text(
        "stub_custom_actions:\n  action_do_transfer:\n    events:\n      - event: slot\n        name: transfer_ok\n"
        "        value: true\n    responses:\n      - text: stubbed transfer\n"
    )
    lines = "send money\nAnna\n50\n/SetSlots(confirm=true)\n"
    code, out, err = shell(
        "shell", "--project", str(root), "--stub-actions", str(stubs), input=lines
    )
    assert code == 0, err
    assert "bot> stubbed transfer" in out.splitlines()
    assert "bot> Sent 50.0 to Anna." in out.splitlines()


def test_a_broken_stub_file_is_a_usage_error(banking: Path, tmp_path: Path) -> None:
    stubs = tmp_path / "stubs.yml"
    stubs.write_text("something_else: 1\n")
    code, _, err = shell("shell", "--project", str(banking), "--stub-actions", str(stubs))
    assert code == 2
    assert "stub_custom_actions" in err


def test_a_project_with_errors_does_not_start(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "bank", {"data/flows.yml": FLOWS.replace("collect: amount", "collect: amout")}
    )
    code, out, err = shell("shell", "--project", str(root), input="hello\n")
    assert code == 1
    assert out == ""
    assert "error[CT302]" in err
    assert "amout" in err
    assert "cannot start: 1 error in the project" in err
    assert "Traceback" not in err


def test_no_project_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = shell("inspect", "--project", str(tmp_path))
    assert code == 2
    assert "error[CT100]" in err


def test_an_unknown_understanding_mode_is_a_usage_error(banking: Path) -> None:
    code, _, err = shell("shell", "--project", str(banking), "--understanding", "ofline")
    assert code == 2
    assert "unknown understanding mode 'ofline'" in err
    assert "did you mean 'offline'?" in err


def test_shell_help_does_not_import_textual() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['calmtui', 'shell', '--help']\n"
        "from calmtui.cli.main import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('textual' in sys.modules, 'watchfiles' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "False False"


def test_plain_mode_does_not_import_textual(banking: Path) -> None:
    probe = (
        "import sys\n"
        f"sys.argv = ['calmtui', 'shell', '--plain', '--project', {str(banking)!r}]\n"
        "from calmtui.cli.main import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('TEXTUAL', 'textual' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], input="", capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "TEXTUAL False"


def test_debug_and_json_show_knowledge_answers(tmp_path: Path) -> None:
    support = tmp_path / "support"
    shutil.copytree(
        REPO / "templates" / "support",
        support,
        ignore=shutil.ignore_patterns(".calmtui"),
    )
    code, out, err = shell(
        "shell", "--plain", "--debug", "--project", str(support), input="when is my bill paid?\n"
    )
    assert code == 0
    assert "responses keep their template text" in err  # the rephraser, offline: said once
    assert "  knowledge: answered  offline  lexical retrieval" in out
    assert "    1. docs/billing.md:1-6  score " in out
    assert "bot> Your bill is issued on the 1st of every month" in out

    code, out, _ = shell(
        "shell", "--plain", "--json", "--project", str(support), input="when is my bill paid?\n"
    )
    turn = json.loads(out.splitlines()[-1])
    search, rephrase = turn["generated"]
    assert search["kind"] == "search"
    assert search["passages"][0]["source"] == "docs/billing.md"
    assert (rephrase["kind"], rephrase["outcome"]) == ("rephrase", "offline")
