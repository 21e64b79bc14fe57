"""The Typer application and the process-level error policy.

Exit codes are `calmtui.app.exit_codes.ExitCode` (0 ok, 1 problems, 2 usage, 3 internal error,
5 no tests, 130 interrupted). Tracebacks are only shown with `-v`/`--verbose`; locals are never
shown because they can hold API keys.
"""

from __future__ import annotations

import os
import sys

import typer

from calmtui import __version__
from calmtui.app.exit_codes import ExitCode, exit_code_for
from calmtui.cli import (
    fast_params,
    init_cmd,
    inspect_cmd,
    knowledge_cmd,
    shell_cmd,
    test_cmd,
    validate_cmd,
)
from calmtui.core.errors import CalmtuiError

app = typer.Typer(
    name="calmtui",
    help="Build, inspect and test CALM-style conversational assistants in the terminal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"calmtui {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Show tracebacks of internal errors."
    ),
) -> None:
    """Build, inspect and test CALM-style conversational assistants in the terminal."""
    if verbose:
        os.environ["CALMTUI_VERBOSE"] = "1"


fast_params.install()
init_cmd.register(app)
validate_cmd.register(app)
shell_cmd.register(app)
inspect_cmd.register(app)
test_cmd.register(app)
knowledge_cmd.register(app)


def run() -> None:
    """Console-script entry point: Typer handles usage errors, we handle everything else."""
    verbose = "-v" in sys.argv[1:2] or "--verbose" in sys.argv[1:2]
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt as exc:
        sys.stderr.write("interrupted\n")
        sys.exit(exit_code_for(exc))
    except CalmtuiError as exc:  # a problem we can explain: no traceback, exit 1
        sys.stderr.write(f"error: {exc}\n")
        sys.exit(exit_code_for(exc))
    except Exception as exc:  # the last line of defence: never a raw traceback by default
        report_internal_error(exc, verbose=verbose)
        sys.exit(ExitCode.INTERNAL)


def report_internal_error(exc: Exception, *, verbose: bool) -> None:
    """Print `internal error: ...` on stderr; the traceback only with -v (locals never)."""
    if verbose or os.environ.get("CALMTUI_VERBOSE") == "1":
        import traceback

        traceback.print_exc()
    sys.stderr.write(
        f"internal error: {type(exc).__name__}: {exc} (re-run with -v for the traceback)\n"
    )
