"""Values mentioned in a message, found without a model: dates, codes, names, amounts with units.

"I need a return flight from London to New York on March 3rd for 2 people" mentions two places
(after "from" and "to"), a date and a count of people. Each finder returns `Mention`s with their
position, so that one part of the message is used for one slot only (the "3" of "March 3rd" is
not a number of passengers) and the caller can match a mention to a slot by its role
(`slot_roles`): a place after "from" is an origin, a number followed by "nights" fills the slot
that talks about nights.

The finders are literal and English-only on purpose: a message they cannot read is left to the
question that the flow asks next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calmtui.understanding.amounts import find_numbers, format_number
from calmtui.understanding.text import STOPWORDS, stem

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = re.compile(
    rf"\b(?:"
    rf"(?:the\s+)?{_ORDINAL}\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTHS})\.?\s+(?:the\s+)?{_ORDINAL}\b(?:,?\s+\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}[/.]\d{{1,2}}(?:[/.]\d{{2,4}})?"
    rf"|(?:the\s+)?day\s+after\s+tomorrow|today|tomorrow|tonight"
    rf"|(?:next|this|coming)\s+(?:week(?:end)?|month|{_DAYS})"
    rf"|(?:on\s+)?(?:{_DAYS})(?:\s+(?:morning|afternoon|evening))?"
    rf"|the\s+{_ORDINAL}\b"
    rf"|in\s+(?:{_MONTHS})\b"
    rf")",
    re.IGNORECASE,
)
# Booking references, claim numbers, flight numbers, phone numbers, postcodes.
_CODE = re.compile(
    r"(?<![\w-])(?:"
    r"[A-Z]{1,4}-\d{2,}[A-Z0-9-]*"  # CLM-20931, TO-100200
    r"|[A-Z]{2}\s?\d{2,4}\b"  # SK 214, BA2490
    r"|(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{5,10}\b"  # SKX7Q2
    r"|(?i:(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{6,12})\b"  # hx482913 (typed lower case)
    r"|\+?\d[\d ]{6,}\d"  # 0412 555 019, +44 20 7946 0000
    r"|\d{4,}"  # 1234 (a PIN), 12345678
    r")"
)
_PROPER = re.compile(r"\b[A-Z][a-zA-Z'\-]+(?:\s+(?:[A-Z][a-zA-Z'\-]+|de|da|van|von|del))*")
_PREPOSITIONS = frozenset(
    {"from", "to", "in", "at", "for", "near", "into", "around", "via", "named", "called"}
)
_CURRENCY = re.compile(r"[$\u20ac\u00a3]|\b(?:dollars?|bucks|euros?|pounds?|usd|eur|gbp)\b", re.I)
_NOT_NAMES = frozenset(
    {"i", "i'm", "i'd", "i've", "i'll", "hi", "hello", "hey", "please", "thanks", "yes", "no",
     "ok", "okay", "sorry", "actually", "hmm", "oh", "well", "can", "could", "would", "what",
     "how", "is", "my", "the", "a", "an", "and", "book", "send", "add", "cancel", "one", "two",
     "it's", "its", "that", "this", "not", "just", "also", "wait", "hang", "hold"}
)  # fmt: skip
_MONTH_OR_DAY = re.compile(rf"^(?:{_MONTHS}|{_DAYS})$", re.IGNORECASE)
# "one way", "one of them": number words that count nothing.
_IDIOM = re.compile(r"one(?:\s+|-)(?:way|of|more|thing|another|day|time)\b", re.IGNORECASE)
_WORD_AFTER = re.compile(r"\s*(?:of\s+)?([a-zA-Z]+)")


@dataclass(frozen=True, slots=True)
class Mention:
    text: str
    start: int
    end: int
    before: str = ""  # the word right before it ("from", "to", "in", ...), lower case
    unit: str = ""  # for numbers: the stemmed word after it ("night", "people") or "money"
    value: float | None = None  # for numbers

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


def dates(text: str) -> list[Mention]:
    found: list[Mention] = []
    for match in _DATE.finditer(text):
        value = match.group(0).strip()
        value = re.sub(r"^(?:on|in)\s+", "", value, flags=re.IGNORECASE)
        if value.lower() in ("may", "march") or not value:
            continue
        found.append(Mention(value, match.start(), match.end(), _word_before(text, match.start())))
    return found


def codes(text: str, taken: list[Mention] = ()) -> list[Mention]:  # type: ignore[assignment]
    found: list[Mention] = []
    for match in _CODE.finditer(text):
        mention = Mention(
            match.group(0).strip(), match.start(), match.end(), _word_before(text, match.start())
        )
        if not any(mention.overlaps(t) for t in taken):
            found.append(mention)
    return found


def proper_names(text: str, taken: list[Mention] = ()) -> list[Mention]:  # type: ignore[assignment]
    """Capitalised word runs ("New York", "Sarah Jones"), with the word before them."""
    found: list[Mention] = []
    for match in _PROPER.finditer(text):
        parts = match.group(0).split()
        start = match.start()
        while parts and (
            parts[0].lower() in _NOT_NAMES or _MONTH_OR_DAY.match(parts[0]) or _acronym(parts[0])
        ):
            start += len(parts[0]) + 1
            parts = parts[1:]
        while parts and (
            parts[-1].lower() in _NOT_NAMES or _MONTH_OR_DAY.match(parts[-1]) or _acronym(parts[-1])
        ):
            parts = parts[:-1]
        if not parts:
            continue
        value = " ".join(parts)
        mention = Mention(value, start, start + len(value), _word_before(text, start))
        if not any(mention.overlaps(t) for t in taken):
            found.append(mention)
    return found


def _acronym(word: str) -> bool:
    """ "GP", "SUV", "ATM": short all-capital words are things, not names (even "Bob" is not)."""
    return len(word) <= 4 and word.isupper()


def amounts(text: str, taken: list[Mention] = ()) -> list[Mention]:  # type: ignore[assignment]
    """Numbers outside dates and codes, each with its unit: "money" for "$20" / "30 dollars",
    else the stemmed word after it ("2 nights" -> "night", "2 people" -> "people")."""
    found: list[Mention] = []
    for number in find_numbers(text):
        mention = Mention(number.text, number.start, number.end)
        if any(mention.overlaps(t) for t in taken) or _IDIOM.match(text, number.start):
            continue
        after = text[number.end : number.end + 16]
        before = text[max(0, number.start - 3) : number.start]
        unit = ""
        if _CURRENCY.search(number.text) or _CURRENCY.match(after.strip()) or "$" in before:
            unit = "money"
        else:
            word = _WORD_AFTER.match(after)
            if word is not None and word.group(1).lower() not in STOPWORDS:
                unit = stem(word.group(1).lower())
        found.append(
            Mention(
                format_number(number.value),
                number.start,
                number.end,
                _word_before(text, number.start),
                unit,
                number.value,
            )
        )
    return found


def _word_before(text: str, start: int) -> str:
    match = re.search(r"([A-Za-z']+)[\s,]*$", text[:start])
    return match.group(1).lower() if match else ""


def is_preposition(word: str) -> bool:
    return word in _PREPOSITIONS


def without_values(text: str) -> str:
    """The message with its dates, codes, numbers and names cut out: what is left asks for
    something ("I want to fly from Dublin to Paris on 5 June" -> "I want to fly from to on")."""
    mentions: list[Mention] = [*dates(text)]
    mentions += codes(text, mentions)
    mentions += proper_names(text, mentions)
    mentions += list(amounts(text, mentions))
    if not mentions:
        return text
    kept: list[str] = []
    position = 0
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.start < position:
            continue
        kept.append(text[position : mention.start])
        position = mention.end
    kept.append(text[position:])
    reduced = " ".join(" ".join(kept).split())
    return reduced if any(ch.isalpha() for ch in reduced) else text
