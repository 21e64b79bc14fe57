"""The answer to a text question: the value the slot's role asks for, else the message itself.

* An address slot takes the whole answer ("1 Market St, San Francisco, CA 94105").
* A slot that asks for free text (notes, details, a reason, a description: `lexicon.
  expects_free_text`) takes the message as it is: "error 809, started after yesterday's update"
  is a note, not the date "yesterday".
* Otherwise the message is read for the flow's slots by role (`stated_values`), the asked slot
  first: "coming back on the 10th" is the return date even though the flow has an outbound date
  too; "it's G12 8QQ, in Glasgow" is the postcode.
* A reference, date, time or e-mail slot needs such a value: a longer message without one
  ("hang on, there's a weird gas smell") is not its answer.
* "my number is 12", "the postcode is BS1 4DJ": the words before "is" name the slot, the rest is
  the value.
* Else the message without lead-ins ("my name is Sam" -> Sam) and, for a slot that names a
  thing, without a leading article ("the blue hoodie" -> blue hoodie).
"""

from __future__ import annotations

import re

from calmtui.core.commands import SetSlot
from calmtui.core.model.flows import CollectStep
from calmtui.understanding import entities, lexicon
from calmtui.understanding.decision import Decision, set_slot
from calmtui.understanding.flow_catalog import catalog_for
from calmtui.understanding.situation import AskedSlot, Situation
from calmtui.understanding.slot_filling import Filled, clean_text_value
from calmtui.understanding.slot_roles import profile
from calmtui.understanding.stated_values import stated_values
from calmtui.understanding.text import stem, word_set, words

_NAMED_IS = re.compile(
    r"^(?:my|the|our|his|her|their)\s+(?P<slot>[a-z][\w' -]{0,30}?)\s+(?:is|are|was|'s)\s+"
    r"(?P<value>\S.*)$",
    re.IGNORECASE,
)
# A slot with one of these roles is answered with such a value; a longer message without one
# is something else.
_NEEDS_ITS_VALUE = frozenset({"code", "date", "email", "time"})
LONG_ANSWER_WORDS = 4
# "the blue hoodie", "my insulin" (not "The Left Hand of Darkness")
_ARTICLE = re.compile(r"^(?:[Tt]he|[Aa]n?|[Mm]y|[Oo]ur)\s+(?=[a-z0-9])")


