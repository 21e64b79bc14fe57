"""Drive `calmtui shell` / `calmtui inspect` in a real terminal (tmux) and read the screen.

Used by `e2e/test_tmux.py`, and runnable by hand to watch a session step by step:

    python e2e/tmux_shell.py [--inspect] [--size 120x40] [--keep]

which scaffolds the banking template into a temporary directory, chats through a transfer and
prints what the terminal shows after each step. Needs tmux (`new-session -d -x W -y H`,
`send-keys`, `capture-pane -p`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path


class TmuxError(Exception):
    """The terminal did not show what was expected; the message holds the screen."""


class Terminal:
    """One detached tmux session running a command in `cwd`."""

    def __init__(self, command: list[str], *, cwd: Path, size: tuple[int, int] = (120, 40)) -> None:
        self.name = f"calmtui-e2e-{uuid.uuid4().hex[:8]}"
        self.cwd = cwd
        self.size = size
        env = {"NO_COLOR": "", "LITELLM_LOCAL_MODEL_COST_MAP": "True", "CALMTUI_UNDERSTANDING": ""}
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # COLUMNS/LINES leak in from some parents (pytest) and would override the real terminal
        # size for Textual. Keep the pane after the program ends, to read its exit status.
        self.shell = (
            f"unset COLUMNS LINES; export {exports}; {shlex.join(command)}; "
            "status=$?; echo; echo EXITED $status; sleep 600"
        )

    def __enter__(self) -> Terminal:
        width, height = self.size
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(width),
                "-y",
                str(height),
                "-c",
                str(self.cwd),
                self.shell,
            ],
            check=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True, check=False)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def send(self, *keys: str) -> None:
        """tmux key names (`Enter`, `C-s`, `M-1`, `F5`) or literal text."""
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)
        self.send("Enter")

    def wait_for(self, *needles: str, timeout: float = 15.0) -> str:
        """Wait until every needle is on screen; returns the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(n in screen for n in needles):
                return screen
            time.sleep(0.05)
        missing = [n for n in needles if n not in screen]
        raise TmuxError(f"not on screen after {timeout} s: {missing}\n{'-' * 40}\n{screen}")

    def wait_quiet(self, settle: float = 0.3, timeout: float = 10.0) -> str:
        """Wait until the screen stops changing (animations, lazy panels)."""
        deadline = time.monotonic() + timeout
        last = self.screen()
        while time.monotonic() < deadline:
            time.sleep(settle)
            now = self.screen()
            if now == last:
                return now
            last = now
        return last


def calmtui(*args: str) -> list[str]:
    return [sys.executable, "-m", "calmtui", *args]


def scaffold(where: Path, template: str = "banking") -> Path:
    result = subprocess.run(
        calmtui("init", "demo", "--template", template), cwd=where, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise TmuxError(f"calmtui init failed: {result.stderr}")
    return where / "demo"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--inspect", action="store_true", help="run calmtui inspect instead of shell"
    )
    parser.add_argument("--size", default="120x40", help="terminal size, WIDTHxHEIGHT")
    parser.add_argument("--keep", action="store_true", help="leave the project directory behind")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("tmux is not installed")
    width, height = (int(n) for n in args.size.split("x"))
    where = Path(tempfile.mkdtemp(prefix="calmtui-e2e-"))
    project = scaffold(where)
    command = calmtui("inspect" if args.inspect else "shell")
    with Terminal(command, cwd=project, size=(width, height)) as term:
        steps = [
            ("start", None, "Hi, I'm your"),
            ("send", "I want to send money", "send money to?"),
        ]
        steps += [("send", "Anna", "send to Anna?"), ("send", "50", "send 50.0 to Anna?")]
        for what, text, expect in steps:
            if text is not None:
                term.type(text)
            term.wait_for(expect)
            print(f"== after {what} {text or ''}".rstrip())
            print(term.wait_quiet())
        term.send("C-q")
        print(term.wait_for("EXITED"))
    if args.keep:
        print(f"project kept in {project}")
    else:
        shutil.rmtree(where, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    main()
