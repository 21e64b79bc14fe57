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
from typing import TYPE_CHECKING

from calmtui.understanding.amounts import find_numbers, format_number
from calmtui.understanding.text import STOPWORDS, stem

if TYPE_CHECKING:
    from calmtui.understanding.semantic_model import SemanticModel

# The months, full or short, as a regular-expression alternation (read elsewhere too).
MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_FULL_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
_PART_OF_DAY = r"morning|afternoon|evening|night|lunchtime"
# One piece of a date; pieces next to each other are one date ("Saturday 21st September",
# "Sunday the 12th"), and a part of the day may follow ("tomorrow morning").
_DATE = re.compile(
    rf"\b(?:"
    rf"(?:the\s+)?{_ORDINAL}\s+of\s+(?:next|this|the)\s+month\b"
    rf"|(?:the\s+)?{_ORDINAL}\s+(?:of\s+)?(?:{MONTHS})\b\.?(?:,?\s+\d{{4}})?"
    rf"|(?:{MONTHS})\.?\s+(?:the\s+)?{_ORDINAL}\b(?:,?\s+\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}"
    rf"|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}"
    rf"|(?:the\s+)?day\s+after\s+tomorrow|today|tomorrow|tonight|yesterday"
    rf"|(?:next|this|coming|last)\s+(?:week(?:end)?|month|{_DAYS})"
    rf"|this\s+(?:morning|afternoon|evening)"
    rf"|(?:on\s+)?(?:{_DAYS})"
    rf"|the\s+\d{{1,2}}(?:st|nd|rd|th)\b"
    rf"|(?-i:(?!may\s))(?:{MONTHS})\.?\s+\d{{4}}\b"
    rf"|in\s+(?:{MONTHS})\b"
    # "the August invoice", "for October": a month named alone, capitalised, after "the" or
    # a preposition
    rf"|(?-i:(?:(?<=\bthe\s)|(?<=\bfor\s)|(?<=\bfrom\s)|(?<=\bsince\s)|(?<=\buntil\s))"
    rf"(?:{_FULL_MONTHS})\b)"
    rf")",
    re.IGNORECASE,
)
_DATE_JOIN = re.compile(r"^[\s,]*(?:the\s+)?$", re.IGNORECASE)
_DAY_PART = re.compile(rf"\s+(?:in\s+the\s+)?(?:{_PART_OF_DAY})\b", re.IGNORECASE)
_DATE_LEAD = re.compile(r"^(?:on|in|since|from|by|until|till)\s+", re.IGNORECASE)
# Times of day: "8pm", "7.30pm", "19:30", "noon", "8 o'clock (in the evening)".
_TIME = re.compile(
    r"\b(?:\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)(?![a-z])|\d{1,2}:\d{2}\b|noon\b|midday\b"
    r"|midnight\b|\d{1,2}\s+o'?clock(?:\s+in\s+the\s+(?:morning|afternoon|evening))?)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Booking references, claim numbers, flight numbers, phone numbers, postcodes.
_CODE = re.compile(
    r"(?<![\w'\u2019-])(?:"  # not the "s" of "it's 55821"
    r"(?:[A-Z]{1,3}\d{1,3}\s[A-Z]{3})\b"  # AB12 CDE, KT68 PLO (vehicle registrations)
    r"|\d{2,4}/\d{2,4}(?:\s?[A-Z]{1,2}\d{2})?\b"  # 205/55 R16 (sizes written with a slash)
    r"|"
    r"(?i:[a-z]{1,4}-\d{2,}[a-z0-9-]*)"  # CLM-20931, TO-100200, nw-100234 (any case)
    r"|(?i:[a-z]{1,2}\d[a-z\d]?\s\d[a-z]{2})\b"  # LS6 2AB, g12 8qq (postcodes, any case)
    r"|[A-Z]{2,4}\s?\d{2,4}(?:\s\d{2,4})*\b"  # SK 214, BA2490, XJ 554 201, MATH 221
    r"|(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{5,10}\b"  # SKX7Q2
    r"|(?i:(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{6,12})\b"  # hx482913 (typed lower case)
    r"|[a-z]{2,4}\d{3,4}\b"  # cs101 (a course or flight code typed in lower case)
    r"|\+?\d[\d ]{6,}\d"  # 0412 555 019, +44 20 7946 0000
    r"|\d{3,}(?:-\d{3,})+"  # 555-0134
    r"|\d{2}(?:-\d{2}){2}\b"  # 20-45-67 (a sort code)
    r"|(?i:[a-z]{1,3})\s\d{5,}"  # bw 7654321
    r"|\d{4,}"  # 1234 (a PIN), 12345678
    r")"
)
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_LETTER = "a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff'\\-"
# Capitalised word runs, accented letters included ("Les Misérables", "José Álvarez").
_PROPER = re.compile(
    rf"\b[{_UPPER}][{_LETTER}]+(?:\s+(?:[{_UPPER}][{_LETTER}]+|de|da|van|von|del))*"
)
_PREPOSITIONS = frozenset(
    {"from", "to", "in", "at", "for", "near", "into", "around", "via", "named", "called"}
)
_LOWER_CUES = _PREPOSITIONS | frozenset(
    {"name's", "surname", "wife", "husband", "partner", "son", "daughter", "friend", "mum",
     "mom", "dad", "brother", "sister", "driver", "under", "mr", "mrs", "ms", "dr", "with"}
)  # fmt: skip
# "like to donate", "want to volunteer": the word after "to" is a verb.
_WANTS_TO = frozenset(
    {"like", "love", "want", "wants", "wanna", "need", "needs", "have", "has", "going", "able",
     "how", "wish", "try", "trying", "hoping", "hope", "happy", "keen", "ready", "prefer",
     "plan", "planning", "used", "unable", "way", "time", "help", "me", "you", "us"}
)  # fmt: skip
_DATE_WORD = re.compile(r"today|tomorrow|tonight|yesterday|weekend|morning|afternoon|evening")
_LOWER_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")
_CURRENCY = re.compile(
    r"[$\u20ac\u00a3]|\b(?:dollars?|bucks|euros?|pounds?|usd|eur|gbp|quid|tenners?|fivers?)\b", re.I
)
_NOT_NAMES = frozenset(
    {"i", "i'm", "i'd", "i've", "i'll", "hi", "hello", "hey", "please", "thanks", "yes", "no",
     "ok", "okay", "sorry", "actually", "hmm", "oh", "well", "can", "could", "would", "what",
     "how", "is", "my", "the", "a", "an", "and", "book", "send", "add", "cancel", "one", "two",
     "it's", "its", "that", "this", "not", "just", "also", "wait", "hang", "hold"}
)  # fmt: skip
_POSSESSIVE = re.compile(r"['\u2019]s$")
_NOUN_AFTER = re.compile(r" [a-z]")
_MONTH_OR_DAY = re.compile(rf"^(?:{MONTHS}|{_DAYS})$", re.IGNORECASE)
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
    """Dates, pieces next to each other joined ("Sunday the 12th"), with a part of the day that
    follows ("Friday morning": `part` is " morning", so a caller can leave it to a slot that
    asks for the time of day)."""
    pieces = [m for m in _DATE.finditer(text) if m.group(0).strip()]
    spans: list[list[int]] = []
    for match in pieces:
        if spans and _DATE_JOIN.match(text[spans[-1][1] : match.start()]):
            spans[-1][1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    found: list[Mention] = []
    for start, end in spans:
        raw = text[start:end]
        lead = _DATE_LEAD.match(raw)
        if lead is not None:
            start += lead.end()
        value = text[start:end].strip()
        if value.lower() in ("may", "march") or not value:
            continue
        part = _DAY_PART.match(text, end)
        if part is not None:
            end = part.end()
        found.append(
            Mention(
                text[start:end].strip(),
                start,
                end,
                _word_before(text, start),
                unit=text[part.start() : part.end()] if part else "",
            )
        )
    return found


def times(text: str, taken: list[Mention] = ()) -> list[Mention]:  # type: ignore[assignment]
    """Times of day ("8pm", "19:30", "8 o'clock in the evening" -> "8pm")."""
    found: list[Mention] = []
    for match in _TIME.finditer(text):
        mention = Mention(
            _clock(match.group(0)), match.start(), match.end(), _word_before(text, match.start())
        )
        said = match.group(0)
        if said[:1].isupper() and match.start() > 0 and _CAPITALISED_NEXT.match(text, match.end()):
            continue  # "The Midnight Library": a word of a name, no time
        if not any(mention.overlaps(t) for t in taken):
            found.append(mention)
    return found


_CAPITALISED_NEXT = re.compile(r"\s+[A-Z]")
_AT_HOUR = re.compile(r"\bat\s+(?P<hour>1[0-2]|[1-9])\b(?![:.]\d|\s*(?:%|percent\b))")


def hours(text: str, taken: list[Mention] = ()) -> list[Mention]:  # type: ignore[assignment]
    """ "a table tonight at 9": a bare hour after "at" (for a slot that asks for a time)."""
    found: list[Mention] = []
    for match in _AT_HOUR.finditer(text):
        mention = Mention(match["hour"], match.start("hour"), match.end("hour"), "at")
        if not any(mention.overlaps(t) for t in taken):
            found.append(mention)
    return found


def _clock(said: str) -> str:
    """ "8 o'clock in the evening" -> "8pm"; other times as written."""
    match = re.match(r"(\d{1,2})\s+o'?clock(?:\s+in\s+the\s+(\w+))?", said, re.IGNORECASE)
    if match is None:
        return said.strip()
    if match[2] is None:
        return f"{match[1]} o'clock"
    return f"{match[1]}{'am' if match[2].lower() == 'morning' else 'pm'}"


def emails(text: str) -> list[Mention]:
    return [
        Mention(m.group(0), m.start(), m.end(), _word_before(text, m.start()))
        for m in _EMAIL.finditer(text)
    ]


def codes(text: str, taken: list[Mention] = ()) -> list[Mention]:  # type: ignore[assignment]
    found: list[Mention] = []
    position = 0
    while (match := _CODE.search(text, position)) is not None:
        start, value = match.start(), match.group(0).strip()
        position = match.end()
        head, _, rest = value.partition(" ")
        if rest and head.isalpha() and head.lower() in STOPWORDS:
            start = start + len(head) + 1  # "is 12345" -> "12345"
            # read again from the digits: "is 07700 900123" is the number "07700 900123"
            again = _CODE.match(text, start)
            value = again.group(0).strip() if again is not None else rest
            position = max(position, start + len(value))
        mention = Mention(value, start, start + len(value), _word_before(text, start))
        if not any(mention.overlaps(t) for t in taken):
            found.append(mention)
    return found


def proper_names(text: str, taken: list[Mention] = ()) -> list[Mention]:  # type: ignore[assignment]
    """Capitalised word runs ("New York", "Sarah Jones"), with the word before them — and names
    typed in lower case after a preposition ("send 50 to joe", `lowercase_names`)."""
    found: list[Mention] = [m for m in lowercase_names(text) if not _overlaps(m, taken)]
    for match in _PROPER.finditer(text):
        parts = match.group(0).split()
        start = match.start()
        while parts and (_not_a_name(parts[0])):
            start += len(parts[0]) + 1
            parts = parts[1:]
        while parts and _not_a_name(parts[-1]) and not _title_number(parts):
            parts = parts[:-1]
        if not parts:
            continue
        value = " ".join(parts)
        possessive = _POSSESSIVE.search(value)
        if possessive is not None and _NOUN_AFTER.match(text, start + len(value)):
            value = value[: possessive.start()]  # "Bella's rabies shot" names Bella
        mention = Mention(value, start, start + len(value), _word_before(text, start))
        if not _overlaps(mention, taken):
            found.append(mention)
    return sorted(found, key=lambda m: m.start)


def lowercase_names(text: str) -> list[Mention]:
    """Names typed in lower case right after a preposition or a word that introduces a person
    ("to joe", "for anna smith", "to paris", "my wife sarah jones", "name's ortiz"): words that
    the embedded model's vocabulary knows only capitalised — "Joe" is a whole token, "joe" is
    not, while "sam"/"friend"/"rent" are everyday words and stay words. In a message typed all
    in lower case, a word the vocabulary does not know at all is a name there too ("from madrid
    to lisbon", "surname okafor"). Without the model, none."""
    from calmtui.understanding.semantic_model import shared_model

    tokens = list(_LOWER_TOKEN.finditer(text))
    if not any(t.group(0).lower() in _LOWER_CUES or t.group(0) == "is" for t in tokens):
        return []
    model = shared_model()
    if model is None:
        return []
    lower_case = typed_in_lower_case(text)
    found: list[Mention] = []
    for i, cue in enumerate(tokens[:-1]):
        word = cue.group(0).lower()
        before = tokens[i - 1].group(0).lower() if i else ""
        if word not in _LOWER_CUES and not (word == "is" and before in ("name", "surname")):
            continue
        if word == "to" and before in _WANTS_TO:
            continue  # "I'd like to donate": a verb, no name
        first = tokens[i + 1]
        if text[cue.end() : first.start()] != " " or not _named(first.group(0), model, lower_case):
            continue
        end = first.end()
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if (
            after is not None
            and text[end : after.start()] == " "
            and _named(after.group(0), model, lower_case)
        ):
            end = after.end()  # "to anna smith"
        found.append(Mention(text[first.start() : end], first.start(), end, word))
    return found


def typed_in_lower_case(text: str) -> bool:
    """No capital letter but the first one (and "I"): capitals say nothing about names here."""
    rest = re.sub(r"\bI\b", "i", text[1:])
    return not any(c.isupper() for c in rest)


def _named(word: str, model: SemanticModel, lower_case: bool) -> bool:
    if not word.islower() or word in STOPWORDS or _MONTH_OR_DAY.match(word) is not None:
        return False
    if model.is_proper_only(word):
        return True
    return (
        lower_case
        and len(word) >= 3
        and _DATE_WORD.fullmatch(word) is None
        and not _known(word, model)
        and not model.is_misspelt_word(word)
    )


def _known(word: str, model: SemanticModel) -> bool:
    """A word of the vocabulary in any case, or an inflection of one ("flights", "booked")."""
    if model.is_word(word) or model.is_word(word.capitalize()):
        return True
    root = stem(word)
    return root != word and (model.is_word(root) or model.is_word(root + "e"))


def _overlaps(mention: Mention, taken: list[Mention]) -> bool:
    return any(mention.overlaps(t) for t in taken)


def _not_a_name(word: str) -> bool:
    """Capitalised function words ("We're", "Do", "Any") open sentences; they name nobody."""
    lower = word.lower()
    return (
        lower in _NOT_NAMES
        or lower in STOPWORDS
        or _MONTH_OR_DAY.match(word) is not None
        or _acronym(word)
    )


def _title_number(parts: list[str]) -> bool:
    """ "Dune Part Two": a number word that ends a longer capitalised run is part of it."""
    return len(parts) >= 3 and parts[-1].lower() in ("one", "two")


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
            if (
                word is not None
                and word.group(1).lower() not in STOPWORDS
                and not _DATE.match(after.strip())
                and not _TIME.match(text, number.start)
            ):
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
