"""How many, said without a plain number: a party as groups of people ("two adults, two
children and a baby" is 5, "me and 3 kids" 4) and the counting words of English ("a dozen",
"half a dozen", "a couple of us"). Read for number slots in answers mid-flow."""

from __future__ import annotations

import re

from calmtui.understanding.amounts import find_numbers, format_number
from calmtui.understanding.slot_filling import Filled

# People counted in a party: "two adults, two children and a baby", "me and 3 kids".
_PEOPLE = (
    r"(?:adults?|kids?|child(?:ren)?|bab(?:y|ies)|infants?|toddlers?|teens?|teenagers?|seniors?"
    r"|pensioners?|students?|people|persons?|guests?|grown-?ups?|boys?|girls?|men|women|friends?"
    r"|passengers?|under-?\w+s?|over-?\w+s?)"
)
_PARTY_GROUP = re.compile(
    rf"(?P<count>\d+|[a-z]+(?:-[a-z]+)?)\s+(?:(?:more|extra|other|small|young|little)\s+)?"
    rf"{_PEOPLE}\b|(?P<me>\b(?:me|myself)\b)",
    re.IGNORECASE,
)
_JOINS = re.compile(r"^(?:\s*(?:,|and|plus|&|\+|with)\s*)+$", re.IGNORECASE)


def party_size(message: str) -> Filled | None:
    """The size of a party said as groups of people: "two adults, two children and a baby" is 5,
    "me and 3 kids" 4 — at least two groups, joined by "and", "plus" or commas."""
    groups = list(_PARTY_GROUP.finditer(message))
    if len(groups) < 2:
        return None
    total = 0.0
    for i, group in enumerate(groups):
        if i and not _JOINS.match(message[groups[i - 1].end() : group.start()]):
            return None
        if group["me"]:
            total += 1
            continue
        count = group["count"].lower()
        numbers = find_numbers(count)
        if count in ("a", "an", "one"):
            total += 1
        elif numbers and numbers[0].text.lower() == count:
            total += numbers[0].value
        else:
            return None
    return Filled(format_number(total), f"a party of {format_number(total)}")


_COUNT_WORDS = (
    (re.compile(r"\bhalf\s+a\s+dozen\b", re.IGNORECASE), 6.0),
    (re.compile(r"\ba\s+dozen\b", re.IGNORECASE), 12.0),
    (re.compile(r"\ba\s+(?:couple|pair)\b", re.IGNORECASE), 2.0),
)


def counted_in_words(message: str) -> Filled | None:
    """ "a dozen" is 12, "half a dozen" 6, "a couple of us" or "a pair" 2."""
    for pattern, value in _COUNT_WORDS:
        found = pattern.search(message)
        if found is not None:
            return Filled(format_number(value), f"{found.group(0)!r} counts {format_number(value)}")
    return None
