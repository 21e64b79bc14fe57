"""Item 5 in a real terminal: a bot message, a button title and a slot value full of escape
sequences (retitle the window, clear the screen, write the clipboard with OSC 52, C1 CSI) reach
tmux as visible text from `shell --plain` and from the Textual shell, and tmux obeys none."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.hostile.actions_project import write_actions_project

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "e2e"))
from tmux_shell import Terminal, calmtui

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def title_of(term: Terminal) -> str:
    import subprocess

    done = subprocess.run(
        ["tmux", "display-message", "-p", "-t", term.name, "#{pane_title}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.parametrize("mode", [["shell", "--plain", "--debug"], ["shell"]])
def test_escape_sequences_from_outside_are_shown_not_obeyed(
    tmp_path: Path, mode: list[str]
) -> None:
    root = write_actions_project(tmp_path / "bot")
    with Terminal(calmtui(*mode), cwd=root, size=(160, 40)) as term:
        before = title_of(term)
        term.wait_for("you>" if "--plain" in mode else "Type a message", timeout=30)
        term.type("run hostile text")
        term.send("Enter")
        screen = term.wait_for("PWNED", "after", timeout=30)
        assert "␛]0;PWNED␇" in screen  # shown as text
        assert "[bold]B[/bold]" in screen  # not markup
        assert "[red]click[/red]" in screen
        assert "run hostile text" in screen  # the screen was not cleared
        title = title_of(term)
        assert "PWNED" not in title
        assert "BUTTON" not in title
        assert "SLOT" not in title
        assert title == before
        term.send("C-d" if "--plain" in mode else "C-q")