def text_answer(message: str, asked: AskedSlot, situation: Situation) -> Decision | None:
    description = asked.step.description if asked.step else None
    steps = situation.index.collect_steps(situation.active_flow or asked.asking_flow)
    prof = profile(asked.name, steps, situation.index.project.domain.responses)
    # "the 5-digit order number from the confirmation text": a reference, not free text
    reference = prof.has("code") and bool(entities.codes(message))
    if lexicon.expects_free_text(asked.name, description) and not reference:
        value = message.strip()
        return set_slot(asked.name, Filled(value, "the message as text")) if value else None
    if prof.has("address"):
        value = clean_text_value(message)  # "1 Market St, San Francisco, CA 94105", all of it
        return set_slot(asked.name, Filled(value, "the address")) if value else None
    stated = [
        (name, filled)
        for name, filled in _stated_values(message, asked, situation)
        if name == asked.name or not _names_the_asked_slot(filled, asked)
    ]
    if (
        prof.has("date")
        and all(name != asked.name for name, _ in stated)
        and (in_words := _date_in_words(message)) is not None
        and not message.strip().endswith("?")
    ):  # "the fourth of May nineteen ninety": a date said in words
        return set_slot(asked.name, Filled(in_words, "a date said in words"))
    if (
        prof.roles & _NEEDS_ITS_VALUE
        and all(name != asked.name for name, _ in stated)
        and len(words(message)) > LONG_ANSWER_WORDS
    ):
        fixed = [(n, f) for n, f in stated if situation.is_filled(n) and _needs_its_value(n, steps)]
        if fixed:
            # "wait, can we do Thursday 13 November instead" at the time question: a new date
            return Decision(
                [SetSlot(name=name, value=filled.value) for name, filled in fixed],
                [f"not an answer for {asked.name!r}; a correction of {name!r}: {filled.how}"
                 for name, filled in fixed],
            )  # fmt: skip
        # "hang on, there's a weird gas smell in the hallway" is no account number: the
        # question is asked again, or another flow starts (rule 7).
        return None
    if prof.has("code"):
        stated = [
            (name, _whole_reference(message, filled) if name == asked.name else filled)
            for name, filled in stated
        ]
    if prof.roles & {"date", "time"}:
        stated = [
            (name, _whole_when(message, filled) if name == asked.name else filled)
            for name, filled in stated
        ]
    if any(name == asked.name for name, _ in stated):
        return Decision(
            [SetSlot(name=name, value=filled.value) for name, filled in stated],
            [f"answer for {name!r}: {filled.how}" for name, filled in stated],
        )
    called = _CALLED.search(message)
    if called is not None and (_NAME in prof.words or "person" in prof.roles):
        # "he's called Rex, he's a beagle", "my dog is called Rex": the name, not the remark
        return set_slot(asked.name, Filled(called["name"].strip(), "the name after 'called'"))
    value = clean_text_value(message)
    named = _NAMED_IS.match(value)
    if named is not None and {stem(w) for w in words(named["slot"])} & prof.words:
        return set_slot(asked.name, Filled(named["value"].strip(" .!"), "the value after 'is'"))
    value = _THE_ONE.sub("", value) or value  # "the one for Fourth Wing"
    if not prof.roles & {"person", "place", "origin", "destination"} and _TITLE not in prof.words:
        value = _ARTICLE.sub("", value)  # a title keeps its article: "the atlas of birds"
    return set_slot(asked.name, Filled(value, "the message as text")) if value else None


# "he's called Rex", "she goes by Bella", "it's named Sea Breeze": the name that follows, up to
# the end of its clause.
_CALLED = re.compile(
    r"(?:(?:^|\b(?:is|are|was|'s|'re)\s+|^(?:he|she|it|they)\s+)(?:called|named|goes\s+by)"
    r"|\b(?:i|we)\s+call\s+(?:him|her|it|them))"
    r"\s+(?P<name>[^,.;!?]+?)\s*(?:[,.;!?]|\s+(?:and|but)\s|$)",
    re.IGNORECASE,
)
_NAME = stem("name")


# A day of a month said in words: an ordinal word and a month ("the fourth of May", "March the
# twenty-first").
_ORDINAL_WORD = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|thirtieth|(?:twenty|thirty)[-\s]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth"
    r"|ninth))"
)
_MONTH = rf"(?:{entities.MONTHS})"
_DATE_IN_WORDS = re.compile(
    rf"\b{_ORDINAL_WORD}\s+(?:of\s+)?{_MONTH}\b|\b{_MONTH}\s+(?:the\s+)?{_ORDINAL_WORD}\b",
    re.IGNORECASE,
)


_YEAR_AFTER = re.compile(
    r"^(?:,?\s+(?:\d{4}|nineteen|twenty|thousand|hundred|and|oh|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|one|two|three|four|five|six|seven|eight|nine"
    r"|(?:thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-\w+)?)\b)+",
    re.IGNORECASE,
)


def _date_in_words(message: str) -> str | None:
    """ "the fourth of May nineteen ninety" in "oh it's the fourth of May nineteen ninety
    please": the date and the year said after it."""
    found = _DATE_IN_WORDS.search(message)
    if found is None:
        return None
    start = found.start()
    before = re.search(r"\bthe\s+$", message[:start], re.IGNORECASE)
    if before is not None:
        start = before.start()
    year = _YEAR_AFTER.match(message[found.end() :])
    end = found.end() + (len(year.group(0)) if year is not None else 0)
    return message[start:end].strip()


