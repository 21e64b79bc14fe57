"""`calmtui shell` and `calmtui inspect` in a real terminal (tmux), on a project made by
`calmtui init`: what a person would see — the greeting, a turn, button choices, the inspector's
panels, hot reload of a good and a broken edit, save-as-test — and what they leave behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from tmux_shell import Terminal, calmtui, scaffold

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    return scaffold(tmp_path)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    env.pop("CALMTUI_UNDERSTANDING", None)
    return subprocess.run(
        calmtui(*args), cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_shell_chat_with_a_button_choice_at_80x24(project: Path) -> None:
    with Terminal(calmtui("shell"), cwd=project, size=(80, 24)) as term:
        term.wait_for("Hi, I'm your banking assistant", "Type a message", "^r Restart")
        term.type("I want to send money")
        term.wait_for("you I want to send money", "bot Who would you like to send money to?")
        term.type("Anna")
        term.type("50")
        screen = term.wait_for(
            "Please confirm: send 50.0 to Anna?", "1 Yes, send it", "2 No, cancel"
        )
        assert "offline" in screen.splitlines()[-2]  # the status line names the mode
        term.send("C-o")  # ctrl+o focuses the first choice, Enter picks it
        time.sleep(0.3)
        term.send("Enter")
        term.wait_for(
            "Yes, send it  (/SetSlots(transfer_confirmation=true))", "Done! I sent 50.0 to Anna."
        )
        term.send("C-z")  # rewind the confirmation
        screen = term.wait_for("rewound turn 4")
        assert "Done! I sent" not in screen
        term.send("C-q")
        screen = term.wait_for("EXITED 0")
        assert "conversation saved as " in screen
    listed = run("shell", "--list", cwd=project)
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[1].endswith("3  I want to send money")


def test_inspect_panels_hot_reload_and_save_as_test(project: Path) -> None:
    with Terminal(calmtui("inspect"), cwd=project, size=(120, 40)) as term:
        term.wait_for("Hi, I'm your", "Commands · turn 0", "Stack (0)", "Flow  Events  Problems")
        term.type("I want to send money")
        screen = term.wait_for(
            "Commands · turn 1",
            "✓ start flow transfer_money",
            "flows offered: transfer_money",
            "Stack (2)",
            "▸ pattern_collect_infor…",  # cut at the panel's edge, in full below when highlighted
            "● collect recipient",
        )
        assert "turn 1 of 1 (latest)" in screen

        flows = project / "data" / "flows" / "transfer_money.yml"
        original = flows.read_text(encoding="utf-8")
        flows.write_text(
            original.replace(
                "      - collect: amount\n",
                "      - collect: amount\n        ask_before_filling: true\n",
            )
        )
        term.wait_for("reloaded data/flows/transfer_money.yml (1 flow changed)")

        flows.write_text(original.replace("- collect: amount", "- collect: amout"))
        screen = term.wait_for(
            "reload failed: 1 error",
            "error[CT302]",
            "reload failed in data/flows/transfer_money.yml: 1 error",
        )
        assert "Problems (1 error" in screen
        term.type("Anna")  # the last good version keeps answering
        term.wait_for("How much would you like")

        flows.write_text(original)
        term.wait_for("reloaded data/flows/transfer_money.yml")
        term.send("C-s")
        term.wait_for("Save this conversation as an e2e test case", "transfer_money_1")
        time.sleep(0.3)  # let the name field take focus
        term.send("Enter")
        term.wait_for("Saved test case", "run it: calmtui test", "saved/transfer_money_1.yml")
        term.send("C-q")
        term.wait_for("EXITED 0")
    saved = project / "tests" / "e2e_test_cases" / "saved" / "transfer_money_1.yml"
    assert saved.is_file()
    result = run("test", str(saved), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("1 passed, 0 failed")


def test_inspect_at_80x24_shows_the_panels_as_tabs(project: Path) -> None:
    with Terminal(calmtui("inspect"), cwd=project, size=(80, 24)) as term:
        term.wait_for("Commands  Stack  Slots  Flow")  # the tab strip scrolls to the tab shown
        term.type("I want to send money")
        screen = term.wait_for("✓ start flow", "Who would you like to send money to?")
        assert all(len(line) <= 80 for line in screen.splitlines())
        lines = screen.splitlines()
        assert "turn 1/1 · < > >>" in lines[0]  # the header line, whole
        assert lines[-1].rstrip().endswith("^p palette")  # the footer, whole
        assert "f2 Panels" in lines[-1]
        term.send("C-q")
        term.wait_for("EXITED 0")


def test_a_broken_project_does_not_start(project: Path) -> None:
    flows = project / "data" / "flows" / "transfer_money.yml"
    flows.write_text(
        flows.read_text(encoding="utf-8").replace("- collect: amount", "- collect: amout")
    )
    with Terminal(calmtui("inspect"), cwd=project, size=(100, 30)) as term:
        screen = term.wait_for("EXITED 1")
        assert "error[CT302]" in screen
        assert "cannot start: 1 error" in screen
        assert "Traceback" not in screen
