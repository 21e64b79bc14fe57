"""Which slot does a correction change? ("actually make it 80", "no, I meant Anna").

`lexicon.correction` finds the correction and its value text; this module picks the slot of the
active flow it is about: the slot the user named ("change the amount to 80", "my name is Alex"),
else the filled (or asked) slot whose type the value fits — a number for a float slot, a known
value for a categorical one, yes/no for a bool, and otherwise the latest text slot. The result
is a plain SetSlot: the engine's cleanup turns it into a correction when the slot is filled.
"""

from __future__ import annotations

import re

from calmtui.core.model.slots import Slot
from calmtui.understanding import entities, lexicon
from calmtui.understanding.amounts import find_numbers
from calmtui.understanding.situation import Situation
from calmtui.understanding.slot_filling import (
    Filled,
    categorical_value,
    clean_text_value,
    fill_slot,
)
from calmtui.understanding.slot_roles import profile, shows_its_kind
from calmtui.understanding.text import content_tokens, normalize, stem, words

MAX_TEXT_WORDS = 5
_ARTICLE = re.compile(r"^(?:[Tt]he|[Aa]n?)\s+(?=[a-z0-9])")  # not "The Left Hand of Darkness"


def resolve_correction(message: str, situation: Situation) -> tuple[str, Filled] | None:
    """(slot, value) for a correction of the active flow's slots, or None."""
    if situation.active_flow is None:
        return None
    found = lexicon.correction(message)
    if found is None:
        return _plain_contrast(message, situation)
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
    value, replaced = _split_not(found.value)
    if replaced is None:
        value, replaced = _not_first(found.value)  # "oh, not the kitchen tap, the bathroom one"
    if replaced is not None:
        # "I meant Porto, not Lisbon": the slot that holds "Lisbon" gets "Porto"; "the grey
        # hoodie, not the blue one": the slot whose value has "blue".
        holder = _holding(replaced, candidates, situation)
        if holder is not None:
            spliced = _spliced(holder, value, replaced, situation)
            if spliced is not None:
                return holder, spliced
            filled = _value_for(index.slots[holder], value)
            if filled is not None:
                return holder, Filled(filled.value, f"{filled.how} instead of {replaced!r}")
    if found.contrast:
        return None
    by_unit = _by_unit(value, candidates, situation)
    if by_unit is not None:
        return by_unit
    fixed = _by_type(value, list(reversed(candidates)), situation)
    if (
        fixed is not None
        and fixed[1].how == "the corrected text"
        and situation.asked is not None
        and situation.asked.slot is not None
        and situation.asked.slot.type == "bool"
        and lexicon.yes_no(words(message)) is not None
        and not _typed_value(fixed[1].value, fixed[0], situation)
    ):
        return None  # "no, keep it actually" at "Cancel it?": a no, not a new text elsewhere
    return fixed


def _typed_value(value: object, slot: str, situation: Situation) -> bool:
    """Is the text a value of the slot's kind, a reference, date, time, e-mail or name ("no, I
    meant GB-5678", "no, I meant Anna"), rather than any words?"""
    text = str(value)
    prof = profile(slot, situation.index.collect_steps(situation.active_flow or ""))
    if (prof.has("person") or prof.has("place")) and entities.proper_names(text):
        return True
    return bool(prof.roles & {"code", "date", "time", "email"}) and shows_its_kind(text, prof)


def correction_by_value(
    message: str, situation: Situation, *, exclude: str | None = None
) -> tuple[str, Filled] | None:
    """A value that cannot answer the question but fits a slot the active flow already has:
    a number at a yes/no question ("oh wait, she's 27") corrects the flow's number slot —
    the one whose words the number's unit names, or the only one."""
    # A plain number ("2190") is a number; digits inside a reference ("SK 101") are not, nor is
    # "one" standing for a thing ("the big one").
    message = without_pronoun_one(message)
    codes = [c for c in entities.codes(message) if not c.text.isdigit()]
    if situation.active_flow is None or not entities.amounts(message, codes):
        return None  # no number, or only numbers inside references ("flight SK 101")
    index = situation.index
    steps = index.collect_steps(situation.active_flow)
    filled = [
        s.collect
        for s in steps
        if s.collect != exclude
        and _fillable(index.slots.get(s.collect))
        and situation.is_filled(s.collect)
    ]
    names = list(dict.fromkeys(filled))
    by_unit = _by_unit(message, names, situation)
    if by_unit is not None:
        return by_unit
    floats = [n for n in names if index.slots[n].type == "float"]
    if len(floats) != 1:
        return None
    value = fill_slot(index.slots[floats[0]], message)
    return (floats[0], value) if value is not None else None


