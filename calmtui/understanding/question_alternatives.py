"""The alternatives an "A or B?" question offers, as the values they stand for.

"Would you like to come in, or have a video consultation?" asks for `visit_type` (`in_person`,
`video`): the question's own words say what each value means to the user, and "I'll come in"
answers it though it names no value. The question is cut at "or" and commas; when it offers as
many alternatives as the slot has values, each alternative stands for the value whose words or
button title it shares (the last one left over by elimination), and a reply that shares words
with exactly one alternative — and more than with any other — means its value.

Only a categorical answer that nothing else read (no value, button or meaning) comes here;
so does `value_by_part`, a value named by a part of its one word ("the light one" ->
`ultralight`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from calmtui.core.model.slots import Slot
from calmtui.understanding.slot_filling import Filled
from calmtui.understanding.text import STOPWORDS, content_tokens, identifier_words, word_set, words

# Words that are no part of a value: vague ones, and particles and prepositions, which begin
# or end many words without naming them ("after 6pm" is not the afternoon).
_VAGUE = word_set(
    """one ones thing option please thanks that this after before over under out up down back
    off about above below between within without through across along around"""
)

_SPLIT = re.compile(r"\s*(?:,\s*)?\bor\b\s*|\s*,\s*", re.IGNORECASE)
_OR = re.compile(r"\bor\b", re.IGNORECASE)


def alternatives(
    question: str, slot: Slot, buttons: Sequence[tuple[str, Any]]
) -> list[tuple[Any, frozenset[str]]]:
    """(value, the alternative's words) for each alternative of the question, or [] when the
    question does not offer one alternative per value."""
    if not slot.values or _OR.search(question) is None:
        return []
    parts = [frozenset(content_tokens(p)) for p in _SPLIT.split(question.strip(" ?.!"))]
    parts = [p for p in parts if p]
    if len(parts) != len(slot.values):
        return []
    labels: dict[str, set[str]] = {
        str(v): set(content_tokens(identifier_words(str(v)))) for v in slot.values
    }
    for title, value in buttons:
        if str(value) in labels:
            labels[str(value)] |= set(content_tokens(title))
    assigned: dict[int, Any] = {}
    for i, part in enumerate(parts):
        sharing = [v for v in slot.values if part & labels[str(v)]]
        if len(sharing) == 1 and sharing[0] not in assigned.values():
            assigned[i] = sharing[0]
    left_parts = [i for i in range(len(parts)) if i not in assigned]
    left_values = [v for v in slot.values if v not in assigned.values()]
    if len(left_parts) == 1 and len(left_values) == 1:
        assigned[left_parts[0]] = left_values[0]
    if len(assigned) != len(parts):
        return []
    return [(assigned[i], parts[i]) for i in range(len(parts))]


def value_by_alternative(
    message: str, question: str, slot: Slot, buttons: Sequence[tuple[str, Any]]
) -> Filled | None:
    """The value of the one alternative the reply shares the most words with."""
    offered = alternatives(question, slot, buttons)
    if not offered:
        return None
    sets = [said_words for _, said_words in offered]
    common: frozenset[str] = sets[0].intersection(*sets[1:])
    said = set(content_tokens(message)) - common
    shared = sorted(((len(said & words), i) for i, (_, words) in enumerate(offered)), reverse=True)
    if not shared or shared[0][0] == 0 or (len(shared) > 1 and shared[1][0] == shared[0][0]):
        return None
    value, words = offered[shared[0][1]]
    return Filled(
        value, f"the value {value!r}: the question's alternative {' '.join(sorted(words))!r}"
    )


MIN_PREFIX = 3  # "dev" for developer
MIN_SUFFIX = 4  # "light" for ultralight


def value_by_part(message: str, slot: Slot) -> Filled | None:
    """A value named by a part of its one word: "the light one" -> `ultralight`, "the dev one"
    -> `developer` — when exactly one value has a word that starts (from `MIN_PREFIX` letters)
    or ends (from `MIN_SUFFIX`) with a word of the reply, and no value is that word."""
    said = [w for w in words(message) if w not in STOPWORDS and w not in _VAGUE]
    found: dict[str, str] = {}
    for token in said:
        for value in slot.values:
            for word in words(identifier_words(str(value))):
                if word == token:
                    return None  # named outright: not this rule's business
                if len(word) > len(token) and (
                    (len(token) >= MIN_PREFIX and word.startswith(token))
                    or (len(token) >= MIN_SUFFIX and word.endswith(token))
                ):
                    found[str(value)] = token
    if len(found) != 1:
        return None
    [(value_text, token)] = found.items()
    value = next(v for v in slot.values if str(v) == value_text)
    return Filled(value, f"the value {value!r}: {token!r} is part of it")
