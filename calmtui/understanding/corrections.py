"""Which slot does a correction change? ("actually make it 80", "no, I meant Anna").

`lexicon.correction` finds the correction and its value text; this module picks the slot of the
active flow it is about: the slot the user named ("change the amount to 80", "my name is Alex"),
else the filled (or asked) slot whose type the value fits — a number for a float slot, a known
value for a categorical one, yes/no for a bool, and otherwise the latest text slot. The result
is a plain SetSlot: the engine's cleanup turns it into a correction when the slot is filled.
"""

from __future__ import annotations

from calmtui.core.model.slots import Slot
from calmtui.understanding import lexicon
from calmtui.understanding.amounts import find_numbers
from calmtui.understanding.situation import Situation
from calmtui.understanding.slot_filling import (
    Filled,
    categorical_value,
    clean_text_value,
    fill_slot,
)
from calmtui.understanding.text import stem, words

MAX_TEXT_WORDS = 5


def resolve_correction(message: str, situation: Situation) -> tuple[str, Filled] | None:
    """(slot, value) for a correction of the active flow's slots, or None."""
    if situation.active_flow is None:
        return None
    found = lexicon.correction(message)
    if found is None:
        return None
    index = situation.index
    steps = index.collect_steps(situation.active_flow)
    names = list(dict.fromkeys(s.collect for s in steps if _fillable(index.slots.get(s.collect))))
    if not names:
        return None
    if found.slot_words:
        named = _named_slot(found.slot_words, names, situation)
        if named is not None:
            filled = _value_for(index.slots[named], found.value)
            return (named, filled) if filled is not None else None
    asked = situation.asked.name if situation.asked else None
    candidates = [n for n in names if situation.is_filled(n) or n == asked]
    return _by_type(found.value, list(reversed(candidates)), situation)


def _fillable(slot: Slot | None) -> bool:
    return slot is not None and slot.llm_fillable


def _named_slot(slot_words: str, names: list[str], situation: Situation) -> str | None:
    """The slot whose name or collect description contains the words the user used."""
    wanted = {stem(w) for w in words(slot_words)}
    best: tuple[int, str] | None = None
    for name in names:
        described = " ".join(
            s.description or ""
            for s in situation.index.collect_steps(situation.active_flow or "")
            if s.collect == name
        )
        own = {stem(w) for w in words(name.replace("_", " "))}
        score = 2 * len(wanted & own) + len(wanted & {stem(w) for w in words(described)})
        if score and (best is None or score > best[0]):
            best = (score, name)
    return best[1] if best else None


def _value_for(slot: Slot, text: str) -> Filled | None:
    if slot.type in ("text", "any"):
        value = clean_text_value(text)
        return Filled(value, "the corrected text") if value else None
    return fill_slot(slot, text)


def _by_type(text: str, candidates: list[str], situation: Situation) -> tuple[str, Filled] | None:
    """The latest candidate slot whose type the value fits."""
    slots = situation.index.slots
    typed = [(name, slots[name]) for name in candidates]
    if find_numbers(text):
        for name, slot in typed:
            if slot.type == "float":
                filled = fill_slot(slot, text)
                if filled is not None:
                    return name, filled
    for name, slot in typed:
        if slot.type == "categorical" and (filled := categorical_value(slot, text)) is not None:
            return name, filled
    answer = lexicon.yes_no(words(text))
    if answer is not None and answer[1]:
        for name, slot in typed:
            if slot.type == "bool":
                return name, Filled(answer[0], "yes/no phrasing")
    value = clean_text_value(text)
    if not value or len(value.split()) > MAX_TEXT_WORDS:
        return None
    for name, slot in typed:
        if slot.type in ("text", "any"):
            return name, Filled(value, "the corrected text")
    return None