# "one" standing for a thing, not counting it: "the big one", "that one", "a cheaper one",
# "which one" (but "just the one" is a count).
_PRONOUN_ONE = re.compile(
    r"(?<!just )(?<!only )\b(?:(?:the|that|this|which|another|other|same|each|every|either"
    r"|neither)(?:\s+[a-z]+(?<!\bone))?|an?\s+[a-z]+(?<!\bone)(?<!\bsingle)"
    r"|(?<!\w\s)(?<!\w)(?:first|second|third|last|middle|next|other))\s+(?P<one>ones?)\b",
    re.IGNORECASE,
)


def without_pronoun_one(message: str) -> str:
    """The message with every "one" that stands for a thing ("the big one", "that one") put as
    "thing", so that the number readers do not count it."""
    return _PRONOUN_ONE.sub(lambda m: m.group(0)[: m.start("one") - m.start()] + "thing", message)


# What may stand before the value of a plain "X not Y": "oops, it's", "oh wait, it's", "no, it's".
_BEFORE_VALUE = re.compile(
    r"^(?:\s*(?:oh|oops|whoops|wait|sorry|no|hmm|um|uh|ah|ugh|my\s+bad|it'?s|it\s+is|that'?s|"
    r"i\s+said|i\s+typed)\b[\s,.:;!-]*)+",
    re.IGNORECASE,
)
_STATEMENT_END = re.compile(r"\b(?:is|are|was|were|am|do|does|did|'m|'re|have|has|can|will)$", re.I)
MAX_REPLACED_WORDS = 3


def _plain_contrast(message: str, situation: Situation) -> tuple[str, Filled] | None:
    """ "oh wait, it's Rite Aid not CVS", "oops, 3 Cedar Court not Close": with no correction
    word, a "X not Y" corrects a slot of the active flow only when Y is (part of) what that slot
    holds — the slot then gets X."""
    if situation.active_flow is None:
        return None
    value, replaced = _split_not(_BEFORE_VALUE.sub("", message.strip()))
    if replaced is None:
        value, replaced = _not_first(_BEFORE_VALUE.sub("", message.strip()))
    if replaced is None or not value or len(replaced.split()) > MAX_REPLACED_WORDS:
        return None
    if _STATEMENT_END.search(value) or not content_tokens(value):
        return None  # "the heating is not working": a statement, not a contrast of values
    said = set(content_tokens(replaced))
    index = situation.index
    steps = index.collect_steps(situation.active_flow)
    holders = [
        name
        for name in dict.fromkeys(s.collect for s in steps)
        if _fillable(index.slots.get(name))
        and situation.is_filled(name)
        and said
        and said <= set(content_tokens(str(situation.slots.get(name) or "")))
    ]
    if len(holders) != 1:
        return None
    spliced = _spliced(holders[0], value, replaced, situation)
    if spliced is not None:
        return holders[0], spliced
    filled = _value_for(index.slots[holders[0]], value)
    if filled is None:
        return None
    return holders[0], Filled(filled.value, f"{filled.how} instead of {replaced!r}")


