"""Picking a button by typing: "2", "the second one", or (close to) its title.

A channel with buttons sends the button's payload when the user clicks; in a terminal, and in an
e2e test written from a chat transcript, users type the number that the shell shows next to the
button or the title they read. The offline understanding treats both as a click: the payload is
then understood as if it had been sent (`/SetSlots(...)`, `/intent`, or plain text).

The buttons are those of the bot's latest message that has any — unless a later message of the
same turn asks another question without buttons (then a number answers that question).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from calmtui.core.events import BotUttered
from calmtui.understanding.text import normalize

TITLE_CUTOFF = 90.0
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "last": -1,
}  # fmt: skip
_NUMBER = re.compile(
    r"^(?:(?:option|number|no\.?|choice|button|#)\s*)?(?P<n>\d{1,2})(?:st|nd|rd|th)?[.)]?$",
    re.IGNORECASE,
)
_ORDINAL = re.compile(
    r"^(?:the\s+)?(?P<word>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)"
    r"(?:\s+(?:one|option|choice|button))?(?:\s+please)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class Pick:
    button: Button
    how: str


def shown_buttons(messages: Sequence[BotUttered]) -> list[Button]:
    """The buttons the user is looking at (see the module docstring)."""
    for position in range(len(messages) - 1, -1, -1):
        message = messages[position]
        buttons = [
            Button(str(b.get("title") or ""), str(b.get("payload") or ""))
            for b in message.buttons
            if b.get("payload")
        ]
        if buttons:
            return buttons
        if (message.text or "").rstrip().endswith("?"):
            return []  # a later question without buttons is what the user answers
    return []


def pick_button(text: str, buttons: Sequence[Button]) -> Pick | None:
    """The button the message chooses: its title (exactly or nearly), or its number."""
    if not buttons:
        return None
    normalized = normalize(text)
    if not normalized:
        return None
    best: tuple[float, Button] | None = None
    for button in buttons:
        score = fuzz.ratio(normalized, normalize(button.title))
        if score >= TITLE_CUTOFF and (best is None or score > best[0]):
            best = (score, button)
    if best is not None:
        return Pick(best[1], f"the button {best[1].title!r}")
    stripped = text.strip()
    number = _NUMBER.match(stripped)
    ordinal = _ORDINAL.match(stripped)
    position = None
    if number is not None:
        position = int(number["n"])
    elif ordinal is not None:
        position = _ORDINALS[ordinal["word"].lower()]
        position = len(buttons) if position == -1 else position
    if position is None or not 1 <= position <= len(buttons):
        return None
    button = buttons[position - 1]
    return Pick(button, f"button {position} ({button.title!r})")


_ORDINAL_ONLY = re.compile(
    r"^(?:(?:um|erm|hmm|ok|okay|oh)[,\s]+)?(?:i'?ll\s+(?:take|go\s+(?:for|with))\s+)?(?:the\s+)?"
    r"(?P<word>first|second|third|fourth|fifth|last|middle)"
    r"(?:\s+(?:one|option|choice))?(?:\s+(?:please|thanks))?[.!]*$",
    re.IGNORECASE,
)


def pick_ordinal(text: str, buttons: Sequence[Button]) -> Pick | None:
    """ "the second one", "the last one please", "the middle one": a choice by position only
    (not by a bare number, which may count something) — for options named in a question's text."""
    found = _ORDINAL_ONLY.match(text.strip())
    if found is None or len(buttons) < 2:
        return None
    word = found["word"].lower()
    if word == "middle":
        if len(buttons) % 2 == 0:
            return None
        position = (len(buttons) + 1) // 2
    else:
        position = _ORDINALS[word]
        position = len(buttons) if position == -1 else position
    if not 1 <= position <= len(buttons):
        return None
    button = buttons[position - 1]
    return Pick(button, f"option {position} named in the question ({button.title!r})")
