"""What kind of value a slot holds, read from what the project says about it.

Rasa slots have a type (text, float, bool, categorical) but not a *role*: a text slot may hold a
city, a date, a person's name or a booking reference. A language model infers the role from the
slot's name, the collect step's description and the question; so does this module, with short
word lists, so that the offline understanding can take "from London to New York on March 3rd"
apart the way the project's slots need it:

| role | words in the slot's name, description or question |
|---|---|
| origin | from, origin, departure/depart, leaving |
| destination | destination, to (as in "fly to"), arrival, going, travelling/traveling |
| place | city, town, country, location, where, area, airport, place |
| address | address, street |
| date | date, day, when, check-in |
| person | name, recipient, payee, person, who, driver, beneficiary, contact, surname |
| code | reference, number, code, id, pin, postcode, zip, phone |
| money | amount, price, cost, value, worth, pay, budget, fee, money, $ |

A slot may have several roles ("the city or airport the traveller departs from" is origin and
place); callers take the most specific one that finds a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from calmtui.core.model.domain import Response
from calmtui.core.model.flows import CollectStep
from calmtui.understanding import entities
from calmtui.understanding.text import ANALYZER, STOPWORDS, identifier_words, stem, words

_ROLE_WORDS: dict[str, frozenset[str]] = {
    "origin": frozenset({"from", "origin", "departure", "depart", "departs", "leaving", "leave"}),
    "destination": frozenset(
        {"destination", "arrival", "arrive", "going", "travelling", "traveling", "visit"}
    ),
    "place": frozenset(
        {"city", "town", "country", "location", "where", "area", "airport", "place", "region"}
    ),
    "address": frozenset({"address", "street"}),
    "date": frozenset({"date", "day", "when", "checkin", "check-in", "month"}),
    "person": frozenset(
        {
            "name",
            "recipient",
            "payee",
            "person",
            "who",
            "driver",
            "beneficiary",
            "contact",
            "surname",
            "customer",
            "receiver",
            "friend",
            "someone",
        }
    ),
    "code": frozenset(
        {
            "reference",
            "number",
            "code",
            "id",
            "pin",
            "postcode",
            "zip",
            "phone",
            "ref",
            "digits",
            "registration",
            "serial",
            "plate",
            "tracking",
        }
    ),
    "time": frozenset({"time", "o'clock", "hour"}),
    "email": frozenset({"email", "e-mail"}),
    "money": frozenset(
        {
            "amount",
            "price",
            "cost",
            "value",
            "worth",
            "pay",
            "payment",
            "budget",
            "fee",
            "money",
            "dollars",
            "euros",
            "pounds",
            "spend",
            "top",
            "credit",
            "estimate",
        }
    ),
}
# "guest_name" names a person, "product_name" a thing: a slot called "<word>_name" is about a
# person when that word (or its description or question) is a word for people.
_PERSON_NOUNS = frozenset(
    {"person", "people", "guest", "patient", "customer", "client", "student", "employee",
     "user", "member", "passenger", "traveller", "traveler", "driver", "recipient", "payee",
     "contact", "roommate", "friend", "manager", "owner", "holder", "caller", "beneficiary",
     "full", "first", "last", "given", "family", "nick", "who", "whom", "whose",
     # people by their trade: "stylist_name", "doctor_name", "the advisor you'd like"
     "stylist", "barber", "doctor", "dentist", "nurse", "therapist", "trainer", "instructor",
     "coach", "teacher", "tutor", "advisor", "adviser", "agent", "consultant", "technician",
     "engineer", "mechanic", "plumber", "electrician", "cleaner", "vet", "practitioner",
     "physician", "surgeon", "specialist", "clinician", "counsellor", "counselor", "lawyer",
     "solicitor", "landlord", "tenant", "host", "speaker", "artist", "photographer", "author",
     "donor", "volunteer", "applicant", "sender", "buyer", "seller", "partner", "child"}
)  # fmt: skip
# "the guest's name", "name of the patient", "full name": whose name the slot holds.
_WHOSE_NAME = re.compile(r"\b(\w+)(?:'s)?\s+(?=name\b)|\bname\s+of\s+(?:the\s+|your\s+)?(\w+)")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# Words for going somewhere: with them, "from" names where a journey starts.
_TRAVEL = frozenset(
    {"fly", "flies", "flying", "flight", "travel", "travels", "travelling", "traveling", "trip",
     "journey", "depart", "departs", "leave", "leaves", "leaving", "come", "coming", "move",
     "moving", "drive", "driving", "ship", "shipping", "send", "sent", "pick", "pickup",
     "collect", "collected", "collection", "train", "bus", "ride", "go", "going", "route"}
)  # fmt: skip
_CODE_EXAMPLE = re.compile(r"\b[A-Z]{1,4}-?\d{3,}\b")
# "which month's invoice?", "what month is it for?": the month is what the slot holds — not
# "per month", "a month", "each month" (a rate or a length of time).
_ASKS_A_MONTH = re.compile(r"\b(?:which|what)\s+month\b", re.IGNORECASE)
# An example of the value: "e.g. October 2025", "like 'last month'".
_EXAMPLE = re.compile(r"\b(?:e\.g\.|eg|for example|such as|like)\s*:?\s*(?P<rest>.+)", re.I)
# "number of people", "how many nights": a count of something, not a code.
_COUNT_WORDS = frozenset({"many", "count"})


@dataclass(frozen=True, slots=True)
class SlotProfile:
    """A slot's roles and the content words that describe it (for matching units: "2 nights")."""

    name: str
    roles: frozenset[str]
    words: frozenset[str]

    def has(self, role: str) -> bool:
        return role in self.roles