def _spliced(slot: str, value: str, replaced: str, situation: Situation) -> Filled | None:
    """ "it's flat 5 not flat 3" when the address held is "Flat 3, 88 Kingsway, Millbrook": the
    held text with only the wrong part put right ("Flat 5, 88 Kingsway, Millbrook"). Only when
    the wrong part is a piece of a longer text and the right one says nothing of the rest (a
    whole new value, "3 Cedar Court not Close", replaces it all)."""
    held = situation.slots.get(slot)
    kind = situation.index.slots.get(slot)
    if not isinstance(held, str) or kind is None or kind.type not in ("text", "any"):
        return None
    found = re.search(rf"(?<!\w){re.escape(replaced)}(?!\w)", held, re.IGNORECASE)
    if found is None or normalize(held) == normalize(replaced):
        return None
    rest = held[: found.start()] + " " + held[found.end() :]
    if not content_tokens(rest) or set(content_tokens(value)) & set(content_tokens(rest)):
        return None
    value = clean_text_value(_without_lead(value)) or value  # "and actually it's Saturday"
    if found.group(0)[:1].isupper() and value[:1].islower():
        value = value[0].upper() + value[1:]  # "unit 7" in "Unit 4, 20 Harbour Road"
    return Filled(
        held[: found.start()] + value + held[found.end() :],
        f"the held text with {value!r} instead of {replaced!r}",
    )


_NOT = re.compile(r"^(?P<value>.+?)[\s,]+(?:not|rather than|instead of)\s+(?P<old>.+)$", re.I)


# "not Brighton, I'm in Hove", "not the 5th - it's the 6th": the wrong value first.
_NOT_FIRST = re.compile(
    r"^not\s+(?P<old>[^,;:-]+?)\s*(?:[,;:]|\s-)\s*(?:(?:it'?s|it\s+is|i'?m\s+(?:in|at)|"
    r"we'?re\s+(?:in|at)|i\s+meant|i\s+said|but)\s+)?(?P<value>[^,;:]+?)[\s.!]*$",
    re.IGNORECASE,
)


def _not_first(text: str) -> tuple[str, str | None]:
    """ "not Brighton, I'm in Hove" -> ("Hove", "Brighton")."""
    match = _NOT_FIRST.match(text.strip())
    if match is None:
        return text, None
    return match["value"].strip(" ,.!"), match["old"].strip(" ,.!?")


def _split_not(text: str) -> tuple[str, str | None]:
    """ "Italy not France" -> ("Italy", "France")."""
    match = _NOT.match(text.strip())
    if match is None:
        return text, None
    return match["value"].strip(" ,.!"), match["old"].strip(" ,.!?")


def _holding(replaced: str, candidates: list[str], situation: Situation) -> str | None:
    """The slot whose value the user says was wrong: the same value, else the one slot whose
    value shares a content word with it."""
    said = normalize(replaced)
    for name in candidates:
        if normalize(str(situation.slots.get(name))) == said:
            return name
    words_said = set(content_tokens(replaced))
    sharing = [
        name
        for name in candidates
        if words_said & set(content_tokens(str(situation.slots.get(name) or "")))
    ]
    return sharing[0] if len(sharing) == 1 else None


def _by_unit(text: str, candidates: list[str], situation: Situation) -> tuple[str, Filled] | None:
    """ "make it 3 nights": the float slot that talks about nights."""
    numbers = [m for m in entities.amounts(text) if m.unit]
    if len(numbers) != 1:
        return None
    mention = numbers[0]
    index = situation.index
    steps = index.collect_steps(situation.active_flow or "")
    matching = [
        name
        for name in candidates
        if index.slots[name].type == "float"
        and (
            (mention.unit == "money" and profile(name, steps).has("money"))
            or mention.unit in profile(name, steps).words
        )
    ]
    if len(matching) != 1:
        return None
    return matching[0], Filled(mention.text, f"the number {mention.text!r} ('{mention.unit}')")


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


# What may lead into a corrected text without being part of it: "yes but it's the 15th",
# "oh wait his name is Max", "no sorry, her surname's Patel".
_CORRECTION_LEAD = re.compile(
    r"^(?:(?:yes|yeah|no|oh|ah|wait|sorry|oops|actually|ok|okay|but|and|well|hmm|so)\b[\s,.!-]*)+",
    re.IGNORECASE,
)
_POSSESSED_IS = re.compile(
    r"^(?:my|his|her|their|our|its|the)\s+(?:[a-z]+\s+){0,2}?[a-z]+(?:'s|\s+is|\s+are|\s+was)\s+"
    r"(?=\S)",
    re.IGNORECASE,
)


