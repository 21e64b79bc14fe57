"""Numbers and amounts in what users type: "50", "$1,200.50", "-20", "1.5k", "fifty", "a hundred".

Used by the offline generator to fill float slots. Each number keeps where it was found, so a
caller can tell a value ("send 50") from a number that names something ("errand 17").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = re.compile(
    r"(?<![\w.,])(?P<sign>[-+\u2212])?\s?(?P<currency>[$\u20ac\u00a3])?\s?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<suffix>k\b|m\b|(?:\s?(?:thousand|million)\b))?",
    re.IGNORECASE,
)
_NAMED_BY = re.compile(r"\bthe\s+$", re.IGNORECASE)
_WORD_TOKEN = re.compile(r"[a-z]+(?:-[a-z]+)?", re.IGNORECASE)

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_SUFFIX = {"k": 1_000, "m": 1_000_000, "thousand": 1_000, "million": 1_000_000}


@dataclass(frozen=True, slots=True)
class FoundNumber:
    value: float
    start: int
    end: int
    text: str


def find_numbers(text: str) -> list[FoundNumber]:
    """Every number in the text, in order of appearance (digits and English number words)."""
    found = [*_digit_numbers(text), *_word_numbers(text), *_money_words(text)]
    found.sort(key=lambda n: n.start)
    result: list[FoundNumber] = []
    for number in found:
        if result and number.start < result[-1].end:
            continue
        result.append(number)
    return result


def first_number(text: str) -> float | None:
    numbers = find_numbers(text)
    return numbers[0].value if numbers else None


def format_number(value: float) -> str:
    """`50.0` -> "50", `12.5` -> "12.5": the way a user would write it."""
    return str(int(value)) if value.is_integer() else repr(value)


def _digit_numbers(text: str) -> list[FoundNumber]:
    result: list[FoundNumber] = []
    for match in _DIGITS.finditer(text):
        value = float(match["number"].replace(",", ""))
        suffix = (match["suffix"] or "").strip().lower()
        if (
            suffix in ("k", "m")
            and not match["currency"]
            and _NAMED_BY.search(text[: match.start()])
        ):
            continue  # "the 10k": a race, named by its distance, not 10,000

        value *= _SUFFIX.get(suffix, 1)
        if match["sign"] in ("-", "\u2212"):
            value = -value
        result.append(FoundNumber(value, match.start(), match.end(), match.group(0).strip()))
    return result


def _word_numbers(text: str) -> list[FoundNumber]:
    """Runs of number words ("one hundred and twenty five") as one number each."""
    result: list[FoundNumber] = []
    tokens = [(m.group(0).lower(), m.start(), m.end()) for m in _WORD_TOKEN.finditer(text)]
    i = 0
    while i < len(tokens):
        run_end = i
        total, current, seen = 0, 0, False
        j = i
        while j < len(tokens):
            word = tokens[j][0]
            parts = word.split("-")
            if all(p in _UNITS or p in _TENS for p in parts):
                current += sum(_UNITS.get(p, 0) + _TENS.get(p, 0) for p in parts)
            elif word in _SCALES and (seen or j > i):
                scale = _SCALES[word]
                if scale == 100:
                    current = max(current, 1) * 100
                else:
                    total += max(current, 1) * scale
                    current = 0
            elif word == "a" and j + 1 < len(tokens) and tokens[j + 1][0] in _SCALES:
                current = 1
            elif (
                word == "and" and seen and j + 1 < len(tokens) and _is_number_word(tokens[j + 1][0])
            ):
                j += 1
                continue
            else:
                break
            seen = seen or word != "a"
            run_end = j
            j += 1
        if seen:
            start, end = tokens[i][1], tokens[run_end][2]
            result.append(FoundNumber(float(total + current), start, end, text[start:end]))
            i = run_end + 1
        else:
            i += 1
    return result


# "a tenner", "a fiver": money said in a word.
_MONEY_WORD = re.compile(r"\b(?:a\s+)?(?P<word>fiver|tenner)s?\b", re.IGNORECASE)
_MONEY_WORDS = {"fiver": 5, "tenner": 10}


def _money_words(text: str) -> list[FoundNumber]:
    return [
        FoundNumber(float(_MONEY_WORDS[m["word"].lower()]), m.start(), m.end(), m.group(0))
        for m in _MONEY_WORD.finditer(text)
    ]


def _is_number_word(word: str) -> bool:
    return all(p in _UNITS or p in _TENS for p in word.split("-")) or word in _SCALES


_WEEKS = re.compile(r"^\s*(?:of\s+)?weeks?\b|^\s*fortnights?\b", re.IGNORECASE)


def weeks_as_days(text: str, number: FoundNumber, counts: frozenset[str]) -> float | None:
    """ "two weeks" for a slot that counts days (or nights): 14. `counts`: the slot's words."""
    after = text[number.end : number.end + 12]
    match = _WEEKS.match(after)
    if match is None or not counts & {"day", "night"}:
        return None
    return number.value * (14 if "fortnight" in match.group(0).lower() else 7)


# Units of time: (family, size in the family's base unit). "3 years" for a slot that counts
# months is 36, "90 minutes" for one that counts hours 1.5; the families never mix (a month is
# no whole number of weeks or days). Read at a start (`converted`) and in answers
# (`slot_filling.duration_in`).
TIME_UNITS: dict[str, tuple[str, float]] = {
    "minute": ("minute", 1),
    "hour": ("minute", 60),
    "day": ("minute", 1440),
    "night": ("minute", 1440),
    "week": ("minute", 7 * 1440),
    "fortnight": ("minute", 14 * 1440),
    "month": ("month", 1),
    "year": ("month", 12),
}


# A number or a word for how often right before "a month" / "per week" makes it a rate, not a
# length of time ("£15 a month", "twice a week"). Read at a start and in answers.
RATE_BEFORE = re.compile(
    r"(?:\d|\b(?:once|twice|times|pounds|dollars|euros|quid|bucks))\s*$", re.IGNORECASE
)


def time_unit(word: str) -> str | None:
    """The unit of time a word names ("hours", "yrs" -> "hour"), if it names one."""
    lower = word.lower().rstrip("s")
    lower = {"min": "minute", "mins": "minute", "hr": "hour", "yr": "year"}.get(lower, lower)
    return lower if lower in TIME_UNITS else None


def converted(value: float, unit: str, counts: frozenset[str]) -> tuple[float, str] | None:
    """`value` `unit`s in the one other unit of time among `counts` (a slot's words) that it
    converts to exactly: (3, "year") with "month" -> (36, "month"); None when the slot counts
    in the same unit, in none or in several."""
    said = time_unit(unit)
    if said is None:
        return None
    base, size = TIME_UNITS[said]
    own = {u for w in counts if (u := time_unit(w)) is not None}
    if said in own:
        return None
    targets = [u for u in own if TIME_UNITS[u][0] == base]
    if len(targets) != 1:
        return None
    result = value * size / TIME_UNITS[targets[0]][1]
    return round(result, 4), targets[0]
