"""`calmtui init` (being written)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init_command() -> None:
        """(being written)"""
        typer.echo("calmtui init is not available yet in this version.", err=True)
        raise typer.Exit(2)
