"""The one error the condition language raises, so callers can catch exactly that."""

from __future__ import annotations

from calmtui.core.errors import CalmtuiError


class ConditionSyntaxError(CalmtuiError):
    """A condition (or its Jinja template) that cannot be read.

    `offset` is the 0-based character position of the problem in the text that was parsed, so
    the validator can point a caret at it.
    """

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message, offset)
        self.message = message
        self.offset = offset

    def __str__(self) -> str:
        return self.message
