"""Commands whose issues have not landed yet: they say so plainly and exit 2, doing nothing."""

from __future__ import annotations

import typer

_PENDING = {
    "shell": "Chat with the assistant in the terminal.",
    "inspect": "The shell plus live panels: commands, stack, slots, flow, events.",
    "test": "Run the project's end-to-end test cases.",
}


def register(app: typer.Typer) -> None:
    for name, help_text in _PENDING.items():
        app.command(
            name,
            help=f"{help_text} (not available yet)",
            context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        )(_pending(name))


def _pending(name: str):  # noqa: ANN202 - a Typer callback factory
    def command(ctx: typer.Context) -> None:
        typer.echo(f"calmtui {name} is not available yet in this version.", err=True)
        raise typer.Exit(2)

    command.__name__ = f"{name}_command"
    return command
