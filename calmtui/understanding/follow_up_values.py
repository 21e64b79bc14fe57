"""What a yes says besides yes: "yes - shellfish" at "Any allergies?", "yes, my friend Aisha
Khan" at "Do you have a preferred roommate?".

A yes often answers the next question of the flow too, as an LLM would see: the rest of the
message (after the yes) is read for the flow's slots by role (`stated_values`: names, dates,
references, ...), and when that finds nothing, a short rest (at most `MAX_WORDS` words, not
itself a yes/no or a filler) answers the text slot that the flow collects next.
"""

from __future__ import annotations

import re

from calmtui.understanding import lexicon
from calmtui.understanding.entities import without_values
from calmtui.understanding.situation import AskedSlot, Situation
from calmtui.understanding.slot_filling import Filled
from calmtui.understanding.slot_roles import profile, shows_its_kind
from calmtui.understanding.stated_values import stated_values
from calmtui.understanding.text import content_tokens, identifier_words, words

MAX_WORDS = 4
# A rest that opens with a subject is a sentence, not a value: "yes I pay tax".
_SUBJECTS = frozenset({"i", "i'm", "i've", "i'd", "we", "we're", "we've", "it", "it's", "that"})
_YES_HEAD = re.compile(
    r"^\s*(?:yes|yeah|yep|yup|sure|ok|okay|correct|right)\b[\s,.:;!\u2013\u2014-]*(?P<rest>.*)$",
    re.IGNORECASE,
)


def more_in_a_yes(message: str, asked: AskedSlot, situation: Situation) -> list[tuple[str, Filled]]:
    """Values for other slots of the active flow in a yes that says more (see the module doc)."""
    head = _YES_HEAD.match(message)
    flow_id = situation.active_flow
    if head is None or flow_id is None:
        return []
    rest = head["rest"].strip(" .!")
    tokens = words(rest)
    if not tokens or lexicon.yes_no(tokens) is not None or not content_tokens(rest):
        return []
    steps = situation.index.collect_steps(flow_id)
    later = [s for s in steps if s.collect != asked.name and not situation.is_filled(s.collect)]
    found = [
        (name, filled)
        for name, filled in stated_values(
            rest,
            later,
            situation.index.slots,
            frozenset(),
            situation.index.project.domain.responses,
        )
    ]
    if found or len(tokens) > MAX_WORDS or without_values(rest) != rest:
        return found
    names = [s.collect for s in steps]
    after = names.index(asked.name) + 1 if asked.name in names else len(names)
    following = next((s for s in steps[after:] if s in later), None)
    slot = situation.index.slots.get(following.collect) if following is not None else None
    if following is None or slot is None or slot.type != "text" or not slot.llm_fillable:
        return []
    if not shows_its_kind(rest, profile(following.collect, steps)):
        return []  # "sure, book it" gives no date
    if tokens[0] in _SUBJECTS:
        return []  # "yes I pay tax": the yes said again, in a sentence of its own
    return [(following.collect, Filled(rest, "the rest of the yes, for the next question"))]


def more_in_an_answer(
    message: str, asked: AskedSlot, situation: Situation
) -> list[tuple[str, Filled]]:
    """Values an answer states for other open slots of the active flow besides the one asked:
    "700 on my credit card" at "How much?" also says how to pay. Only a categorical value
    named outright: a number, a date or a reference could be the answer itself ("3000" is no
    police report number)."""
    flow_id = situation.active_flow
    if flow_id is None:
        return []
    steps = situation.index.collect_steps(flow_id)
    later = [
        s
        for s in steps
        if s.collect != asked.name
        and not situation.is_filled(s.collect)
        and (slot := situation.index.slots.get(s.collect)) is not None
        and slot.type == "categorical"
    ]
    if not later:
        return []
    found = stated_values(
        message, later, situation.index.slots, frozenset(), situation.index.project.domain.responses
    )
    # "card is 77001234" at the library card number: the asked slot's own word labels the
    # answer, it names no way to pay
    labels = set(words(identifier_words(asked.name)))
    return [
        (name, filled)
        for name, filled in found
        if " means " not in filled.how  # named, not meant ("just one" means no single room)
        and not set(words(identifier_words(str(filled.value)))) <= labels
    ]
