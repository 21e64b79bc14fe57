"""Messages no generator should send anywhere: empty ones and ones over the length limit.

The session already answers these without calling understanding (FORMATS.md d.1); the
generators check again so that they behave the same when driven directly (benchmarks, other
front ends), and never send a huge or empty prompt to a provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from calmtui.core.commands import ERROR_USER_INPUT_EMPTY, ERROR_USER_INPUT_TOO_LONG, Error
from calmtui.core.model.project import Project

DEFAULT_MAX_CHARACTERS = 420


def max_characters(project: Project) -> int:
    """`user_input.max_characters` of the command generator (negative: no limit)."""
    component = project.config.command_generator
    options: Mapping[str, Any] = component.options if component is not None else {}
    raw = options.get("user_input")
    user_input: Mapping[str, Any] = cast(Mapping[str, Any], raw) if isinstance(raw, Mapping) else {}
    value = user_input.get("max_characters")
    return (
        value if isinstance(value, int) and not isinstance(value, bool) else DEFAULT_MAX_CHARACTERS
    )


def user_input_error(text: str, limit: int) -> tuple[Error, str] | None:
    """The Error command (and a note) for an empty or too long message, else None."""
    if not text.strip():
        return Error(error_type=ERROR_USER_INPUT_EMPTY), "empty message: understanding not called"
    if 0 <= limit < len(text):
        note = f"message longer than {limit} characters: understanding not called"
        return Error(error_type=ERROR_USER_INPUT_TOO_LONG, info={"max_characters": limit}), note
    return None
