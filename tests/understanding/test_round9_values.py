"""Values stated in the message that starts a flow, round 9 of issue 13: kinds of failure any
project shows, each checked on small flows of domains the tune projects do not have (kennel,
ferry, opticians, bakery, plumbing supplier, school admissions, airline)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from calmtui.core.model.domain import Response
from calmtui.core.model.flows import CollectStep
from calmtui.core.model.slots import Slot
from calmtui.understanding.categorical_meaning import spans
from calmtui.understanding.slot_roles import _profile
from calmtui.understanding.stated_flags import stated_flag
from calmtui.understanding.stated_values import stated_values
from calmtui.understanding.text import stem, words
from tests.understanding.conftest import collect_flow, make_slot

Flow = tuple[list[CollectStep], dict[str, Slot], Mapping[str, Response]]


def _stated(text: str, flow: Flow, asking: str = "") -> dict[str, object]:
    """What `stated_values` sets at a start, `asking` being the words of the flow's request."""
    steps, slots, responses = flow
    flow_words = frozenset(stem(w) for w in words(asking))
    found = stated_values(
        text, steps, slots, frozenset(), responses, frozenset(), flow_words=flow_words
    )
    return {name: filled.value for name, filled in found}


# --- a span of words for no one in particular, or of a letter alone, means no value ------------


@pytest.mark.parametrize(
    ("text", "left_out"),
    [
        ("can somebody ring me back", "somebody"),
        ("is anyone there to help", "anyone"),
        ("r u open on sunday", "r"),
        ("did u get my form", "u"),
        ("i need something for the dog", "something"),
    ],
)
def test_no_span_is_only_a_word_for_no_one_or_a_letter(text: str, left_out: str) -> None:
    assert left_out not in spans(text)


_KENNEL = collect_flow(
    (
        make_slot("kennel_size", "categorical", ("small", "large", "shared")),
        "the size of kennel",
        "Which kennel would you like?",
        ("Small kennel", "Large kennel", "Shared run"),
    ),
)
_OPTICIAN = collect_flow(
    (
        make_slot("appointment_kind", "categorical", ("eye_test", "contact_lens_fitting")),
        "what the appointment is for",
        "What is the visit for?",
    ),
    (
        make_slot("with_whom", "categorical", ("any_optometrist", "specific_person")),
        "whether any optometrist will do",
        "Would you like a particular optometrist?",
        ("Anyone is fine", "Someone specific"),
    ),
)


@pytest.mark.parametrize(
    ("text", "flow", "expected"),
    [
        ("can someone look after my dog next week", _KENNEL, {}),
        ("r u able to board my dog", _KENNEL, {}),
        ("a large kennel for my dog please", _KENNEL, {"kennel_size": "large"}),
        ("book me in with somebody on monday", _OPTICIAN, {"appointment_kind": None}),
    ],
)
def test_no_value_is_read_from_a_word_for_no_one_or_a_letter(
    text: str, flow: Flow, expected: dict[str, object]
) -> None:
    got = _stated(text, flow)
    for name, value in expected.items():
        assert got.get(name) == value, got
    if not expected:
        assert got == {}


# --- a yes/no slot whose thing is denied is false -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "slot", "expected"),
    [
        ("we're not bringing a vehicle this time", "travelling_with_vehicle", False),
        ("she hasn't been vaccinated yet, is that ok", "dog_vaccinated", False),
        ("I don't have a referral letter", "doctor_referral", False),
        ("no luggage, just hand baggage", "checked_luggage", False),
        # the thing said without a negation tells too little ("a seat" is no window seat)
        ("I need a seat on the 9am", "window_seat", None),
        ("I have a referral letter", "doctor_referral", None),
    ],
)
def test_a_flag_whose_thing_is_denied_is_false(text: str, slot: str, expected: bool | None) -> None:
    found = stated_flag(text, slot)
    assert (found.value if found else None) is expected


def test_a_denied_thing_tells_even_when_the_flow_is_asked_for_with_it() -> None:
    # the flow's request speaks of taxpayers and donations: a denied "taxpayer" still tells
    asking = frozenset({"donat", "donate", "taxpayer", "gift", "aid"})
    found = stated_flag("donate 20 to the shelter, I'm not a taxpayer", "uk_taxpayer", asking)
    assert found is not None
    assert found.value is False
    assert stated_flag("donate 20, I'm a taxpayer", "uk_taxpayer", asking) is None


# --- a word in capitals written like the example a slot gives -----------------------------------

_EXCHANGE = collect_flow(
    (make_slot("currency"), "the currency to buy, e.g. EUR or USD", "Which currency?"),
    (make_slot("amount", "float"), "how much to change", "How much?"),
)
_FLIGHT = collect_flow(
    (make_slot("from_airport"), "the departure airport code, e.g. LHR", "Flying from?"),
    (make_slot("to_airport"), "the arrival airport (like CDG)", "Flying to?"),
)
_FITTINGS = collect_flow(
    (make_slot("thread_standard"), "the pipe thread standard, such as BSP", "Which thread?"),
    (make_slot("fitting_count", "float"), "how many fittings", "How many?"),
)


@pytest.mark.parametrize(
    ("text", "flow", "expected"),
    [
        ("I'd like to change 300 into JPY before my trip", _EXCHANGE, {"currency": "JPY"}),
        ("a flight LGW to AMS please", _FLIGHT, {"from_airport": "LGW", "to_airport": "AMS"}),
        ("need 12 NPT elbows asap", _FITTINGS, {"thread_standard": "NPT"}),
        # a chat abbreviation, a word the project itself writes, a message all in capitals
        ("change money for me ASAP", _EXCHANGE, {"currency": None}),
        ("order fittings for the pipe, BSP thread", _FITTINGS, {"thread_standard": "BSP"}),
        # written like it: as long as the example ("BA" is no airport code)
        (
            "on BA from LGW to AMS",
            _FLIGHT,
            {"from_airport": "LGW", "to_airport": "AMS"},
        ),
    ],
)
def test_a_word_in_capitals_written_like_the_slots_example(
    text: str, flow: Flow, expected: dict[str, object]
) -> None:
    got = _stated(text, flow)
    for name, value in expected.items():
        assert got.get(name) == value, got


