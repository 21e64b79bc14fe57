"""`calmtui validate` (being written)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate_command() -> None:
        """(being written)"""
        typer.echo("calmtui validate is not available yet in this version.", err=True)
        raise typer.Exit(2)
