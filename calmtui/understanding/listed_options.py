"""Options a question lists in its text: "Which model? 1. Standard 2. Developer 3. Ultralight".

Many projects number the choices in the question instead of giving it buttons; users then
answer "2", "the second one" or "developer", as they would click a button. This module reads
such a list from the text the bot just said and turns it into buttons that set the asked slot,
so that `buttons.pick_button` picks one by number or title exactly as for real buttons.

An option of a categorical slot is tied to the value it names ("cash on delivery" -> `cash`:
the value's words are in the option, or it is a close spelling of it); an option that names no
value, or names several, is left out, and so are lists at questions for other slot types.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from calmtui.core.events import BotUttered
from calmtui.core.model.slots import Slot
from calmtui.understanding.buttons import Button
from calmtui.understanding.text import identifier_words, normalize

_ITEM = re.compile(
    r"(?:^|(?<=\s)|(?<=[:?(]))(?P<n>\d{1,2})\s?[.)]\s+(?P<text>.+?)(?=\s+\d{1,2}\s?[.)]\s|$)"
)
_FUZZY = 85.0


def listed_options(text: str) -> list[str]:
    """The options of a numbered list in the text, in order ("1) card 2) cash" -> card, cash);
    empty unless they are numbered 1, 2, 3, ... from one."""
    found = [(int(m["n"]), m["text"].strip(" ,;.?!)(")) for m in _ITEM.finditer(text.strip())]
    if len(found) < 2 or [n for n, _ in found] != list(range(1, len(found) + 1)):
        return []
    return [option for _, option in found if option]


def option_buttons(messages: Sequence[BotUttered], utter: str | None, slot: Slot) -> list[Button]:
    """The asked question's numbered options as buttons that set `slot` (see the module doc)."""
    question = next(
        (m for m in reversed(messages) if utter is None or m.utter_action == utter), None
    )
    if question is None or not question.text or question.buttons:
        return []
    buttons: list[Button] = []
    for option in listed_options(question.text):
        value = _value_of(option, slot)
        if value is not None:
            buttons.append(Button(title=option, payload=f"/SetSlots({slot.name}={value})"))
    return buttons


def named_in_order(messages: Sequence[BotUttered], utter: str | None, slot: Slot) -> list[Button]:
    """The values a categorical question names in its text, in the order it names them ("Which
    kennel - standard, deluxe or suite?"), as buttons: "the second one" then picks `deluxe`
    (`buttons.pick_ordinal`). Empty unless the text names at least two values, each once, and
    the question has no buttons of its own."""
    question = next(
        (m for m in reversed(messages) if utter is None or m.utter_action == utter), None
    )
    if question is None or not question.text or question.buttons or slot.type != "categorical":
        return []
    said = f" {normalize(question.text)} "
    found: list[tuple[int, str]] = []
    for value in slot.values:
        spots = {
            m.start()
            for form in {normalize(identifier_words(str(value))), normalize(str(value))}
            if form
            for m in re.finditer(rf"(?<= ){re.escape(form)}(?= )", said)
        }
        if len(spots) > 1:
            return []  # named twice: no order
        if spots:
            found.append((spots.pop(), str(value)))
    if len(found) < 2:
        return []
    return [
        Button(title=identifier_words(value), payload=f"/SetSlots({slot.name}={value})")
        for _, value in sorted(found)
    ]


def _value_of(option: str, slot: Slot) -> str | None:
    if slot.type != "categorical":
        return None
    said = f" {normalize(option)} "
    named = [
        str(v)
        for v in slot.values
        if f" {normalize(identifier_words(str(v)))} " in said or f" {normalize(str(v))} " in said
    ]
    if len(named) == 1:
        return named[0]
    if named:
        return None
    scored = sorted(
        ((fuzz.ratio(normalize(option), normalize(identifier_words(str(v)))), str(v))
         for v in slot.values),
        reverse=True,
    )  # fmt: skip
    if scored and scored[0][0] >= _FUZZY and (len(scored) == 1 or scored[1][0] < _FUZZY):
        return scored[0][1]
    return None
