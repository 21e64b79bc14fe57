"""Replacing the text of a finished turn's bot messages (the response rephraser's result).

Rephrasing needs an LLM, so it happens after the engine, on the turn's outcome: the engine stays
deterministic and every turn first says the template text. What the user finally reads replaces
it in the turn's events, in the transcript later prompts quote and in the messages
`action_repeat_bot_messages` repeats, while the template text stays on the message's metadata
(`rephrased_from`) so the inspector and the test reports can show both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from calmtui.core.dialogue.state import DialogueState
from calmtui.core.events import BotUttered, Event

TEMPLATE_TEXT_KEY = "rephrased_from"


@dataclass(frozen=True, slots=True, kw_only=True)
class NewText:
    """The text a bot message gets, and what to add to its metadata."""

    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])


def with_bot_texts(
    events: tuple[Event, ...], state: DialogueState, changes: Mapping[int, NewText]
) -> tuple[tuple[Event, ...], DialogueState]:
    """The turn's events and the state after it, with the bot messages at the given event
    indexes saying their new text (the old one kept as `rephrased_from`)."""
    if not changes:
        return events, state
    updated = list(events)
    swapped: dict[int, BotUttered] = {}  # id(old event) -> new event
    replaced: list[tuple[str, str]] = []  # (old text, new text) in event order
    for index, change in sorted(changes.items()):
        old = events[index]
        if not isinstance(old, BotUttered) or not old.text:
            continue
        new = replace(
            old,
            text=change.text,
            metadata={**old.metadata, **change.metadata, TEMPLATE_TEXT_KEY: old.text},
        )
        updated[index] = new
        swapped[id(old)] = new
        replaced.append((old.text, change.text))
    transcript = _retext_transcript(list(state.transcript), replaced)
    last = tuple(swapped.get(id(m), m) for m in state.last_bot_messages)
    return tuple(updated), replace(state, transcript=tuple(transcript), last_bot_messages=last)


def _retext_transcript(
    lines: list[tuple[str, str]], replaced: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """This turn's bot lines are the last ones: match them from the end, newest first."""
    cursor = len(lines)
    for old, new in reversed(replaced):
        for position in range(cursor - 1, -1, -1):
            if lines[position] == ("bot", old):
                lines[position] = ("bot", new)
                cursor = position
                break
    return lines