def profile(
    slot: str, steps: Sequence[CollectStep], responses: Mapping[str, Response] | None = None
) -> SlotProfile:
    description = " ".join(s.description or "" for s in steps if s.collect == slot)
    questions: list[str] = []
    for step in steps:
        if step.collect != slot or responses is None:
            continue
        response = responses.get(step.utter)
        if response is not None:
            questions.extend(v.text or "" for v in response.variations)
    # The profile's words are stems of the language in effect: the cache is keyed on it, or a
    # German conversation's stems would answer later English ones ("customer" -> "custom").
    analyzer = ANALYZER.get()
    language = "" if analyzer is None else analyzer.code
    return _profile(slot, description, " ".join(questions), language)


@lru_cache(maxsize=4096)
def _profile(slot: str, description: str, question: str, language: str) -> SlotProfile:
    del language  # part of the cache key only
    own = words(identifier_words(slot))
    described = words(description)
    # "What would you like from {restaurant_name}?": a placeholder says nothing of this slot
    asked = words(_PLACEHOLDER.sub(" ", question))
    every = {*own, *described, *asked}
    if "when" in every and not _asks_when(f"{description}. {question}"):
        every.discard("when")  # "what happens when people sign in?" asks for no date
    roles = {role for role, cue in _ROLE_WORDS.items() if cue & every} | _where_asked(question)
    if (
        "origin" in roles
        and not _ROLE_WORDS["origin"] & set(own)
        and not {"origin", "departure"} & every
        and not ("from" in every and _TRAVEL & every)
    ):
        # "the restaurant to order from", "what was missing from the order", "why the member
        # is leaving": "from" or "leave" make an origin only with a word for travelling
        roles.discard("origin")
    # "the city where the customer picks the car up" is a place, not a person: people words
    # other than "name"/"who" count in the slot's own name only.
    if (
        "person" in roles
        and not (_ROLE_WORDS["person"] & set(own))
        and not ({"name", "who", "recipient", "payee", "surname"} & every)
    ):
        roles.discard("person")
    if "to" in own or ("to" in described and {"fly", "travel", "go", "send"} & every):
        roles.add("destination")
    if "number" in every and (_COUNT_WORDS & every or "of" in described[:3]):
        roles.discard("code")  # "number of people travelling" counts people
        roles.add("count")
    if "many" in every:
        roles.add("count")
    if "code" in roles and "name" in own:
        roles.discard("code")
    if not roles & {"date", "address"} and _CODE_EXAMPLE.search(description):
        roles.add("code")  # "asset tag on the device, e.g. LT-04211"
    if "name" in own and len(own) > 1 and not _names_a_person(own, f"{description} {question}"):
        roles.discard("person")  # "product_name", "sw_name": the name of a thing
    elif "person" in roles and _names_a_thing(own, f"{description} {question}"):
        roles.discard("person")  # `ticker`: "the ticker symbol or company name" is no person
    if "email" in roles:
        roles -= {"address", "person"}  # "your friend's email address" holds an e-mail address
    roles = _with_date_role(roles, own, every, f"{description} {question}")
    if "time" in roles and "date" in own:
        roles.discard("time")
    elif "date" in roles and "time" in own:
        roles.discard("date")  # "viewing_time": "the time or part of the day" holds no date
    content = frozenset(stem(w) for w in (*own, *described, *asked) if len(w) > 2)
    return SlotProfile(name=slot, roles=frozenset(roles), words=content)