# The closed words of saying when: "a week on Friday", "Thursday after 2pm", "any time before
# noon". Those of the second set narrow or shift the day or time, so a text slot keeps them.
_WHEN_WORDS = word_set(
    "a an the on at in of this next coming following after before around about by from until till"
    " between and or any time sometime ish onwards latest earliest early late mid end start week"
    " weeks day days morning afternoon evening night noon midday lunchtime tonight today tomorrow"
    " weekend monday tuesday wednesday thursday friday saturday sunday am pm o'clock"
)
_SHIFTS = word_set(
    "next coming following after before around about by until till between or any"
    " sometime ish onwards latest earliest early late mid end start week weeks"
)


# A run of letters, digits and the marks that join a reference's parts: "CR/5521/26".
_REFERENCE_TOKEN = re.compile(r"(?<!\S)[A-Za-z0-9]+(?:[/.\-_#][A-Za-z0-9]+)+(?!\S)")


def _whole_reference(message: str, filled: Filled) -> Filled:
    """ "the police gave me CR/5521/26" at a reference question: all of "CR/5521/26", not the
    digits alone — a reference is written as one unbroken run."""
    value = str(filled.value)
    for match in _REFERENCE_TOKEN.finditer(message.strip().rstrip(".!?,")):
        token = match.group(0)
        if value != token and value in token:
            return Filled(token, f"the reference {token!r}")
    return filled


def _whole_when(message: str, filled: Filled) -> Filled:
    """ "Thursday after 2pm", "a week on Friday" at a free-text date or time question: all of it,
    not only "2pm" or "Friday" — the words around the value say which one."""
    value = words(str(filled.value))
    whole = _WHEN_LEAD.sub("", clean_text_value(message))  # "from next week": next week
    extra = [w for w in words(whole) if w not in value]
    if not extra or not set(extra) & _SHIFTS:
        return filled
    if not all(w in _WHEN_WORDS or any(c.isdigit() for c in w) for w in extra):
        return filled
    return Filled(whole, "the day or time with what narrows it")


# Words that only lead into a day or time: "from next week", "on a week on Friday".
_WHEN_LEAD = re.compile(r"^(?:(?:from|on|at|for|starting|beginning)\s+)+", re.IGNORECASE)


# "the one for Fourth Wing", "it's the one called Dune": the thing is what follows.
_THE_ONE = re.compile(
    r"^(?:it'?s\s+|it\s+is\s+)?the\s+one\s+(?:for|called|named|titled|about)\s+(?=\S)", re.I
)
_TITLE = stem("title")


def _names_the_asked_slot(filled: Filled, asked: AskedSlot) -> bool:
    """Is another slot's value only a word of the asked slot's name ("card" in "card is
    77001234" at the library card number: no payment by card)?"""
    said = set(words(str(filled.value).replace("_", " ")))
    return bool(said) and said <= set(words(asked.name.replace("_", " ")))


def _needs_its_value(slot: str, steps: list[CollectStep]) -> bool:
    return bool(profile(slot, steps).roles & _NEEDS_ITS_VALUE)


def _stated_values(
    message: str, asked: AskedSlot, situation: Situation
) -> list[tuple[str, Filled]]:
    """Values for the active flow's slots in an answer ("send 30 to Anna" when asked who), the
    asked slot served first."""
    flow_id = situation.active_flow
    if flow_id is None:
        return []
    steps = situation.index.collect_steps(flow_id)
    if all(step.collect != asked.name for step in steps):
        return []
    steps = sorted(steps, key=lambda step: step.collect != asked.name)
    entry = catalog_for(situation.index.project).by_id.get(flow_id)
    numbers = entry.identity_numbers if entry is not None else frozenset[str]()
    return stated_values(
        message,
        steps,
        situation.index.slots,
        numbers,
        situation.index.project.domain.responses,
        asked=asked.name,
    )