def _without_lead(text: str) -> str:
    """The corrected text without the words that lead into it ("yes but it's the 15th" -> "it's
    the 15th", "his name is Max" -> "Max"); the text as it is when nothing would be left."""
    rest = _CORRECTION_LEAD.sub("", text.strip())
    rest = _POSSESSED_IS.sub("", rest)
    return rest if words(rest) else text


def _value_for(slot: Slot, text: str) -> Filled | None:
    if slot.type in ("text", "any"):
        value = _ARTICLE.sub("", clean_text_value(_without_lead(text)))
        return Filled(value, "the corrected text") if value else None
    return fill_slot(slot, text)


def _by_type(text: str, candidates: list[str], situation: Situation) -> tuple[str, Filled] | None:
    """The latest candidate slot whose type the value fits."""
    slots = situation.index.slots
    typed = [(name, slots[name]) for name in candidates]
    dates = entities.dates(text)
    numbered = _by_time(text, typed, situation) or (
        None if dates else _by_number(text, typed)  # "Thursday 13 November" counts nobody
    )
    if numbered is not None:
        return numbered
    for name, slot in typed:
        if slot.type == "categorical" and (filled := categorical_value(slot, text)) is not None:
            return name, filled
    for name, slot in typed:
        if slot.type == "categorical" and (filled := _value_by_inflection(slot, text)) is not None:
            return name, filled
    answer = lexicon.yes_no(words(text))
    if answer is not None and answer[1]:
        for name, slot in typed:
            if slot.type == "bool":
                return name, Filled(answer[0], "yes/no phrasing")
    value = clean_text_value(text)
    if not value or len(value.split()) > MAX_TEXT_WORDS:
        return None
    texts = [(name, slot) for name, slot in typed if slot.type in ("text", "any")]
    if entities.dates(value):
        # "actually make it Wednesday": the slot that holds a date, not the latest text slot
        # (nor one that holds a time, "the time or part of the day for the viewing").
        steps = situation.index.collect_steps(situation.active_flow or "")
        dated = [name for name, _ in texts if profile(name, steps).has("date")]
        dated.sort(key=lambda name: profile(name, steps).has("time"))
        said = entities.dates(value)
        if dated:
            # "can we do thursday instead": the date said, not the words around it
            exact = said[0].text if len(said) == 1 and len(value.split()) > 3 else value
            return dated[0], Filled(exact, "the corrected date")
    steps = situation.index.collect_steps(situation.active_flow or "")
    for name, _ in texts:
        if shows_its_kind(value, profile(name, steps)):
            return name, Filled(value, "the corrected text")
    return None


MIN_INFLECTED = 5
MAX_ENDING = 3


def _value_by_inflection(slot: Slot, text: str) -> Filled | None:
    """ "actually can you deliver it instead" -> `home_delivery`: a word of the correction that
    is another form of exactly one value's word (it begins that word, at most `MAX_ENDING`
    letters short of it: deliver/delivery, collect/collection)."""
    found: set[str] = set()
    for token in words(text):
        if len(token) < MIN_INFLECTED:
            continue
        for value in slot.values:
            for word in words(str(value).replace("_", " ")):
                if word.startswith(token) and len(word) - len(token) <= MAX_ENDING:
                    found.add(str(value))
    if len(found) != 1:
        return None
    value = next(v for v in slot.values if str(v) in found)
    return Filled(value, f"the value {value!r}, named in another form")


def _by_time(
    text: str, typed: list[tuple[str, Slot]], situation: Situation
) -> tuple[str, Filled] | None:
    """ "make that 7:30": the slot that holds a time, not the number slot (7 guests)."""
    said = entities.times(text)
    if not said:
        return None
    steps = situation.index.collect_steps(situation.active_flow or "")
    timed = [
        name
        for name, slot in typed
        if slot.type in ("text", "any") and profile(name, steps).has("time")
    ]
    if not timed:
        return None
    return timed[0], Filled(said[0].text, f"the corrected time {said[0].text!r}")


def _by_number(text: str, typed: list[tuple[str, Slot]]) -> tuple[str, Filled] | None:
    """The latest number slot the number fits."""
    if not find_numbers(text):
        return None
    for name, slot in typed:
        if slot.type == "float":
            filled = fill_slot(slot, text)
            if filled is not None:
                return name, filled
    return None