# A question that asks which place someone is in or at: "Which residence hall are you in?".
_ASKS_WHERE_IN = re.compile(
    r"\b(?:which|what)\s+\w+(?:\s+\w+)?\s+(?:are|is|were|was)\s+"
    r"(?:you|they|he|she|we|(?:your|the|their)\s+\w+)"
    r"(?:\s+(?:staying|living|based|located|boarding))?\s+(?:in|at)\s*\?",
    re.IGNORECASE,
)


def _where_asked(question: str) -> set[str]:
    """The place role of a question for which place someone is in or at ("Which residence
    hall are you in?", "Which depot are you based at?")."""
    return {"place"} if _ASKS_WHERE_IN.search(question) is not None else set()


# "what happens when ...", "how it looks when ...": after another question word in the same
# sentence, "when" joins two clauses and asks for no time.
_WHEN_JOINS = re.compile(r"\b(?:what|how|why)\b[^.?!]*?\bwhen\b", re.IGNORECASE)
_WHEN = re.compile(r"\bwhen\b", re.IGNORECASE)


def _asks_when(said: str) -> bool:
    """Does some "when" of the description or question ask for a time?"""
    return len(_WHEN.findall(said)) > len(_WHEN_JOINS.findall(said))


def _with_date_role(roles: set[str], own: Sequence[str], every: set[str], said: str) -> set[str]:
    """A slot that talks of a month holds a date when its own name says "month", or it asks
    which month or shows one as its example ("which month's statement?"); "the amount per
    month" is no date."""
    if _names_a_month(said):
        return roles | {"date"}
    if "date" in roles and not (_ROLE_WORDS["date"] - {"month"}) & every and "month" not in own:
        return roles - {"date"}
    return roles


def _names_a_month(said: str) -> bool:
    """Does a slot that talks of a month hold one: "which month's invoice?", "the billing
    period, e.g. October 2025" (its example is a date)?"""
    if _ASKS_A_MONTH.search(said):
        return True
    example = _EXAMPLE.search(said)
    return example is not None and bool(entities.dates(example["rest"]))


def _names_a_person(own: Sequence[str], said: str) -> bool:
    """Is a slot called "<word>_name" the name of a person ("guest_name", "full_name"), not of a
    thing ("product_name": "the product the customer wants" is about a product, whoever wants
    it)? Its own words, or the words its description and question put next to "name"."""
    if _PERSON_NOUNS & set(own):
        return True
    lower = said.lower()
    if {"who", "whom", "whose"} & set(words(lower)):
        return True
    return any(
        (m.group(1) or m.group(2) or "") in _PERSON_NOUNS for m in _WHOSE_NAME.finditer(lower)
    )


def _names_a_thing(own: Sequence[str], said: str) -> bool:
    """Does a slot take a person's role only from "name" in its description or question, where
    every "name" is the name of a thing ("the ticker symbol or company name", "the name of the
    restaurant")? Not when "name" follows a word that does not tell whose ("your name")."""
    if (_ROLE_WORDS["person"] - {"name"}) & {*own, *words(said)} or "name" in own:
        return False
    lower = said.lower()
    found = list(re.finditer(r"\bname\b", lower))
    return bool(found) and all(_of_a_thing(lower, m.start(), m.end()) for m in found)


def _of_a_thing(said: str, start: int, end: int) -> bool:
    """Is the "name" at `start` the name of a thing: "company name", "name of the stock"?"""
    before = re.search(r"(\w+)(?:'s)?\s+$", said[:start])
    after = re.match(r"\s+of\s+(?:the\s+|your\s+|a\s+)?(\w+)", said[end:])
    whose = [m.group(1) for m in (before, after) if m is not None]
    whose = [w for w in whose if w not in STOPWORDS]
    return bool(whose) and not _PERSON_NOUNS & set(whose)


def shows_its_kind(value: str, prof: SlotProfile) -> bool:
    """Can the text be a value of a slot with this role? A reference, date, time or e-mail slot
    takes one only when the text has one ("leave it booked" is no booking reference, "book it"
    no fitting date)."""
    finders = {
        "code": lambda: entities.codes(value),
        "date": lambda: entities.dates(value),
        "time": lambda: entities.times(value) or entities.hours(value),
        "email": lambda: entities.emails(value),
    }
    kinds = [kind for kind in finders if prof.has(kind)]
    return not kinds or any(finders[kind]() for kind in kinds)
