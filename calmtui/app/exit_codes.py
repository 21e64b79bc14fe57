"""The process exit codes of every command, in one place (the CLI turns outcomes into these).

  0 OK        everything worked: the project is valid, the tests passed, the chat ended
  1 PROBLEMS  the project has errors, tests failed, or a setting cannot be used
  2 USAGE     bad usage (Typer's own code), no project found, an unknown understanding mode;
              `calmtui test`: a project or test file that cannot be run
  3 INTERNAL  an unexpected error (a bug): "internal error: ..." without a traceback
  5 NO_TESTS  `calmtui test` found no test case (pytest's code for the same)
130 INTERRUPTED  Ctrl+C
"""

from __future__ import annotations

from enum import IntEnum

from calmtui.core.errors import CalmtuiError


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS = 1
    USAGE = 2
    INTERNAL = 3
    NO_TESTS = 5
    INTERRUPTED = 130


class UsageError(CalmtuiError):
    """The command line asks for something impossible (a path that does not exist, a `-k`
    expression that does not parse): exit 2. `param_hint` names the option, as Typer does."""

    def __init__(self, message: str, *, param_hint: str | None = None) -> None:
        super().__init__(message)
        self.param_hint = param_hint


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for an error that ends a command: Ctrl+C, a bad mode name (usage), any other
    problem calmtui can explain (`CalmtuiError`: a setting or file that cannot be used), or a bug."""
    from calmtui.understanding.errors import UnknownModeError

    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(error, UsageError | UnknownModeError):
        return ExitCode.USAGE
    if isinstance(error, CalmtuiError):
        return ExitCode.PROBLEMS
    return ExitCode.INTERNAL
