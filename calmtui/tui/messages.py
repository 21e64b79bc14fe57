"""App-level Textual messages: what the workers report to the screen (STYLE.md 3.4, 3.7).

Workers never touch widgets; they post one of these to their screen (the messages do not
bubble further), and the screen's handlers push the data down into the widgets. Tests assert on
them with `run_test(message_hook=...)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.validate import ValidationReport

if TYPE_CHECKING:
    from calmtui.session import ReloadReport, TurnResult


class ConversationOpened(Message, bubble=False):
    """The conversation is ready: started, resumed from the store, or restarted."""

    def __init__(
        self, results: Sequence[TurnResult], *, resumed: bool, restarted: bool = False
    ) -> None:
        super().__init__()
        self.results = tuple(results)
        self.resumed = resumed
        self.restarted = restarted


class TurnCompleted(Message, bubble=False):
    """A turn ran to the end (possibly with failed actions, which the result records)."""

    def __init__(self, result: TurnResult) -> None:
        super().__init__()
        self.result = result


class TurnFailed(Message, bubble=False):
    """A turn could not run at all (a bug in a generator or runner); nothing was changed."""

    def __init__(self, text: str, error: str) -> None:
        super().__init__()
        self.text = text
        self.error = error


class LLMFailed(Message, bubble=False):
    """Understanding reported an error (provider down, bad key, replay miss); the turn went on
    with an error command, so the assistant still answered."""

    def __init__(self, result: TurnResult, error: str) -> None:
        super().__init__()
        self.result = result
        self.error = error


class ProjectReloaded(Message, bubble=False):
    """A changed project validated and now runs the live conversation."""

    def __init__(
        self, report: ReloadReport, validation: ValidationReport, changed_files: Sequence[str]
    ) -> None:
        super().__init__()
        self.report = report
        self.validation = validation
        self.changed_files = tuple(changed_files)


class ReloadFailed(Message, bubble=False):
    """A changed project has errors: the last good version keeps running."""

    def __init__(self, validation: ValidationReport, changed_files: Sequence[str]) -> None:
        super().__init__()
        self.validation = validation
        self.changed_files = tuple(changed_files)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.validation.diagnostics if d.is_error]
