"""Slot values stated in a message, for the slots a flow collects: what an LLM would set along
with `start flow` ("Transfer $50 to Joe" -> amount 50, recipient Joe).

Each of the flow's slots that the LLM may fill (not `controlled`, not `ask_before_filling`)
gets a value only when the message states one that fits the slot's type and role
(`slot_roles`); every part of the message serves one slot at most. In order:

1. text slots with an *address* role: the rest of the message after "address (is|to)";
2. *date* roles: dates ("March 3rd", "the 14th of July", "tomorrow", "next Friday");
3. *code* roles: references, flight and phone numbers ("SKX7Q2", "SK 214", "0412 555 019");
4. float slots: numbers outside dates and codes — by unit ("3 nights" to the slot that talks
   about nights, "$20" / "30 dollars" to a money slot), else the one number for the one float
   slot left (numbers that name the flow, "errand 17", never count);
5. categorical slots: a value named outright, else one that means what part of the message
   says (`categorical_meaning`: "someone crashed into my car" -> car_accident);
6. bool slots: the words of the slot's name that say what it is about ("with a projector" ->
   needs_projector true, "not urgent" -> is_urgent false; `stated_flags`);
7. places and people: capitalised names by the word before them — "from" for an origin, "to"
   for a destination or a place, "in"/"at"/"near" for a place, and for a person "to"/"for",
   the slot's own word ("driver Anna Lee", "surname Okafor") or any name left.

Every value carries a short `how` for the trace's notes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from calmtui.core.model.domain import Response
from calmtui.core.model.flows import CollectStep
from calmtui.core.model.slots import Slot
from calmtui.understanding import entities
from calmtui.understanding.amounts import RATE_BEFORE, converted, format_number
from calmtui.understanding.categorical_meaning import value_by_meaning
from calmtui.understanding.entities import Mention
from calmtui.understanding.lexicon import asks_something, expects_free_text
from calmtui.understanding.reference_shapes import keys, shapes_in
from calmtui.understanding.slot_filling import (
    COUPLE,
    Filled,
    button_values,
    categorical_value,
    named_values,
)
from calmtui.understanding.slot_roles import SlotProfile, profile
from calmtui.understanding.stated_flags import stated_flag
from calmtui.understanding.text import STOPWORDS, identifier_words, stem, words
from calmtui.understanding.thing_values import example_names, shows_digits, thing_value

_ADDRESS = re.compile(
    r"\baddress\s+(?:(?:is|to|as|:)\s*|(?=\d))(?P<value>.+?)\s*[.!]?$", re.IGNORECASE
)
# The last word of a street's name; a number before it ("5 Mill Lane") also allows the short
# forms and the rarer endings, which alone name too much ("in Pl", "on the Green").
_STREET_ENDINGS = (
    "Road|Rd|Street|St|Lane|Avenue|Ave|Close|Drive|Way|Place|Court|Crescent|Terrace|Boulevard|"
    "Square|Gardens|Hill|Row|Walk|Parade|Grove|Mews"
)
_NUMBERED_STREET_ENDINGS = f"{_STREET_ENDINGS}|Ln|Dr|Pl|Ct|Blvd|Sq|View|Rise|Vale|Green|Quay|Wharf"
# A street address written out: "5 Mill Lane", "221B Baker Street, London NW1 6XE".
_STREET = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){{1,3}}(?:{_NUMBERED_STREET_ENDINGS})\b\.?"
    r"(?:,?\s+[A-Z][a-z]+)*(?:,?\s+[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})?"
)
# A street named without a number: "on Mill Road", "in Elm Grove".
_STREET_NAME = rf"(?:[A-Z][a-z]+\s+){{1,3}}(?:{_STREET_ENDINGS})\b"
_NAMED_STREET = re.compile(rf"\b(?:on|in|at|along|near)\s+(?P<street>{_STREET_NAME})")
# "Boots on King Street": a place named with its street.
_ON_STREET = re.compile(rf"\s+on\s+{_STREET_NAME}")
_AT_TIME = re.compile(
    r"\s+(?:at\s+)?(?:\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)|\d{1,2}:\d{2}|at\s+\d{1,2}(?=\s*(?:$|[,.!?]|please\b|then\b|and\b)))",
    re.IGNORECASE,
)
_ONE_UNIT = re.compile(
    r"\b(?:a|an|another|one\s+more)\s+(?P<unit>month|week|night|day|year|hour|minute|fortnight)\b"
    r"(?P<half>\s+and\s+a\s+half\b)?|\bhalf\s+an?\s+(?P<half_unit>hour|day|year)\b",
    re.IGNORECASE,
)
_PART_OF_DAY = re.compile(r"tonight|this (?:morning|afternoon|evening)", re.IGNORECASE)
_DAY_OF_MONTH = re.compile(r"^(?:the\s+)?(?P<n>\d{1,2})(?:st|nd|rd|th)$", re.IGNORECASE)
_NAMING_CUES = frozenset({"named", "called", "is", "add", "wife", "husband", "son", "daughter"})
_TO_PERSON_CUES = frozenset({"to", "for"})
# Slots that hold whom something is for: "send 50 to Anna", "a coffee for Sam".
_RECEIVES = frozenset(
    {"recipient", "payee", "beneficiary", "receiver", "friend", "contact", "customer", "person",
     "send", "for", "who"}
)  # fmt: skip
# "2 adults" counts the slot that talks about passengers, travellers, guests or people.
_PEOPLE = frozenset(
    {"adult", "people", "person", "passenger", "traveller", "traveler", "guest", "child", "kid",
     "pax", "persons"}
)  # fmt: skip
# Slots with one of these roles take their own kind of value, never "the thing" of a request.
_SPECIFIC_ROLES = frozenset(
    {"date", "time", "code", "person", "place", "address", "email", "origin", "destination",
     "money", "count"}
)  # fmt: skip
# A slot that holds the name or title of a thing ("pet_name", "book_title", "car_model").
_NAMING = frozenset({"name", "title", "brand", "model"})
_DETERMINERS = frozenset({"the", "a", "an", "my", "our", "your", "this", "that"})
# A value stated with a start, meant less closely than MIN_SIMILARITY but leading the other
# values on its span widely, by words that do not ask for the flow ("the renewable tariff").
_START_WIDE_LEAD = (0.25, 0.1)
_BIRTH = frozenset({"birth", "born", "dob", "birthday"})
_PLACE_CUES = frozenset({"in", "at", "near", "to", "into", "around", "for"})
_LANDMARK = re.compile(
    r"\s+(?:station|airport|city\s+centre|town\s+centre|centre|center|park|hospital|"
    r"university|stadium|harbour|harbor|port|pier|square|market|retail\s+park)\b",
    re.IGNORECASE,
)
_THE_NTH_OF = re.compile(r"^the\s+(?=\d{1,2}(?:st|nd|rd|th)?\s+of\s+(?!next\b|this\b|the\b))", re.I)
# Words that say a slot holds a code, not what the code is of ("room_number": a room).
_CODE_LABELS = frozenset({"number", "code", "id", "ref", "reference", "no"})
_UNIT_WORD = re.compile(r"\s*[a-zA-Z]+\b")
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_WORDS = frozenset({"year", "yr"})
_PLACE_WORDS = frozenset({"location", "city", "town", "place", "area", "region", "country"})
# "at 150", "below 200": a number said after these is a price or a level, not a count.
_PRICE_CUES = frozenset({"at", "below", "above", "under", "over", "for", "of"})


def stated_values(
    text: str,
    steps: Sequence[CollectStep],
    slots: Mapping[str, Slot],
    identity_numbers: frozenset[str],
    responses: Mapping[str, Response] | None = None,
    request_words: frozenset[str] = frozenset(),
    flow_words: frozenset[str] | None = None,
    asked: str | None = None,
) -> list[tuple[str, Filled]]:
    """(slot name, value) for every usable slot of `steps` the message states a value for.
    `request_words`: the flow's name (stemmed), never read as a value by meaning ("pay my
    bill" is not the PayPal method). `flow_words`: the words of the flow's request phrases;
    given when the message starts the flow, so that the thing it is about can be read for a
    slot that names a thing ("refill my metformin", `thing_values`)."""
    usable: dict[str, tuple[Slot, SlotProfile]] = {}
    about: dict[str, list[str]] = {}
    for step in steps:
        slot = slots.get(step.collect)
        if slot is None or not slot.llm_fillable or step.ask_before_filling:
            continue
        if step.collect not in usable:
            usable[step.collect] = (slot, profile(step.collect, steps, responses))
            about[step.collect] = _about(step, responses or {})
    if not usable:
        return []
    reader = _Reader(text, usable, identity_numbers, responses or {}, request_words)
    reader.asked = asked
    reader.about = about
    reader.flow_words = flow_words or frozenset()
    found = reader.read()
    if flow_words is not None:
        found.extend(reader.things(about, flow_words))
    return found


def _about(step: CollectStep, responses: Mapping[str, Response]) -> list[str]:
    """What the project says about a collected slot: its name, description and question."""
    said = [identifier_words(step.collect)]
    if step.description:
        said.append(step.description)
    response = responses.get(step.utter)
    said.extend(v.text for v in (response.variations if response else ()) if v.text)
    return said


class _Reader:
    def __init__(
        self,
        text: str,
        usable: dict[str, tuple[Slot, SlotProfile]],
        identity_numbers: frozenset[str],
        responses: Mapping[str, Response],
        request_words: frozenset[str],
    ) -> None:
        self.text = text
        self.request_words = request_words
        self.usable = usable
        self.identity = identity_numbers
        self.responses = responses
        self.taken: list[Mention] = []
        self.found: dict[str, Filled] = {}
        self.asked: str | None = None  # the slot being asked, if the message answers it
        self.about: Mapping[str, list[str]] = {}  # what the project says about each slot
        self.flow_words: frozenset[str] = frozenset()  # the words that ask for the flow
        self.part_of_day: Mention | None = None  # "morning" of "Saturday morning", for a time
        self.dates_left: list[Mention] = []  # dates no slot took
        # the words a categorical value was read from: they classify what the message says,
        # and may still describe it ("my bathroom tap is dripping": plumbing, and the text)
        self.meant: list[Mention] = []

    def read(self) -> list[tuple[str, Filled]]:
        self._addresses()
        self._emails()
        self._dates()
        self._times()
        self._codes()
        self._capital_codes()
        self._numbers()
        self._categoricals()
        self._flags()
        self._listed()
        self._names()
        return list(self.found.items())

    def _open(self, kind: str, role: str | None = None) -> list[tuple[str, SlotProfile]]:
        """Slots of `kind` with `role` still without a value. A date or reference slot never
        takes a name ("the new date the traveller wants to fly on" is no destination)."""
        strict = role in (None, "date", "code", "address", "time")
        return [
            (name, prof)
            for name, (slot, prof) in self.usable.items()
            if name not in self.found
            and (slot.type == kind or (kind == "text" and slot.type == "any"))
            and (role is None or prof.has(role))
            and (strict or not (prof.has("date") or (prof.has("code") and not prof.has("place"))))
            # an address slot takes no name, but a reference if it asks for one too ("the
            # listing reference or the address of the flat")
            and (
                role in (None, "address", "code")
                or not prof.has("address")
                # `search_location`, "a town, street, postcode or landmark": a place first
                or (role == "place" and _PLACE_WORDS & set(words(identifier_words(name))))
            )
        ]

    def _code_for(self, slot: str, mention: Mention) -> str:
        """The reference as the slot holds it: "Rx 5520187" for `rx_number` is 5520187 (the
        label is the slot's own word)."""
        label, _, rest = mention.text.partition(" ")
        own = set(words(identifier_words(slot)))
        if rest.isdigit() and label.lower() in own:
            return rest
        return mention.text

    def _set(self, name: str, value: object, how: str, mention: Mention | None = None) -> None:
        self.found[name] = Filled(value, how)
        if mention is not None:
            self.taken.append(mention)

    def _addresses(self) -> None:
        for name, _ in self._open("text", "address")[:1]:
            match = _ADDRESS.search(self.text)
            if match is not None and any(c.isdigit() for c in match["value"]):
                start = match.start("value")
                mention = Mention(match["value"], start, start + len(match["value"]))
                self._set(name, match["value"], "the address after 'address'", mention)
                continue
            street = _STREET.search(self.text)
            if street is None and entities.typed_in_lower_case(self.text):
                street = _STREET.search(_title_case(self.text))  # "5 mill lane"
            span = (street.start(), street.end()) if street is not None else None
            named = _NAMED_STREET.search(self.text) if span is None else None
            if named is not None:
                span = (named.start("street"), named.end("street"))  # "a pothole on Mill Road"
            if span is not None:
                value = self.text[span[0] : span[1]]
                self._set(name, value, "a street address", Mention(value, *span))

    def _emails(self) -> None:
        found = entities.emails(self.text)
        for (name, _), mention in zip(self._open("text", "email"), found, strict=False):
            self._set(name, mention.text, f"the e-mail address {mention.text!r}", mention)
        self.taken.extend(found)

    def _dates(self) -> None:
        slots = self._open("text", "date")
        if not _BIRTH & set(words(self.text)):
            # "cancel my appointment on Thursday" says nothing about a date of birth (unless
            # the date of birth is what was asked).
            slots = [
                (name, prof)
                for name, prof in slots
                if name == self.asked or not _BIRTH & prof.words
            ]
        found = [self._without_part(m) for m in entities.dates(self.text) if not self._is_taken(m)]
        if not self._open("text", "time"):
            found = [self._with_time(m) for m in found]
        for (name, _), mention in zip(slots, found, strict=False):
            value = _THE_NTH_OF.sub("", mention.text)  # "the 30th of June" -> "30th of June"
            self._set(name, value, f"the date {mention.text!r}", mention)
        self.dates_left = found[len(slots) :]
        days = self._open("float", "date")
        for mention in found:
            ordinal = _DAY_OF_MONTH.match(mention.text)
            if days and ordinal is not None and not any(mention is m for m in self.taken):
                # "on the 15th" for a number slot about the day of the month
                name = days.pop(0)[0]
                self._set(name, ordinal["n"], f"the day of the month {mention.text!r}", mention)
        self.taken.extend(m for m in found if m not in self.taken)

    def _with_time(self, mention: Mention) -> Mention:
        """ "Friday at 9" for a date slot when the flow asks for no time: the time stays with
        the day, as said."""
        at = _AT_TIME.match(self.text, mention.end)
        if at is None:
            return mention
        return Mention(self.text[mention.start : at.end()], mention.start, at.end(), mention.before)

    def _without_part(self, mention: Mention) -> Mention:
        """ "Friday morning": the morning is left to a slot that asks for the part of the day
        (a categorical slot with a value that "morning" names or means), if the flow has one."""
        part = mention.unit.strip()
        if not part:
            return mention
        for name, _ in self._open("categorical"):
            slot = self.usable[name][0]
            buttons = button_values(self.responses, f"utter_ask_{name}", name)
            if categorical_value(slot, part) or value_by_meaning(part, slot, buttons):
                end = mention.end - len(mention.unit)
                return Mention(self.text[mention.start : end].strip(), mention.start, end)
        timed = [name for name, _ in self._open("text", "time")]
        dated = [name for name, prof in self._open("text", "date") if not prof.has("time")]
        if timed and dated:
            # "Saturday morning" with a date slot and a time slot ("the time or part of the
            # day"): the morning is the time
            end = mention.end - len(mention.unit)
            said = part.split()[-1]
            self.part_of_day = Mention(said, mention.end - len(said), mention.end)
            return Mention(self.text[mention.start : end].strip(), mention.start, end)
        return Mention(mention.text, mention.start, mention.end, mention.before)

    def _times(self) -> None:
        found = entities.times(self.text, self.taken)
        slots = self._open("text", "time")
        if slots and not found:
            found = entities.hours(self.text, self.taken)  # "tonight at 9"
        if slots and not found and self.part_of_day is not None:
            found = [self.part_of_day]
        if slots and not found and not self._open("text", "date"):
            # "4 tickets for Wicked tonight": with no date to ask, the evening is the time
            found = [m for m in self.dates_left if _PART_OF_DAY.fullmatch(m.text)][:1]
        for (name, _), mention in zip(slots, found, strict=False):
            self._set(name, mention.text, f"the time {mention.text!r}", mention)
        self.taken.extend(m for m in found if m not in self.taken)

    def _codes(self) -> None:
        self._labelled_codes()
        slots = self._open("text", "code")
        found_codes = entities.codes(self.text, self.taken)
        if found_codes and not any(name == self.asked for name, _ in slots):
            # "the 6-digit code we sent": "withdraw 2000" states no such code
            slots = [
                (name, prof)
                for name, prof in slots
                if (count := _digit_count(self.about.get(name, ()))) is None
                or any(
                    _digits(m.text) == count or stem(m.before) in prof.words for m in found_codes
                )
            ]  # ("prescription 12345" is the prescription number, too short or not)
        found = [
            m
            for m in entities.codes(self.text, self.taken)
            if m.text not in self.identity and not _is_amount(self.text, m)
        ]
        left = list(found)
        if left and any(name == self.asked for name, _ in slots):
            # the reference answers the question asked, whatever its shape
            code = self._code_for(str(self.asked), left[0])
            said = self._with_label(str(self.asked), left.pop(0))  # "card is 77001234"
            self._set(str(self.asked), code, f"the code {said.text!r}", said)
            slots = [s for s in slots if s[0] != self.asked]
        for mention in list(left):
            # "HIST210" to the slot described with "e.g. CS101", not to the student number
            shaped = [name for name, _ in slots if _shaped_like(mention.text, self.about.get(name))]
            if not shaped:
                # "2025" to the "4-digit year" and "482117305" to the "9-digit" number, in
                # whatever order said, among the reference slots and those whose example is
                # written like it
                alike = [
                    (name, prof)
                    for name, prof in self._open("text")
                    if name not in {n for n, _ in slots}
                    and (self._written_like(name, mention) or _YEAR_WORDS & prof.words)
                ]
                if slots or alike:
                    shaped = self._fitting(mention, [*slots, *alike])
            if len(shaped) == 1:
                code = self._code_for(shaped[0], mention)
                said = self._with_label(shaped[0], mention)
                self._set(shaped[0], code, f"the code {mention.text!r} (its shape)", said)
                slots = [s for s in slots if s[0] != shaped[0]]
                left.remove(mention)
        for (name, _), mention in zip(slots, left, strict=False):
            said = self._with_label(name, mention)  # "order 48113" says no wrong order
            self._set(name, self._code_for(name, mention), f"the code {mention.text!r}", said)
            left = [m for m in left if m is not mention]
        for mention in left:
            # a value written like the example a text slot gives ("the tyre size from the
            # sidewall, like 205/55 R16"), whatever the slot is called
            alike = [name for name, _ in self._open("text") if self._written_like(name, mention)]
            if len(alike) == 1:
                self._set(
                    alike[0], mention.text, f"{mention.text!r} (written like its example)", mention
                )
        # A reference's digits are no quantity, even where no slot takes references
        # ("is flight SK 101 on time?" books no 101 passengers).
        self.taken.extend(m for m in found if not m.text.isdigit() and m not in self.taken)

    def _capital_codes(self) -> None:
        """A word in capitals written like the example a text slot gives ("the ticker, e.g.
        AAPL": "buy 20 MSFT shares" -> MSFT; "the airport code, like LHR"), in the order the
        flow asks. Not a word the project itself writes about the flow or its slots ("ETF",
        "MOT"), nor a chat abbreviation ("ASAP")."""
        if _CAPITALS.search(self.text) is None:
            return  # most messages: nothing to read here, nothing to compute
        slots = [
            (name, sizes)
            for name, _ in self._open("text")
            if (sizes := _capital_examples(tuple(self.about.get(name, ())[1:])))
        ]
        if not slots or self.text.upper() == self.text:
            return  # a message typed all in capitals says no word in capitals
        examples = {
            w.lower()
            for texts in self.about.values()
            for w in _CAPITAL_EXAMPLE.findall(" ".join(texts))
        }
        written = {w for texts in self.about.values() for t in texts for w in words(t)} - examples
        asking = self.request_words | self.flow_words
        said = [
            Mention(m.group(0), m.start(), m.end())
            for m in _CAPITALS.finditer(self.text)
            if (lower := m.group(0).lower()) not in written
            and stem(lower) not in asking
            and lower not in _CHAT_CAPITALS
            and lower not in STOPWORDS
        ]
        said = [m for m in said if not self._is_taken(m)]
        for name, sizes in slots:
            mention = next((m for m in said if len(m.text) in sizes), None)
            if mention is not None:
                said.remove(mention)
                self._set(
                    name, mention.text, f"{mention.text!r} (written like its example)", mention
                )

    def _written_like(self, slot: str, mention: Mention) -> bool:
        """Is the reference written like an example the slot's description or question gives?"""
        said = self.about.get(slot, ())
        return _form(mention.text) in {_form(c.text) for t in said for c in entities.codes(t)}

    def _fitting(self, mention: Mention, slots: list[tuple[str, SlotProfile]]) -> list[str]:
        """The slots a plain number fits by what they say of their values: its count of digits
        ("the 9-digit taxpayer number", "a 4-digit year"), else a year ("2025") for the one
        slot about a year."""
        if not mention.text.isdigit():
            return []
        counted = [
            name for name, _ in slots if _digit_count(self.about.get(name, ())) == len(mention.text)
        ]
        if counted:
            return counted
        years = [name for name, prof in slots if _YEAR_WORDS & prof.words]
        if _YEAR.fullmatch(mention.text):
            return years
        # a number that is no year goes to the slots that are not about one
        return [name for name, _ in slots if name not in years] if years else []

    def _with_label(self, slot: str, mention: Mention) -> Mention:
        """The code with the slot's own word before it ("order 48113" for `order_number`):
        the label is part of the value said, not a value of its own."""
        label = re.search(r"([A-Za-z]+)\s+(?:is\s+|:\s*)?$", self.text[: mention.start])
        own = {stem(w) for w in words(identifier_words(slot))}
        if label is None or stem(label.group(1).lower()) not in own:
            return mention
        return Mention(self.text[label.start() : mention.end], label.start(), mention.end)

    def _labelled_codes(self) -> None:
        """A short code after the slot's own word: "room 3B" for `room_number`, "gate 12"."""
        for name, _ in self._open("text", "code"):
            own = [w for w in words(identifier_words(name)) if w not in _CODE_LABELS]
            for label in own:
                found = re.search(
                    rf"\b{re.escape(label)}\s+(?P<code>[A-Za-z]?\d{{1,4}}[A-Za-z]?)\b",
                    self.text,
                    re.IGNORECASE,
                )
                if found is None:
                    continue
                said = Mention(found["code"], found.start("code"), found.end("code"), label)
                if not self._is_taken(said):
                    self._set(name, said.text, f"the code {said.text!r} after {label!r}", said)
                    break

    def _numbers(self) -> None:
        slots = self._open("float")
        if not slots:
            return
        numbers = [
            m
            for m in entities.amounts(self.text, self.taken)
            # a number of the flow's description counts with a slot's unit: "1 hour" when
            # the flow books "for 1 to 3 hours"
            if m.text.lstrip("+-") not in self.identity
            or (m.unit and self._slot_for_unit(m, slots) is not None)
        ]
        left = list(numbers)
        for single in _ONE_UNIT.finditer(self.text):
            # "on hold for a month" for the slot that counts months: one ("another hour": one
            # more; "an hour and a half": 1.5; "half an hour": 0.5)
            said = "1.5" if single["half"] else "0.5" if single["half_unit"] else "1"
            unit = stem((single["unit"] or single["half_unit"]).lower())
            mention = Mention(said, single.start(), single.end(), unit=unit)
            if RATE_BEFORE.search(self.text, 0, single.start()) is not None:
                continue  # "£15 a month", "twice a week": how often, not how long
            if not self._is_taken(mention) and (
                self._slot_for_unit(mention, slots) or self._in_other_unit(mention, slots)
            ):
                numbers.append(mention)
                left.append(mention)
        for mention in numbers:
            target = self._slot_for_unit(mention, slots)
            if target is None and (other := self._in_other_unit(mention, slots)) is not None:
                # "over 3 years" for the slot that counts months: 36
                target, value, unit = other
                said = self._with_unit(mention)
                how = f"{mention.text} {mention.unit}(s) in {unit}s"
                self._set(target, format_number(value), how, said)
                left.remove(mention)
                slots = [s for s in slots if s[0] != target]
                continue
            if target is not None:
                unit = "an amount of money" if mention.unit == "money" else f"'{mention.unit}'"
                said = self._with_unit(mention)  # "3 hours" says no evening
                self._set(target, mention.text, f"the number {mention.text!r} ({unit})", said)
                left.remove(mention)
                slots = [s for s in slots if s[0] != target]
        people = [name for name, prof in slots if _PEOPLE & prof.words]
        couple = COUPLE.search(self.text)
        if couple is not None and len(people) == 1 and not numbers:
            # "flu jabs for me and my wife": two people
            said = Mention("2", couple.start(), couple.end())
            self._set(people[0], "2", f"two people ({couple.group(0)!r})", said)
            return
        counts = [name for name, prof in slots if prof.has("count") and not prof.has("money")]
        plain = [
            m
            for m in left
            if (not m.unit or self.text[m.end :].strip()[:1].isupper())  # "50 TSLA": no unit
            and m.before not in _PRICE_CUES
        ]
        if len(counts) == 1 and len(slots) > 1 and plain and not self._asks_money(slots):
            # "sell 50 TSLA" with a count and a price to ask: a bare number counts
            mention = plain[0]
            self._set(counts[0], mention.text, f"the number {mention.text!r} (a count)", mention)
            left.remove(mention)
            slots = [s for s in slots if s[0] != counts[0]]
        if len(slots) != 1:
            return
        # One float slot left: the first number without a unit (or with money, or the only one).
        plain = [m for m in left if not m.unit or m.unit == "money"]
        if not plain and len(numbers) == 1 and left:
            plain = left
        if plain:
            mention = plain[0]
            self._set(slots[0][0], mention.text, f"the number {mention.text!r}", mention)

    @staticmethod
    def _in_other_unit(
        mention: Mention, slots: list[tuple[str, SlotProfile]]
    ) -> tuple[str, float, str] | None:
        """The one slot that counts in another unit of time the number converts to exactly:
        (slot, value in its unit, unit)."""
        if not mention.unit or mention.unit == "money":
            return None
        try:
            value = float(mention.text)
        except ValueError:
            return None
        found = [
            (name, *result)
            for name, prof in slots
            if (result := converted(value, mention.unit, prof.words)) is not None
        ]
        return found[0] if len(found) == 1 else None

    def _with_unit(self, mention: Mention) -> Mention:
        """The number with its unit word ("3 hours"), as the part of the message it uses."""
        if not mention.unit or mention.unit == "money":
            return mention
        after = _UNIT_WORD.match(self.text, mention.end)
        if after is None:
            return mention
        return Mention(self.text[mention.start : after.end()], mention.start, after.end())

    def _asks_money(self, slots: list[tuple[str, SlotProfile]]) -> bool:
        """Is the message about money for one of `slots` ("withdraw 2000" for
        `withdraw_amount`)? The slot's own words say what the flow does with the money."""
        asked = {stem(w) for w in words(self.text)}
        return any(
            prof.has("money") and asked & {stem(w) for w in words(identifier_words(name))}
            for name, prof in slots
        )

    @staticmethod
    def _slot_for_unit(mention: Mention, slots: list[tuple[str, SlotProfile]]) -> str | None:
        if mention.unit == "money":
            money = [name for name, prof in slots if prof.has("money")]
            return money[0] if len(money) == 1 else None
        if not mention.unit:
            return None
        unit = mention.unit
        match = [name for name, prof in slots if unit in prof.words or stem(unit) in prof.words]
        if not match and unit in _PEOPLE:
            match = [name for name, prof in slots if _PEOPLE & prof.words]
        if len(match) > 1:
            # "5 shares" with `share_quantity` and "the price per share": the slot whose own
            # name says the unit, else the one that counts
            own = [n for n in match if unit in {stem(w) for w in words(identifier_words(n))}]
            counts = [n for n, prof in slots if n in match and prof.has("count")]
            match = own if len(own) == 1 else counts
        return match[0] if len(match) == 1 else None

    def _categoricals(self) -> None:
        for name, _ in self._open("categorical"):
            slot = self.usable[name][0]
            named = [
                v
                for v in named_values(slot.values, self.text)
                if str(v).lower() not in STOPWORDS
                # "card is 77001234" at the library card number: "card" labels the number
                and not self._is_taken(
                    _located(self.text, identifier_words(str(v))) or Mention("", -1, -1)
                )
            ]
            if len(named) == 1:
                said = _located(self.text, identifier_words(str(named[0])))
                self._set(name, named[0], f"the value {named[0]!r}", said)
                self._classified(said)
                continue
            if len(named) > 1:
                continue
            step_utter = f"utter_ask_{name}"
            buttons = button_values(self.responses, step_utter, name)
            joined = _hyphenated_value(self.text, slot.values, buttons)
            if joined is not None:
                value, said = joined
                self._set(name, value, f"the value {value!r} ({said.text!r})", said)
                continue
            # names are no meaning either ("tickets for Les Misérables" asks for no e-ticket)...
            names = entities.proper_names(self.text, self.taken)
            untaken = self._untaken_text(names)
            found = value_by_meaning(untaken, slot, buttons, ignore=self.request_words)
            if found is None and names:
                # ...unless a capitalised word alone means the value ("einen Tee bestellen")
                alone = " ".join(m.text for m in names)
                found = value_by_meaning(alone, slot, buttons, ignore=self.request_words)
            if found is None and self.flow_words:
                # less closely, with a wide lead, by words that do not ask for the flow ("the
                # renewable tariff" -> green; "my meter reading" names no kind of meter)
                found = value_by_meaning(
                    untaken,
                    slot,
                    buttons,
                    ignore=self.request_words,
                    exclude=self.request_words | self.flow_words,
                    min_similarity=1.0,  # only the wide lead
                    wide_lead=_START_WIDE_LEAD,
                    sentences=True,  # or a clause read whole ("they don't fit": wrong size)
                )
            if found is not None:
                said = _located(self.text, found.span or "")
                self._set(name, found.value, found.how, said)
                self._classified(said)

    def _classified(self, said: Mention | None) -> None:
        """The words a categorical value was read from: they may still describe."""
        if said is not None:
            self.meant.append(said)

    def _flags(self) -> None:
        """Yes/no slots the message settles by naming them ("with a projector", `stated_flags`)."""
        for name, _ in self._open("bool"):
            found = stated_flag(
                self.text,
                name,
                self.request_words | self.flow_words,
                self.about.get(name, ())[1:] if self.flow_words else (),
            )
            if found is not None:
                self._set(name, found.value, found.how)

    def _untaken_text(self, also: Sequence[Mention] = ()) -> str:
        """The message without the parts already used (a date is not a value: "next week" is
        not the weekly pack), nor those given as `also`."""
        kept: list[str] = []
        position = 0
        for mention in sorted([*self.taken, *also], key=lambda m: m.start):
            if mention.start >= position:
                kept.append(self.text[position : mention.start])
                position = mention.end
        kept.append(self.text[position:])
        return " ".join(" ".join(kept).split())

    def _listed(self) -> None:
        """A name the slot's description gives as an example, however typed: "with jonas" for
        the stylist "(Mia, Jonas or Priya)"."""
        for name, _ in self._open("text"):
            listed = {n.lower(): n for t in self.about.get(name, ())[1:] for n in example_names(t)}
            said = [
                m
                for n in listed
                if (m := _located(self.text, n)) is not None and not self._is_taken(m)
            ]
            if len(said) == 1:
                self._set(name, said[0].text, f"the name {said[0].text!r} (one it lists)", said[0])

    def _names(self) -> None:
        names = entities.proper_names(self.text, self.taken)
        if not names:
            return
        for role, cues in (("origin", {"from"}), ("destination", {"to", "into"})):
            for name, _ in self._open("text", role)[:1]:
                mention = next((m for m in names if m.before in cues), None)
                if mention is None and role == "origin":
                    mention = self._before_to(names)
                if mention is not None:
                    why = f"after {mention.before!r}" if mention.before in cues else "before 'to'"
                    names[names.index(mention)] = mention = self._with_street(mention)
                    self._take_name(name, mention, names, why)
        for name, prof in self._open("text", "place"):
            if prof.has("person"):
                continue
            mention = next((m for m in names if m.before in _PLACE_CUES), None)
            if mention is not None:
                mention = self._with_street(self._with_landmark(mention))
                names[next(i for i, m in enumerate(names) if m.start == mention.start)] = mention
                self._take_name(name, mention, names, f"after {mention.before!r}")
                continue
            # "the Riverside branch" at "Which branch?": the name before the slot's own word
            mention = next((m for m in names if self._word_after(m) in prof.words), None)
            if mention is not None:
                self._take_name(name, mention, names, f"before {self._word_after(mention)!r}")
        for name, prof in self._open("text", "person"):
            own = set(words(name.replace("_", " "))) | {"surname", "driver"}
            # "to Joe" / "for Sam" names whom something goes to: the slot must say so.
            cues = _NAMING_CUES | (_TO_PERSON_CUES if _RECEIVES & prof.words else frozenset[str]())
            mention = next((m for m in names if m.before in cues or m.before in own), None)
            if mention is None and len(names) == 1 and not prof.has("place"):
                # "wifi for John Reyes": a name after "for" is a person when no place is asked
                place_asked = bool(self._open("text", "place"))
                before = names[0].before
                usable = before not in _PLACE_CUES or (before == "for" and not place_asked)
                mention = names[0] if usable else None
            if mention is not None:
                why = f"after {mention.before!r}" if mention.before else "a name"
                self._take_name(name, mention, names, why)

    def things(
        self, about: Mapping[str, list[str]], flow_words: frozenset[str]
    ) -> list[tuple[str, Filled]]:
        """The thing the message is about, for the one open text slot that names a thing."""
        open_slots = [
            name
            for name, prof in self._open("text")
            # "how many of each" on a text slot (the dishes ordered) counts nothing
            if not (prof.roles - _text_unlike(name)) & _SPECIFIC_ROLES
            and not expects_free_text(*about[name])
        ]
        found: list[tuple[str, Filled]] = []
        said = self._free_text(about, flow_words)
        if said is not None:
            found.append(said)
        names: list[Mention] = []
        for mention in entities.proper_names(self.text, self.taken):
            if mention.before != "for" and mention.before in _PLACE_CUES:
                self.taken.append(mention)  # "near Victoria Park": a place, no thing
            elif mention.before not in _DETERMINERS:  # "the Alpine down jacket" is a thing
                names.append(_with_leading_code(self.text, mention))
            elif (title := _TITLE_ARTICLE.search(self.text, 1, mention.start)) is not None:
                # "renew The Hobbit": a capitalised article inside a sentence opens a title
                names.append(
                    Mention(self.text[title.start() : mention.end], title.start(), mention.end)
                )
        named = [slot for slot in open_slots if _NAMING & set(words(identifier_words(slot)))]
        if names and len(named) == 1:
            # the name of a thing ("pet_name", "event_name"): a capitalised name (which of two
            # names goes where, "product_name" or "competitor_name", the words cannot tell)
            mention = names[0]
            self._set(named[0], mention.text, f"the name {mention.text!r}", mention)
            found.append((named[0], self.found[named[0]]))
        # a title, model or brand is a name ("Dune", "Ford Focus"), never just any words
        left = [
            slot
            for slot in open_slots
            if slot not in self.found
            and not (_NAMING - {"name"}) & set(words(identifier_words(slot)))
        ]
        if len(left) == 1 and len(left) == len([s for s in open_slots if s not in self.found]):
            # the words that name the flow's other slots label their values ("on flight BA
            # 117", "booking QX7P2L"): they are no thing
            labels = {
                stem(w)
                for other in self.usable
                if other != left[0]
                for w in words(identifier_words(other))
            }
            thing = thing_value(self._untaken_text(), flow_words | labels)
            if any(shows_digits(t) for t in about[left[0]][1:]) and not (
                thing is None or any(c.isdigit() for c in str(thing.value))
            ):
                thing = None  # "my tax docs" is no tax year "e.g. 2024/25"
            if thing is not None:
                found.append((left[0], thing))
        return found

    def _free_text(
        self, about: Mapping[str, list[str]], flow_words: frozenset[str]
    ) -> tuple[str, Filled] | None:
        """A reason or description said in a clause of its own, next to the request: "I'd like
        to cancel my membership, I'm moving away" -> the reason "I'm moving away". The request
        is the clause with the most words of the flow's request phrases; the one clause after it, of
        at least two words of its own and no question, is the text — when there is exactly one,
        and only one open slot takes free text."""
        slots = [
            name
            for name, prof in self._open("text")
            if expects_free_text(*about[name]) and not prof.roles & _SPECIFIC_ROLES
        ]
        if len(slots) != 1:
            return None
        clauses = [
            _CONNECTIVE.sub("", c.strip(" ,.;:!-")) for c in _CLAUSES.split(self._cut_taken())
        ]
        clauses = [c for c in clauses if c]
        # words that are values; those a category was read from still describe the problem
        # a message only tells of, but a clause beside a request that only names the category
        # ("... because the meter was broken") tells nothing more
        described = self._described(
            slots[0],
            clauses,
            {w for m in self.taken if m not in self.meant for w in words(m.text)},
        )
        if described is not None:
            return described
        taken = {w for m in self.taken for w in words(m.text)}
        if len(clauses) < 2:
            return None
        asking = [sum(stem(w) in flow_words for w in words(c)) for c in clauses]
        request = max(range(len(clauses)), key=lambda i: asking[i])
        if asking[request] == 0 or asking.count(asking[request]) > 1:
            return None
        others = [
            c
            for i, c in enumerate(clauses)
            if i > request  # "sorry, cat on the keyboard. I want to report a leak": no details
            and len(_own_words(c) - taken) >= 2
            and not asks_something(c + "?")
            and _REQUESTING.match(c) is None
        ]
        if len(others) != 1:
            return None
        others[0] = self._without_trailing_values(others[0])
        mention = _located(self.text, others[0])
        self._set(slots[0], others[0], f"the clause {others[0]!r} beside the request", mention)
        return slots[0], self.found[slots[0]]

    def _cut_taken(self) -> str:
        """The message with an address or other long value cut out as a clause of its own:
        "to 8 Harbour View, Leith to replace a switch" -> "to , to replace a switch"."""
        text = self.text
        for mention in sorted(self.taken, key=lambda m: -m.start):
            if " " in mention.text and "," in mention.text:
                text = f"{text[: mention.start]}, {text[mention.end :]}"
        return text

    def _described(
        self, slot: str, clauses: list[str], taken: set[str]
    ) -> tuple[str, Filled] | None:
        """A message that only tells what is wrong, for a slot that holds the description of a
        problem: "the electrics keep tripping in the hallway" is the description itself (its
        first clause: "my oven stopped working, it's not urgent" -> "my oven stopped working").
        Not when any clause asks for something ("I want to report a leak") or is a question."""
        if not _DESCRIBES & set(words(" ".join([identifier_words(slot), *self.about[slot]]))):
            return None
        for clause in clauses:
            if (
                _REQUESTING.search(clause) is not None
                or asks_something(clause + "?")
                or any(stem(w) in self.request_words for w in words(clause))
            ):
                return None
        first = self._without_trailing_values(clauses[0]) if clauses else ""
        if len(_own_words(first) - taken) < 2 or (self.text.rstrip().endswith("?")):
            return None
        mention = _located(self.text, first)
        self._set(slot, first, f"the description {first!r}", mention)
        return slot, self.found[slot]

    def _without_trailing_values(self, clause: str) -> str:
        """The clause without the values of other slots that end it, nor their labels and
        prepositions: "broken desk lamp in Lowell House room 3B" -> "broken desk lamp" when the
        building and the room are taken. Unchanged when words of its own follow a value."""
        said = _located(self.text, clause)
        if said is None:
            return clause
        inside = sorted(
            (
                m
                for m in self.taken
                if said.start <= m.start and m.end <= said.end and m.text and m not in self.meant
            ),
            key=lambda m: m.start,
        )
        if not inside:
            return clause
        labels = {w for name in self.usable for w in words(identifier_words(name))}
        rest = list(self.text[inside[0].start : said.end])
        for mention in inside:
            rest[mention.start - inside[0].start : mention.end - inside[0].start] = " " * len(
                mention.text
            )
        if any(w not in STOPWORDS and w not in labels for w in words("".join(rest))):
            return clause  # "a tap in Flat 2 that drips": words of its own after the value
        head = words(self.text[said.start : inside[0].start])
        while head and (head[-1] in STOPWORDS or head[-1] in labels):
            head.pop()
        kept = re.match(  # the words as typed, up to the last one kept
            r"\W*" + r"\W+".join(re.escape(w) for w in head),
            self.text[said.start : inside[0].start],
            re.IGNORECASE,
        )
        if not head or kept is None or len(_own_words(kept.group(0))) < 2:
            return clause
        return kept.group(0).strip()

    def _with_street(self, mention: Mention) -> Mention:
        """ "from Boots on King Street": the place is the shop on that street."""
        return self._extended(mention, _ON_STREET)

    def _with_landmark(self, mention: Mention) -> Mention:
        """ "near Leeds station": the place is the station, named by its town."""
        return self._extended(mention, _LANDMARK)

    def _extended(self, mention: Mention, after: re.Pattern[str]) -> Mention:
        """The mention and what `after` matches right behind it, as one."""
        found = after.match(self.text, mention.end)
        if found is None:
            return mention
        end = found.end()
        return Mention(self.text[mention.start : end], mention.start, end, mention.before)

    def _word_after(self, mention: Mention) -> str:
        following = words(self.text[mention.end : mention.end + 20])
        return stem(following[0]) if following and following[0] not in STOPWORDS else ""

    def _before_to(self, names: list[Mention]) -> Mention | None:
        """ "Vienna to Zurich": the name right before "to <another name>" is where from."""
        for first, second in itertools.pairwise(names):
            between = self.text[first.end : second.start].strip().lower()
            if between == "to" and first.before not in _PLACE_CUES:
                return first
        return None

    def _take_name(self, slot: str, mention: Mention, names: list[Mention], why: str) -> None:
        self._set(slot, mention.text, f"the name {mention.text!r} ({why})", mention)
        names.remove(mention)

    def _is_taken(self, mention: Mention) -> bool:
        return any(mention.overlaps(t) for t in self.taken)


# Clauses: split at punctuation and at "because" / "since" ("..., I'm moving away").
_CLAUSES = re.compile(r"[,.;!?]+\s+|\s+-\s+|[?!.]+$|\s+(?=\b(?:because|since|as I)\b)", re.I)


# Slots that hold the description of a problem.
_DESCRIBES = frozenset(
    {"description", "describe", "issue", "problem", "fault", "wrong", "symptoms"}
)
_CONNECTIVE = re.compile(r"^(?:because|since|as|to)\s+", re.IGNORECASE)
# "I'd like a margherita": a request of its own, no reason or description.
_REQUESTING = re.compile(
    r"(?:i['\u2019]?d|i\s+would|i\s+want|i\s+need|can\s+i|could\s+i|can\s+you|could\s+you|"
    r"please|let\s+me|i['\u2019]?m\s+looking)\b",
    re.IGNORECASE,
)


# A word of two to five capitals ("MSFT", "LHR") and an example given as one ("e.g. AAPL").
_CAPITALS = re.compile(r"\b[A-Z]{2,5}\b")
_CAPITAL_EXAMPLE = re.compile(
    r"(?:\be\.g\.|\bfor example|\bsuch as|\blike|\()\s*['\"]?(?P<word>[A-Z]{2,5})\b(?![-\d])"
)
# Abbreviations of chat, written in capitals and holding no value.
_CHAT_CAPITALS = frozenset(
    {"asap", "fyi", "eta", "faq", "ok", "pls", "plz", "thx", "btw", "imo", "tbh", "lol", "am",
     "pm", "id", "pin", "pdf", "tv", "omg", "np", "aka", "diy", "rsvp"}
)  # fmt: skip


@lru_cache(maxsize=4096)
def _capital_examples(said: tuple[str, ...]) -> frozenset[int]:
    """The lengths of the words in capitals a slot's description or question gives as
    examples ("e.g. AAPL or Tesla", "(like LHR)")."""
    return frozenset(len(m["word"]) for t in said for m in _CAPITAL_EXAMPLE.finditer(t))


def _own_words(clause: str) -> set[str]:
    return {w for w in words(clause) if w not in STOPWORDS and not w.endswith("n't")}


_TITLE_ARTICLE = re.compile(r"\b(?:The|A|An)\s+$")
_LEADING_CODE = re.compile(r"(?:^|\s)(\w*\d\w*)\s+$")


def _with_leading_code(text: str, mention: Mention) -> Mention:
    """The name with the word of digits right before it: "the O2 Arena", "a 2015 Vauxhall
    Corsa"."""
    lead = _LEADING_CODE.search(text[: mention.start])
    if lead is None:
        return mention
    start = lead.start(1)
    return Mention(text[start : mention.end], start, mention.end, _word_before(text, start))


def _word_before(text: str, start: int) -> str:
    match = re.search(r"([A-Za-z']+)[\s,]*$", text[:start])
    return match.group(1).lower() if match else ""


def _text_unlike(slot: str) -> frozenset[str]:
    """Roles that a text slot has only in passing: "how many of each" (the dishes ordered) or
    "the product the customer wants a price match for" count nothing and hold no amount —
    unless the slot's own name says so."""
    own = set(words(identifier_words(slot)))
    return frozenset(r for r in ("count", "money") if not own & _OWN_ROLE_WORDS[r])


_OWN_ROLE_WORDS = {
    "count": frozenset({"count", "number", "many", "quantity"}),
    "money": frozenset({"amount", "price", "cost", "fee", "budget", "value", "money"}),
}


_HYPHENATED = re.compile(r"\b[^\W\d_]+(?:-[^\W\d_]+)+\b")


def _hyphenated_value(
    text: str, values: Sequence[object], buttons: Sequence[tuple[str, object]]
) -> tuple[object, Mention] | None:
    """The one value a hyphenated word names, written with or without its hyphen: "e-bikes"
    for `ebike` (or the button "E-bike"), "an x-ray" for `xray`, "wifi" and "wi-fi"."""

    def compact(said: str) -> str:
        return stem("".join(words(said)))

    names: dict[str, set[str]] = {}
    for value in values:
        names.setdefault(compact(identifier_words(str(value))), set()).add(str(value))
    for title, value in buttons:
        names.setdefault(compact(title), set()).add(str(value))
    for match in _HYPHENATED.finditer(text):
        found = names.get(compact(match.group(0)), set())
        if len(found) == 1:
            value = next(v for v in values if str(v) in found)
            return value, Mention(match.group(0), match.start(), match.end())
    return None


def _located(text: str, phrase: str) -> Mention | None:
    """Where the message says `phrase` (its words, any punctuation or case between them)."""
    said = words(phrase)
    if not said:
        return None
    pattern = r"\W+".join(re.escape(w) for w in said)
    match = re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)
    return None if match is None else Mention(match.group(0), match.start(), match.end())


