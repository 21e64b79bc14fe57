"""`calmtui test` (being written)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("test", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def test_command(ctx: typer.Context) -> None:
        """(not available yet)"""
        typer.echo("calmtui test is not available yet in this version.", err=True)
        raise typer.Exit(2)