# --- a question asking which place someone is in or at gives the slot a place role ------------


@pytest.mark.parametrize(
    ("slot", "question", "place"),
    [
        ("building", "Which residence hall are you in?", True),
        ("depot", "Which depot are you based at?", True),
        ("house", "Which boarding house is your child in?", True),
        ("kennel_block", "What block is the dog staying in?", True),
        ("shirt_size", "What size are you?", False),
        ("plan", "Which plan are you on?", False),
        ("topic", "What are you interested in?", False),
    ],
)
def test_a_question_for_where_someone_is_asks_for_a_place(
    slot: str, question: str, place: bool
) -> None:
    assert _profile(slot, "", question, "").has("place") is place


# --- a description ends before the values of other slots that close it ------------------------

_BOARDING = collect_flow(
    (make_slot("boarding_house"), "", "Which boarding house is your child in?"),
    (make_slot("room_number"), "", "What is the room number?"),
    (make_slot("fault_description"), "a short description of the fault", "What's wrong?"),
)
_DEPOT = collect_flow(
    (make_slot("depot"), "", "Which depot are you based at?"),
    (make_slot("problem_description"), "what the problem is", "What is the problem?"),
)


@pytest.mark.parametrize(
    ("text", "flow", "expected"),
    [
        (
            "dripping shower in Fairfax House room 12",
            _BOARDING,
            {
                "boarding_house": "Fairfax House",
                "room_number": "12",
                "fault_description": "dripping shower",
            },
        ),
        (
            "the forklift battery won't charge at Hull",
            _DEPOT,
            {"depot": "Hull", "problem_description": "the forklift battery won't charge"},
        ),
        # words of its own after the value: the description is kept whole
        (
            "the heater at Leeds keeps cutting out",
            _DEPOT,
            {"depot": "Leeds", "problem_description": "the heater at Leeds keeps cutting out"},
        ),
    ],
)
def test_a_description_ends_before_the_values_that_close_it(
    text: str, flow: Flow, expected: dict[str, object]
) -> None:
    assert _stated(text, flow) == expected


# --- the words a category is meant by still describe the problem -------------------------------

_PLUMBING_SUPPLIER = collect_flow(
    (
        make_slot("fault_kind", "categorical", ("leak", "no_pressure", "noise")),
        "the kind of fault",
        "What sort of fault is it?",
        ("A leak", "Low or no pressure", "Strange noises"),
    ),
    (make_slot("fault_description"), "a short description of the fault", "Describe the fault"),
)


@pytest.mark.parametrize(
    ("text", "flow", "slot", "description"),
    [
        ("my tap is leaking", _PLUMBING_SUPPLIER, "fault_description", "my tap is leaking"),
        ("the pressure is low", _PLUMBING_SUPPLIER, "fault_description", "the pressure is low"),
        # a value named outright, too
        ("a leak in the loft", _PLUMBING_SUPPLIER, "fault_description", "a leak in the loft"),
    ],
)
def test_words_that_mean_a_category_still_describe_the_problem(
    text: str, flow: Flow, slot: str, description: str
) -> None:
    got = _stated(text, flow)
    assert got.get(slot) == description, got


_BAKERY_REFUND = collect_flow(
    (
        make_slot("refund_reason", "categorical", ("late", "damaged", "wrong_order")),
        "why the customer wants a refund",
        "What went wrong?",
        ("It came late", "It arrived damaged", "It was the wrong order"),
    ),
    (make_slot("refund_details"), "anything else the customer tells about it", "Anything else?"),
)


def test_a_clause_beside_the_request_that_only_names_the_category_is_no_detail() -> None:
    asking = "I want a refund for my cake order"
    assert _stated("I want a refund for my cake, it arrived damaged", _BAKERY_REFUND, asking) == {
        "refund_reason": "damaged"
    }


# --- "a month" after an amount is how often, not one month ---------------------------------------

_KENNEL_PLAN = collect_flow(
    (make_slot("monthly_fee", "float"), "the amount paid each month", "How much a month?"),
    (make_slot("plan_months", "float"), "for how many months", "How many months?"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£40 a month", {"monthly_fee": "40"}),
        ("30 dollars a month for the daycare plan", {"monthly_fee": "30"}),
        ("40 pounds a month", {"monthly_fee": "40"}),
        ("just for a month", {"plan_months": "1"}),
    ],
)
def test_a_month_after_an_amount_is_a_rate(text: str, expected: dict[str, object]) -> None:
    assert _stated(text, _KENNEL_PLAN) == expected


# --- "stop" denies what follows it ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slot", "asking", "expected"),
    [
        ("please stop sending me the newsletter", "newsletter_opt_in", frozenset(), False),
        ("stop the reminder texts for Bella", "reminder_texts", frozenset(), False),
        ("unsubscribe me from offers", "wants_offers", frozenset({"offer"}), False),
        ("send me the newsletter", "newsletter_opt_in", frozenset(), True),
    ],
)
def test_stop_denies_what_the_flag_is_about(
    text: str, slot: str, asking: frozenset[str], expected: bool
) -> None:
    found = stated_flag(text, slot, asking)
    assert found is not None
    assert found.value is expected
