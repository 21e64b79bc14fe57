"""Values stated in the message that starts a flow, round 8 of issue 13: mechanisms about
language or about what every project says (descriptions, questions, examples), each checked on
small flows of domains the tune projects do not have (airline, bakery, plumbing supplier,
school admissions, gym, library, ...)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from calmtui.core.model.domain import Response
from calmtui.core.model.flows import CollectStep
from calmtui.core.model.slots import Slot
from calmtui.understanding.amounts import converted
from calmtui.understanding.categorical_meaning import spans
from calmtui.understanding.entities import dates
from calmtui.understanding.slot_roles import _profile
from calmtui.understanding.stated_values import stated_values
from tests.understanding.conftest import collect_flow, make_slot


def _stated(
    text: str, flow: tuple[list[CollectStep], dict[str, Slot], Mapping[str, Response]]
) -> dict[str, object]:
    steps, slots, responses = flow
    found = stated_values(
        text, steps, slots, frozenset(), responses, frozenset(), flow_words=frozenset()
    )
    return {name: filled.value for name, filled in found}


# --- a month is what a slot holds when it asks which month, or shows a date as its example ------


@pytest.mark.parametrize(
    ("slot", "description", "question", "date"),
    [
        ("statement_period", "the period of the statement", "Which month is it for?", True),
        ("term", "the school term, e.g. September 2026", "When would the child start?", True),
        ("cover", "the cover wanted, e.g. March 2027 or next month", "For which period?", True),
        ("fee", "the membership fee per month", "How much a month?", False),
        ("plan_length", "over how many months to pay", "Over how many months?", False),
        ("bread_count", "loaves a month, e.g. 12", "How many loaves a month?", False),
    ],
)
def test_a_slot_holds_a_month_when_it_asks_which_or_shows_one(
    slot: str, description: str, question: str, date: bool
) -> None:
    assert _profile(slot, description, question, "").has("date") is date


def test_a_month_said_with_a_start_fills_the_period_slot() -> None:
    flow = collect_flow(
        (make_slot("statement_period"), "the period, e.g. May 2025", "Which month's statement?")
    )
    assert _stated("could you email me the statement for last month", flow) == {
        "statement_period": "last month"
    }
    assert _stated("I need my bank statement from March 2024", flow) == {
        "statement_period": "March 2024"
    }


# --- numbers go to the slot whose description fits them, whatever the order said --------------

_ADMISSIONS = collect_flow(
    (make_slot("applicant_id"), "the 8-digit applicant number", "What's your applicant number?"),
    (make_slot("entry_year"), "the year of entry, as a 4-digit year", "Which year of entry?"),
)
_CAR_INSURANCE = collect_flow(
    (make_slot("policy_number"), "the policy number on the schedule", "Your policy number?"),
    (make_slot("car_year"), "the year the car was made", "What year is the car?"),
)


@pytest.mark.parametrize(
    ("text", "flow", "expected"),
    [
        (
            "is there still room for 2027 entry? applicant 40917733",
            _ADMISSIONS,
            {"entry_year": "2027", "applicant_id": "40917733"},
        ),
        (
            "applicant no 40917733, applying for 2026",
            _ADMISSIONS,
            {"applicant_id": "40917733", "entry_year": "2026"},
        ),
        (
            "renew cover for my 2014 hatchback, policy 55820193",
            _CAR_INSURANCE,
            {"car_year": "2014", "policy_number": "55820193"},
        ),
    ],
)
def test_numbers_go_to_the_slot_their_digits_or_year_fit(
    text: str,
    flow: tuple[list[CollectStep], dict[str, Slot], Mapping[str, Response]],
    expected: dict[str, object],
) -> None:
    assert _stated(text, flow) == expected


# --- lengths of time in another unit than the slot counts in ---------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "counts", "expected"),
    [
        (3, "year", {"month", "plan"}, (36, "month")),
        (90, "minute", {"hour", "lesson"}, (1.5, "hour")),
        (2, "week", {"night", "stay"}, (14, "night")),
        (2, "day", {"hour", "hire"}, (48, "hour")),
        (3, "week", {"month"}, None),  # no exact conversion
        (2, "hour", {"hour"}, None),  # the slot's own unit: nothing to convert
        (5, "kilo", {"month"}, None),  # no length of time
    ],
)
def test_a_length_of_time_converts_to_the_slots_unit(
    value: float, unit: str, counts: set[str], expected: tuple[float, str] | None
) -> None:
    assert converted(value, unit, frozenset(counts)) == expected


@pytest.mark.parametrize(
    ("text", "collect", "expected"),
    [
        (
            "can I spread the cost of the bathroom suite over 2 years",
            (make_slot("instalment_months", "float"), "how many months", "Over how many months?"),
            {"instalment_months": "24"},
        ),
        (
            "book a driving lesson for an hour and a half",
            (make_slot("lesson_minutes", "float"), "lesson length in minutes", "How long?"),
            {"lesson_minutes": "90"},
        ),
        (
            "I'd like to keep the book another week",
            (make_slot("extra_days", "float"), "how many more days", "How many more days?"),
            {"extra_days": "7"},
        ),
        (
            "hire a kayak for half an hour",
            (make_slot("hire_hours", "float"), "how many hours", "For how many hours?"),
            {"hire_hours": "0.5"},
        ),
    ],
)
def test_a_length_of_time_said_with_a_start(
    text: str, collect: tuple[Slot, str, str], expected: dict[str, object]
) -> None:
    assert _stated(text, collect_flow(collect)) == expected


# --- "when" asks for a time only when no other question word asks ----------------------------


@pytest.mark.parametrize(
    ("slot", "description", "question", "date"),
    [
        ("fault", "what the oven does when it is switched on", "What happens then?", False),
        ("symptom", "the noise", "How does the bike sound when you brake?", False),
        ("error_shown", "what the till shows when a card is tapped", "What do you see?", False),
        ("delivery", "when the bakery should deliver the cake", "When should we deliver?", True),
        ("visit", "the day of the school visit", "What happens when you arrive?", True),
    ],
)
def test_when_after_another_question_word_asks_for_no_date(
    slot: str, description: str, question: str, date: bool
) -> None:
    assert _profile(slot, description, question, "").has("date") is date


# --- hyphenated words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "titles", "expected"),
    [
        ("any e-scooters free near the pier?", ("scooter", "escooter"), (), "escooter"),
        ("my cat needs an x-ray", ("xray", "scan", "bloods"), (), "xray"),
        ("print 20 t-shirts for the team", ("tshirt", "hoodie"), ("T-shirt", "Hoodie"), "tshirt"),
        ("a room with wi-fi", ("wifi", "parking"), ("Wifi", "Parking"), "wifi"),
    ],
)
def test_a_hyphenated_word_names_the_value_written_without_it(
    text: str, values: tuple[str, ...], titles: tuple[str, ...], expected: str
) -> None:
    slot = make_slot("kind", "categorical", values)
    flow = collect_flow((slot, "which kind", "Which one?", titles))
    assert _stated(text, flow) == {"kind": expected}


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("any e-scooters for hire", "scooters"),
        ("book an x-ray for my dog", "ray"),
        ("a gluten-free loaf", "free"),
    ],
)
def test_no_span_starts_or_ends_inside_a_hyphenated_word(text: str, cut: str) -> None:
    found = spans(text)
    assert found
    before = text.split("-")[0].split()[-1]  # "e" of "e-scooters"
    assert all(span.split()[0] != cut for span in found)
    assert all(span.split()[-1] != before for span in found)


# --- a yes/no slot settled by a two-word term of its description or question ------------------


@pytest.mark.parametrize(
    ("text", "slot", "description", "question", "expected"),
    [
        (
            "book a flight to Oslo, no checked luggage",
            "bags",
            "whether the passenger travels with checked luggage",
            "Any bags to check in?",
            {"bags": False},
        ),
        (
            "enrol my daughter for September, she'll take the school bus",
            "transport",
            "whether the pupil will use the school bus",
            "Will your child need transport?",
            {"transport": True},
        ),
        (
            "order a sourdough loaf, it's not my first order",
            "is_new",
            "whether this is the customer's first order",
            "Is this your first order with us?",
            {"is_new": False},
        ),
        (
            "is this your first order?",  # a question states nothing
            "is_new",
            "whether this is the customer's first order",
            "Is this your first order with us?",
            {},
        ),
        (
            "order a sourdough loaf for Saturday",  # no term said
            "is_new",
            "whether this is the customer's first order",
            "Is this your first order with us?",
            {},
        ),
    ],
)
def test_a_flag_is_settled_by_a_term_of_its_description(
    text: str, slot: str, description: str, question: str, expected: dict[str, object]
) -> None:
    steps, slots, responses = collect_flow((make_slot(slot, "bool"), description, question))
    found = stated_values(
        text, steps, slots, frozenset(), responses, frozenset(), flow_words=frozenset({"book"})
    )
    assert {name: filled.value for name, filled in found} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can I get the September timetable?", ["September"]),
        ("the school trip for October", ["October"]),
        ("gym fees since January went up", ["January"]),
        ("the may pole", []),  # lower case: no month
        ("I may need it", []),
    ],
)
def test_a_capitalised_month_alone_after_the_or_a_preposition_is_a_date(
    text: str, expected: list[str]
) -> None:
    assert [m.text for m in dates(text)] == expected
