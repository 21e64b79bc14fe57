"""Reading a slot value out of a message, by slot type, without a model.

* the buttons of the question: a message that reads like a button's title ("debit card",
  "No, it's damaged") means that button's `/SetSlots(...)` value;
* bool: yes/no phrasing ("yep", "not really");
* float: the first number ("$1,200.50", "-20", "fifty");
* categorical: a value named in the message, exactly or fuzzily ("expresso" -> espresso);
* text / any: the message itself, without lead-ins such as "my name is" or "to".

Values stated along with a flow start ("send 50 to Anna") are `stated_values`' job. Everything
returned carries a short `how`, which ends up in the trace's notes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from calmtui.core.model.domain import Response
from calmtui.core.model.slots import Slot
from calmtui.core.payloads import parse_set_slots_payload
from calmtui.understanding.amounts import (
    RATE_BEFORE,
    TIME_UNITS,
    find_numbers,
    format_number,
    time_unit,
)
from calmtui.understanding.lexicon import yes_no
from calmtui.understanding.text import normalize, words

FUZZY_VALUE_CUTOFF = 85.0
FUZZY_BUTTON_CUTOFF = 90.0
_LEAD_IN = re.compile(
    r"^(?:my\s+name\s+is|my\s+name's|name\s+is|the\s+name\s+is|i\s+am|i'm|it's|it\s+is|"
    r"this\s+is|call\s+me|it's\s+for|for|to|at|send\s+it\s+to|send\s+to|the\s+recipient\s+is|"
    r"(?:the\s+)?one\s+(?:for|called|named|about|of))\s+"  # "the one for Fourth Wing"
    r"(?P<rest>.+)$",
    re.IGNORECASE,
)
_TRAILING_FILLER = re.compile(r"(?:[\s,]+(?:please|thanks|thank\s+you))+\s*$", re.IGNORECASE)
# "how many travellers?" - "just me"
_JUST_ME = re.compile(
    r"^(?:just|only|it's|it is)?\s*(?:me|myself|me alone|myself alone|i am alone)$"
)


# "me and my wife", "my husband and I", "me and a friend": two people.
COUPLE = re.compile(
    r"\b(?:me\s+and\s+(?:my|a)\s+\w+|(?:my|a)\s+\w+\s+and\s+(?:I|me|myself))\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Filled:
    value: Any
    how: str
    similarity: float | None = None  # for a value read by meaning: how close (cosine)
    span: str | None = None  # for a value read by meaning: the words of the message that mean it


def button_values(
    responses: Mapping[str, Response], utter: str | None, slot: str
) -> list[tuple[str, Any]]:
    """(title, value) of every button of the question that sets `slot`."""
    response = responses.get(utter) if utter else None
    if response is None:
        return []
    result: list[tuple[str, Any]] = []
    for variation in response.variations:
        for button in variation.buttons:
            commands = parse_set_slots_payload(button.payload or "") or []
            for command in commands:
                if command.name == slot and button.title:
                    result.append((button.title, command.value))
    return result


def fill_slot(slot: Slot, text: str, buttons: Sequence[tuple[str, Any]] = ()) -> Filled | None:
    """The value of `slot` in an answer to its question, or None when the message has none."""
    by_button = button_match(text, buttons)
    if by_button is not None:
        return by_button
    match slot.type:
        case "bool":
            answer = yes_no(words(text))
            return Filled(answer[0], "yes/no phrasing") if answer is not None else None
        case "float":
            numbers = find_numbers(text)
            if not numbers and _JUST_ME.match(normalize(text)):
                return Filled("1", "one person (the user)")
            if not numbers and COUPLE.search(text):
                return Filled("2", "two people (the user and one more)")
            return (
                Filled(format_number(numbers[0].value), f"the number {numbers[0].text!r}")
                if numbers
                else None
            )
        case "categorical":
            return categorical_value(slot, text)
        case "text" | "any":
            value = clean_text_value(text)
            return Filled(value, "the message as text") if value else None
        case _:
            return None


def clean_text_value(text: str) -> str:
    """The answer without lead-ins ("my name is Sam" -> "Sam") or trailing fillers."""
    value = _TRAILING_FILLER.sub("", text.strip()).strip()
    for _ in range(2):  # "it's for Kim": two lead-ins
        lead = _LEAD_IN.match(value)
        if lead is None or len(lead["rest"].split()) > 5:
            break
        value = lead["rest"]
    return value.strip().rstrip(".!").strip()


_ARTICLES = frozenset({"the", "a", "an", "my", "our", "your"})


def named_values(values: Sequence[Any], text: str) -> list[Any]:
    """The values the message names word for word ("express"); else those it names with an
    article or a possessive between their words ("to the airport" is `to_airport`, "my debit
    card" is `debit_card`)."""
    normalized = f" {normalize(text)} "
    named = [v for v in values if f" {normalize(str(v))} " in normalized]
    if named:
        # "ultra rapid" names `ultra_rapid`, not also `rapid`: the longer value holds it
        return [
            v
            for v in named
            if not any(
                f" {normalize(str(v))} " in f" {normalize(str(o))} " and len(str(o)) > len(str(v))
                for o in named
            )
        ]
    bare = f" {' '.join(w for w in words(text) if w not in _ARTICLES)} "
    found: list[Any] = []
    for v in values:
        said = f" {' '.join(w for w in words(str(v)) if w not in _ARTICLES)} "
        # "to or from the airport" names neither
        if len(words(str(v))) > 1 and said in bare and f" or{said}" not in bare:
            found.append(v)
    return found


def categorical_value(slot: Slot, text: str) -> Filled | None:
    """A value of a categorical slot named in the message: exact words first, then fuzzy."""
    named = named_values(slot.values, text)
    if len(named) == 1:
        return Filled(named[0], f"the value {named[0]!r}")
    if len(named) > 1:
        return None
    best: tuple[float, str] | None = None
    candidates = [normalize(text), *(w for w in words(text) if len(w) >= 3)]
    for value in slot.values:
        target = normalize(str(value))
        score = max((fuzz.ratio(c, target) for c in candidates), default=0.0)
        if score >= FUZZY_VALUE_CUTOFF and (best is None or score > best[0]):
            best = (score, value)
    if best is None:
        return None
    return Filled(best[1], f"the value {best[1]!r} (fuzzy {best[0] / 100:.2f})")


def button_match(text: str, buttons: Sequence[tuple[str, Any]]) -> Filled | None:
    """The value of the button whose title the message reads like (fuzzy, cutoff 90)."""
    normalized = normalize(text)
    if not normalized:
        return None
    best: tuple[float, str, Any] | None = None
    for title, value in buttons:
        score = fuzz.ratio(normalized, normalize(title))
        if score >= FUZZY_BUTTON_CUTOFF and (best is None or score > best[0]):
            best = (score, title, value)
    if best is None:
        return None
    return Filled(best[2], f"the button {best[1]!r}")


# -- durations in the slot's own unit ---------------------------------------------------------
_UNIT = re.compile(
    r"\b(?P<unit>minute|min|hour|hr|day|night|week|fortnight|month|year|yr)s?\b", re.IGNORECASE
)
# What comes before a unit and counts it: "an hour", "half an hour", "a quarter of an hour",
# "two and a half hours", "1.5 hours", "a couple of days".
_COUNT_BEFORE = re.compile(
    r"(?:(?P<number>\d+(?:\.\d+)?|[a-z]+(?:-[a-z]+)?)\s+(?P<and_half>and\s+a\s+half\s+)?"
    r"|(?P<half>half\s+(?:an?\s+)?)|(?P<quarter>(?:a\s+)?quarter\s+(?:of\s+)?(?:an?\s+)?)"
    r"|(?P<couple>(?:a\s+)?couple\s+(?:of\s+)?)|(?P<few>(?:a\s+)?few\s+))$",
    re.IGNORECASE,
)
_AND_HALF_AFTER = re.compile(r"^\s+and\s+a\s+(?P<part>half|quarter)\b", re.IGNORECASE)
_ONE = frozenset({"a", "an", "one", "per"})


def slot_time_unit(name: str, description: str | None, question: str | None) -> str | None:
    """The unit of time a number slot counts in: named in the slot's name ("parking_hours"),
    else said with "in" in its description ("how long, in minutes"), else the only unit its
    description and question use ("How many nights?")."""
    own = [time_unit(m["unit"]) for m in _UNIT.finditer(name.replace("_", " "))]
    if own:
        return own[-1]
    said = f"{description or ''} {question or ''}"
    stated = re.search(r"\bin\s+(?P<unit>" + _UNIT.pattern[5:], said, re.IGNORECASE)
    if stated is not None:
        return time_unit(stated["unit"])
    units = {time_unit(m["unit"]) for m in _UNIT.finditer(said)}
    return units.pop() if len(units) == 1 else None


def duration_in(text: str, unit: str) -> Filled | None:
    """A length of time said in the message, in `unit`: "an hour and a half" is 1.5 hours,
    "45 minutes" is 0.75 hours, "a fortnight" 14 days, "3 years" 36 months. None when the
    message says no length of time of `unit`'s family."""
    family, size = TIME_UNITS[unit]
    total = 0.0
    said: list[str] = []
    for match in _UNIT.finditer(text):
        name_family, name_size = TIME_UNITS[time_unit(match["unit"]) or ""]
        if name_family != family:
            return None  # "2 months" for a count of days: no exact conversion
        before = text[: match.start()]
        count = _count_before(before)
        if count is None:
            continue
        one = re.search(r"\b(?:a|an|per|every)\s*$", before, re.IGNORECASE)
        if one is not None and RATE_BEFORE.search(before, 0, one.start()) is not None:
            continue  # "£15 a month", "twice a week": how often, not how long
        after = _AND_HALF_AFTER.match(text[match.end() :])
        if after is not None:
            count += 0.5 if after["part"].lower() == "half" else 0.25
        total += count * name_size
        said.append(match.group(0))
    if not said or total <= 0:
        return None
    value = round(total / size, 4)
    return Filled(format_number(value), f"a length of time ({', '.join(said)}) in {unit}s")


def _count_before(before: str) -> float | None:
    match = _COUNT_BEFORE.search(before.rstrip().lower() + " ") if before.strip() else None
    if match is None:
        return None
    if match["half"]:
        return 0.5
    if match["quarter"]:
        return 0.25
    if match["couple"]:
        return 2.0
    if match["few"]:
        return None  # "a few days": no number
    number = match["number"]
    half = 0.5 if match["and_half"] else 0.0
    if number in _ONE:
        return 1.0 + half
    found = find_numbers(before.rstrip())
    if found and found[-1].end == len(before.rstrip()):
        return found[-1].value + half  # "twenty minutes", "2 and a half hours"
    if (
        found
        and half
        and found[-1].end == len(before.rstrip()) - len(match.group(0).rstrip()) + len(number)
    ):
        return found[-1].value + half
    return None


# -- the part of the day a time says ------------------------------------------------------------
PARTS_OF_DAY = ("morning", "afternoon", "evening", "night")
# Closed words of English that place a time in the day without naming its part: "first thing",
# "before lunch", "after work". Each pattern means one part.
_PART_PHRASES = (
    ("morning", re.compile(
        r"\b(?:first\s+thing|early\s+(?:on|in\s+the\s+day)|before\s+(?:lunch|noon|midday|12)"
        r"|breakfast(?:\s*time)?|(?:in\s+the\s+)?a\.?m\.?$)\b", re.IGNORECASE)),
    ("afternoon", re.compile(
        r"\b(?:after\s+(?:lunch|noon|midday)|lunch\s*time|midday|noon|(?:in\s+the\s+)?p\.?m\.?$"
        r"|mid-?\s*day|tea\s*time)\b", re.IGNORECASE)),
    ("evening", re.compile(
        r"\b(?:after\s+(?:work|dinner|tea|school\s+run)|tonight|dinner\s*time|end\s+of\s+the\s+day"
        r"|after\s+(?:5|6|five|six))\b", re.IGNORECASE)),
)  # fmt: skip
_CLOCK = re.compile(
    r"\b(?P<hour>1[0-2]|0?[1-9])(?:[:.](?P<minute>[0-5]\d))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)"
    r"|\b(?P<hour24>[01]?\d|2[0-3])[:.](?P<minute24>[0-5]\d)\b",
    re.IGNORECASE,
)


def part_of_day(text: str, values: Sequence[Any]) -> Filled | None:
    """The value of a part-of-day choice (morning / afternoon / evening) that a time names
    without naming the part: a clock time ("around 3pm" -> afternoon, "19:30" -> evening) or the
    closed words that place a time in the day ("first thing", "after lunch", "after work").
    Only for a slot with at least two such values, and only when the message names exactly one
    part; the value is the one whose words hold that part."""
    parts = {part: _value_of_part(values, part) for part in PARTS_OF_DAY}
    if sum(v is not None for v in parts.values()) < 2:
        return None
    said = {part for part, pattern in _PART_PHRASES if pattern.search(text)}
    for clock in _CLOCK.finditer(text):
        said.add(_part_at(_hour_of(clock)))
    named = {part for part in PARTS_OF_DAY if part in words(text)}
    said |= named
    if len(said) != 1:
        return None
    part = said.pop()
    value = parts.get(part) if part != "night" else parts["night"] or parts["evening"]
    if value is None:
        return None
    return Filled(value, f"a time in the {part}: the value {value!r}")


def _value_of_part(values: Sequence[Any], part: str) -> Any:
    holding = [v for v in values if part in words(str(v).replace("_", " "))]
    return holding[0] if len(holding) == 1 else None


def _hour_of(clock: re.Match[str]) -> int:
    """The hour of a clock time, 0-23; "2:30" said without am/pm is in the afternoon."""
    if clock["hour24"] is not None:
        hour = int(clock["hour24"])
        return hour + 12 if 1 <= hour <= 6 and not clock["hour24"].startswith("0") else hour
    hour = int(clock["hour"]) % 12
    return hour + 12 if clock["half"].lower().startswith("p") else hour


def _part_at(hour: int) -> str:
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"
