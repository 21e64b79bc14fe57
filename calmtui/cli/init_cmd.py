"""`calmtui init [DIR]`: write a ready-to-run project from a bundled template.

The first thing a new user runs, so it must be quick and never need a key: no LLM client or TUI
is imported, and the output ends with the next commands to type (UX.md, "First five minutes").
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from calmtui.app.exit_codes import ExitCode

if TYPE_CHECKING:  # scaffold is imported inside the command: `calmtui --help` stays light
    from calmtui.cli.scaffold import ProjectSummary, Template

DEFAULT_TEMPLATE = "basic"  # == scaffold.DEFAULT_TEMPLATE (checked by tests/cli/test_init.py)


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init_command(
        directory: Annotated[
            Path,
            typer.Argument(
                help="Where to create the project (created if missing).", show_default=True
            ),
        ] = Path("."),
        template: Annotated[
            str,
            typer.Option(
                "--template", "-t", help="The template to start from (see --list-templates)."
            ),
        ] = DEFAULT_TEMPLATE,
        list_templates: Annotated[
            bool, typer.Option("--list-templates", help="List the available templates and exit.")
        ] = False,
        force: Annotated[
            bool,
            typer.Option(
                "--force", help="Write into a non-empty directory, overwriting same-named files."
            ),
        ] = False,
    ) -> None:
        """Create a new CALM project from a template, ready for 'calmtui inspect' and 'calmtui test'."""
        from calmtui.cli import scaffold

        try:
            if list_templates:
                _print_templates(scaffold.list_templates())
                return
            chosen = scaffold.find_template(template)
            scaffold.check_target(directory, force=force)
            scaffold.copy_template(chosen, directory)
        except scaffold.InitError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            if exc.hint:
                typer.echo(f"  hint: {exc.hint}", err=True)
            raise typer.Exit(ExitCode.USAGE) from None
        summary = scaffold.summarize(directory)
        _print_created(directory, chosen.name, summary)


def _print_templates(templates: list[Template]) -> None:
    width = max((len(t.name) for t in templates), default=0)
    typer.echo("Templates (calmtui init DIR --template NAME):")
    for t in templates:
        default = " (default)" if t.name == DEFAULT_TEMPLATE else ""
        typer.echo(f"  {t.name.ljust(width)}  {t.description}{default}")


def _print_created(directory: Path, template: str, summary: ProjectSummary) -> None:
    here = directory.resolve() == Path.cwd().resolve()
    where = "the current directory" if here else f"{directory.as_posix().rstrip('/')}/"
    typer.echo(f"Created {where} from the {template!r} template ({summary.counts_text()}).")
    errors = [d for d in summary.diagnostics if d.is_error]
    if errors:  # a broken template is our bug; say so instead of pretending all is well
        typer.echo(
            f"warning: the new project has {len(errors)} problem(s); run 'calmtui validate' to see them",
            err=True,
        )
    typer.echo("Next:")
    if not here:
        typer.echo(f"  cd {shlex.quote(directory.as_posix())}")
    typer.echo(
        "  calmtui inspect      # chat with it, watch what it decides (offline understanding: no key needed)"
    )
    typer.echo("  calmtui test         # run its e2e tests")
