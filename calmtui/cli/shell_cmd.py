"""`calmtui shell` (being written)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("shell", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def shell_command(ctx: typer.Context) -> None:
        """(not available yet)"""
        typer.echo("calmtui shell is not available yet in this version.", err=True)
        raise typer.Exit(2)
