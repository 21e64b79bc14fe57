"""`calmtui inspect`: the shell plus live panels showing what the assistant decided each turn.

Same options as `calmtui shell` (see shell_cmd.py, which does the work). In a pipe or with
`--plain` it runs the line-based shell with `--debug` output, the inspector's content as text.
"""

from __future__ import annotations

import typer

from calmtui.cli.shell_cmd import chat_command


def register(app: typer.Typer) -> None:
    app.command(
        "inspect",
        help="Chat with the assistant and watch what it decides: commands, stack, slots, flow, events.",
    )(chat_command(inspector=True))