def _title_case(text: str) -> str:
    """The message with each word capitalised (same length, so positions still hold)."""
    return re.sub(r"[a-z]+", lambda m: m.group(0).capitalize(), text)


def _form(code: str) -> str:
    """A reference's form: "205/55 R16" -> "9/9 A9", "AB12 CDE" -> "A9 A"."""
    return re.sub(r"[A-Za-z]+", "A", re.sub(r"\d+", "9", code))


def _shaped_like(code: str, about: list[str] | None) -> bool:
    """Is the reference shaped like the ones the slot's description or question shows?"""
    key = keys(code)
    if key is None or not about:
        return False
    shapes = shapes_in(about)
    return key[0] in {p for p, _ in shapes} or key[1] in {f for _, f in shapes}


_DIGIT_COUNT = re.compile(
    r"\b(\d{1,2}|four|five|six|seven|eight|nine|ten|eleven|twelve)[- ]digits?\b", re.IGNORECASE
)
_COUNT_WORDS = {"four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "eleven": 11, "twelve": 12}  # fmt: skip


def _digit_count(about: Sequence[str]) -> int | None:
    """How many digits the slot's description or question says its value has ("the 6-digit
    code we sent by SMS"), if it says one number."""
    said = {m.group(1).lower() for t in about for m in _DIGIT_COUNT.finditer(t)}
    counts = {int(c) if c.isdigit() else _COUNT_WORDS[c] for c in said}
    return counts.pop() if len(counts) == 1 else None


def _digits(code: str) -> int:
    return sum(c.isdigit() for c in code)


def _is_amount(text: str, mention: Mention) -> bool:
    """A plain number with a currency or a unit is an amount, not a code ("1500 dollars")."""
    if not mention.text.isdigit():
        return False
    after = text[mention.end : mention.end + 10].strip().lower()
    return after.startswith(("dollar", "euro", "pound", "buck", "k ", "%"))
