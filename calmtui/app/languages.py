"""The conversation's language as the shell shows and switches it (docs/languages.md).

`--language CODE` starts a conversation in that language the way a channel's session-start
metadata does (`{"language": "de"}`); switching mid-conversation sends Rasa's own way of doing
it, the button payload `/SetSlots(language=de)`, as a turn — so it is recorded, saved, can be
rewound, and a conversation saved as a test case replays it. Both front ends use this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from calmtui.core.languages import (
    LANGUAGE_SLOT,
    check_code,
    describe_language,
    matching_language,
)
from calmtui.core.model.project import Project

LANGUAGE_COMMAND = "/language"


class LanguageError(ValueError):
    """A language the project cannot use (CT700, CT708): the message says which it can."""


def requested_language(project: Project, code: str) -> str:
    """The configured spelling of `code`, or a `LanguageError` naming the configured ones."""
    config = project.config
    found = matching_language(code, config.languages)
    if found is not None:
        return found
    listed = ", ".join(config.languages)
    problem = check_code(code)
    if problem is not None:
        likely = f"; did you mean {problem.suggestion!r}?" if problem.suggestion else ""
        raise LanguageError(f"{problem.message} (CT700){likely} (languages: {listed})")
    raise LanguageError(
        f"config.yml does not configure language {code!r} (CT708); the assistant speaks {listed}"
        + ("" if config.is_multilingual else " (add it to 'additional_languages')")
    )


def start_metadata(language: str | None) -> dict[str, Any]:
    """The session-start metadata a channel would send for `language`."""
    return {LANGUAGE_SLOT: language} if language else {}


def switch_payload(code: str) -> str:
    """Rasa's way to switch: a button payload setting the built-in slot."""
    return f"/SetSlots({LANGUAGE_SLOT}={code})"


def current_language(project: Project, slots: Mapping[str, Any]) -> str:
    from calmtui.core.dialogue.index import ProjectIndex

    return ProjectIndex.of(project).language_of(slots)


def language_label(project: Project, slots: Mapping[str, Any]) -> str:
    """`de · Deutsch` for the status line; empty for a project with one language."""
    if not project.config.is_multilingual:
        return ""
    return describe_language(current_language(project, slots))


def next_language(project: Project, current: str) -> str:
    """The language after `current` (the default one first, then the additional ones)."""
    order = _ordered(project)
    return order[(order.index(current) + 1) % len(order)] if current in order else order[0]


def _ordered(project: Project) -> list[str]:
    config = project.config
    return [config.language, *(c for c in config.languages if c != config.language)]


def parse_language_command(text: str) -> str | None:
    """`/language de` -> "de"; `/language` -> "" (show them); anything else -> None."""
    stripped = text.strip()
    if stripped == LANGUAGE_COMMAND:
        return ""
    if stripped.startswith(LANGUAGE_COMMAND + " "):
        return stripped[len(LANGUAGE_COMMAND) :].strip()
    return None


def languages_line(project: Project, slots: Mapping[str, Any]) -> str:
    """What `/language` alone prints: the current language and the others."""
    current = current_language(project, slots)
    others: Sequence[str] = [c for c in _ordered(project) if c != current]
    rest = f" (also: {', '.join(others)}; switch with /language CODE)" if others else ""
    return f"language: {describe_language(current)}{rest}"
