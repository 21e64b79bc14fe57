"""Values stated in the message that starts a flow, round 7 of issue 13: mechanisms about
language or about what every project says (slot names, descriptions, questions, examples), each
checked on small flows of domains the tune projects do not have (plant nursery, bike hire, vet,
car club, choir, ...)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from calmtui.core.model.domain import Response
from calmtui.core.model.flows import CollectStep
from calmtui.core.model.slots import Slot
from calmtui.understanding.entities import codes, dates, lowercase_names, times
from calmtui.understanding.slot_filling import named_values
from calmtui.understanding.slot_roles import _profile
from calmtui.understanding.stated_values import stated_values
from calmtui.understanding.thing_values import example_names, shows_digits
from tests.understanding.conftest import collect_flow, make_slot, needs_model


def _stated(
    text: str,
    flow: tuple[list[CollectStep], dict[str, Slot], Mapping[str, Response]],
    flow_words: frozenset[str] | None = frozenset(),
    identity: frozenset[str] = frozenset(),
) -> dict[str, object]:
    steps, slots, responses = flow
    found = stated_values(
        text, steps, slots, identity, responses, frozenset(), flow_words=flow_words
    )
    return {name: filled.value for name, filled in found}


# --- roles read from the slot's description --------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "description", "question", "person"),
    [
        # "name" of a thing in the description makes no person
        ("supplier", "the company name of the supplier, e.g. Acme", "Which supplier?", False),
        ("venue", "name of the concert hall", "Where is it?", False),
        # whose name it is not said, or a person's: still a person
        ("guest", "the name the table is booked under", "What name?", True),
        ("contact", "the contact's name", "Who should we call?", True),
        # a trade is a person: "<trade>_name"
        ("trainer_name", "trainer the member asks for, or anyone", "Any trainer?", True),
        ("instructor_name", "", "Which instructor?", True),
    ],
)
def test_whose_name_a_slot_holds(slot: str, description: str, question: str, person: bool) -> None:
    assert _profile(slot, description, question, "").has("person") is person


@pytest.mark.parametrize(
    ("slot", "description", "date"),
    [
        ("invoice_month", "the month of the invoice", True),
        ("monthly_fee", "the fee per month, in pounds", False),
        ("billing_day", "the day of the month the fee is taken", True),
    ],
)
def test_a_month_is_a_date_when_the_slot_is_named_after_it(
    slot: str, description: str, date: bool
) -> None:
    assert _profile(slot, description, "", "").has("date") is date


# --- entities ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my mobile is 07700 900123", ["07700 900123"]),  # not "is 07700" and "900123"
        ("it is bw 7654321", ["bw 7654321"]),
        ("the pin is 4821", ["4821"]),
    ],
)
def test_a_number_after_is_is_read_whole(text: str, expected: list[str]) -> None:
    assert [m.text for m in codes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the invoice for March 2025 please", ["March 2025"]),
        ("from Sept 2024", ["Sept 2024"]),
        ("I may 2000 times", []),  # a verb, no month
    ],
)
def test_a_month_and_a_year_are_a_date(text: str, expected: list[str]) -> None:
    assert [m.text for m in dates(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a table at noon", ["noon"]),
        ("tickets for The Midnight Express", []),  # a word of a title, no time
    ],
)
def test_a_capitalised_time_word_inside_a_name_is_no_time(text: str, expected: list[str]) -> None:
    assert [m.text for m in times(text)] == expected


@needs_model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i'd like to donate to joe", ["joe"]),  # "like to <verb>" names nobody
        ("i want to volunteer", []),
        ("a lesson with jonas", ["jonas"]),
    ],
)
def test_lower_case_names_after_to_and_with(text: str, expected: list[str]) -> None:
    assert [m.text for m in lowercase_names(text)] == expected


@pytest.mark.parametrize(
    ("values", "text", "expected"),
    [
        (("rapid", "ultra_rapid"), "an ultra rapid one", ["ultra_rapid"]),
        (("self", "self_employed", "employed"), "I'm self employed", ["self_employed"]),
        (("small", "large"), "small or large", ["small", "large"]),
    ],
)
def test_a_longer_named_value_wins_over_the_value_inside_it(
    values: tuple[str, ...], text: str, expected: list[str]
) -> None:
    assert named_values(values, text) == expected


def test_examples_a_description_lists() -> None:
    assert example_names("the tutor the learner asks for (Mia, Jonas or Priya)") == [
        "Mia",
        "Jonas",
        "Priya",
    ]
    assert example_names("Which title would you like to renew? The one due first?") == []
    assert shows_digits("the tax year, e.g. 2024/25")
    assert not shows_digits("the plant, e.g. a fern")


# --- values with a start -----------------------------------------------------------------------

NURSERY = collect_flow(
    (make_slot("plant"), "the plant or variety, e.g. Monstera or Fern", "Which plant?"),
    (make_slot("pot_count", "float"), "number of pots", "How many pots?"),
    (make_slot("pot_price", "float"), "price per pot you are willing to pay", "Up to what price?"),
)
NURSERY_WORDS = frozenset({"order", "buy", "plant"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the unit names two slots ("price per pot"): the one named after it counts
        ("order 5 pots of Monstera", {"pot_count": "5", "plant": "Monstera"}),
        # a bare number with a count and a price to ask counts; "at 12" is the price
        ("buy 3 at 12", {"pot_count": "3", "pot_price": "12"}),
        # the listed example, typed in lower case ("company name ... e.g. Monstera")
        ("buy fern", {"plant": "fern"}),
    ],
)
def test_counts_and_things_of_an_order(text: str, expected: dict[str, object]) -> None:
    assert _stated(text, NURSERY, NURSERY_WORDS) == expected


CAR_CLUB = collect_flow(
    (make_slot("top_up_amount", "float"), "how much to top up, in pounds", "How much?"),
    (make_slot("sms_code"), "the 6-digit code we just sent by text", "What's the code?"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "the 6-digit code": 2000 is no such code; the flow's money slot takes it
        ("top up 2000", {"top_up_amount": "2000"}),
        ("top up 50, code 482913", {"top_up_amount": "50", "sms_code": "482913"}),
    ],
)
def test_a_code_of_a_stated_length(text: str, expected: dict[str, object]) -> None:
    assert _stated(text, CAR_CLUB) == expected


def test_a_labelled_code_of_the_wrong_length_is_still_the_code() -> None:
    flow = collect_flow((make_slot("permit_number"), "the 7-digit permit number", "Permit number?"))
    assert _stated("renew permit 12345", flow) == {"permit_number": "12345"}


BIKE_HIRE = collect_flow(
    (
        make_slot("pickup_location"),
        "a town, street, postcode or landmark to pick the bike up near",
        "Where should we look?",
    ),
    (make_slot("hire_hours", "float"), "how long to hire for, in hours", "How many hours?"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a location slot whose description also allows a street still takes a town
        ("hire a bike in Cambridge", {"pickup_location": "Cambridge"}),
        ("a bike near York station", {"pickup_location": "York station"}),
        ("a bike at 4 Mill Lane", {"pickup_location": "4 Mill Lane"}),
        # a number of the flow's description counts with the slot's unit
        ("a bike for 1 hour near Ely", {"hire_hours": "1", "pickup_location": "Ely"}),
    ],
)
def test_places_and_hours_of_a_hire(text: str, expected: dict[str, object]) -> None:
    assert _stated(text, BIKE_HIRE, identity=frozenset({"1"})) == expected


REPAIR = collect_flow(
    (make_slot("repair_address"), "the street address", "Where?"),
    (make_slot("fault_details"), "a short description of the fault", "What's wrong?"),
)


def test_a_clause_beside_an_address_is_the_description() -> None:
    said = _stated(
        "please send someone to 12 Orchard View, Hove to fix a jammed window",
        REPAIR,
        frozenset({"send", "someone", "repair"}),
    )
    assert said == {
        "repair_address": "12 Orchard View, Hove",
        "fault_details": "fix a jammed window",
    }


CHOIR = collect_flow(
    (make_slot("section_leader"), "the leader the singer asks for (Ada or Basil)", "Which leader?"),
    (make_slot("season"), "the season, e.g. 2025/26", "Which season?"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("join with basil", {"section_leader": "basil"}),
        # filler words name no thing
        ("ok well I want to join", {}),
    ],
)
def test_listed_names_and_no_things(text: str, expected: dict[str, object]) -> None:
    assert _stated(text, CHOIR, frozenset({"join", "choir"})) == expected


def test_a_slot_shown_with_digits_takes_no_word_as_its_thing() -> None:
    season = collect_flow((make_slot("season"), "the season, e.g. 2025/26", "Which season?"))
    assert _stated("I need my docs", season, frozenset({"need"})) == {}
    assert _stated("I need my 2025/26 docs", season, frozenset({"need"})) != {}


VET = collect_flow(
    (
        make_slot("from_clinic"),
        "the clinic the records move from",
        "Which clinic are you moving from?",
    ),
    (make_slot("kennel_number"), "the kennel the pet stays in", "Which kennel?"),
    (make_slot("discharge_date"), "the date the pet goes home", "When?"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a place named with its street is one place
        (
            "move the records from Pawsome on Hill Road",
            {"from_clinic": "Pawsome on Hill Road"},
        ),
        # a short code after the slot's own word
        ("my dog is in kennel 4B", {"kennel_number": "4B"}),
        # "the 30th of June" is said "30th of June"
        ("she goes home on the 30th of June", {"discharge_date": "30th of June"}),
        ("she goes home on the 1st of next month", {"discharge_date": "the 1st of next month"}),
    ],
)
def test_places_with_streets_labelled_codes_and_dates(
    text: str, expected: dict[str, object]
) -> None:
    assert _stated(text, VET, frozenset({"move", "record", "pet"})) == expected


def test_the_race_named_by_its_distance_is_no_number() -> None:
    from calmtui.understanding.amounts import find_numbers

    assert [n.value for n in find_numbers("2 places for the 10k please")] == [2]
    assert [n.value for n in find_numbers("send 10k")] == [10_000]


def test_the_label_of_a_code_is_part_of_it() -> None:
    steps, slots, responses = collect_flow(
        (make_slot("parcel_number"), "the parcel's tracking number", "Which parcel?"),
    )
    found = stated_values(
        "parcel 4471093 never came", steps, slots, frozenset(), responses, frozenset()
    )
    assert [f.how for _, f in found] == ["the code '4471093'"]
    from calmtui.understanding.stated_values import _Reader

    reader = _Reader(
        "parcel 4471093 never came",
        {"parcel_number": (slots["parcel_number"], _profile("parcel_number", "", "", ""))},
        frozenset(),
        responses,
        frozenset(),
    )
    reader.read()
    assert [m.text for m in reader.taken] == ["parcel 4471093"]


def test_money_said_in_a_word() -> None:
    from calmtui.understanding.amounts import find_numbers

    assert [n.value for n in find_numbers("a tenner")] == [10]
    assert [n.value for n in find_numbers("just a fiver please")] == [5]
    donation = collect_flow(
        (make_slot("gift_amount", "float"), "how much to give, in pounds", "How much?")
    )
    assert _stated("give a tenner", donation) == {"gift_amount": "10"}


def test_a_label_of_a_code_names_no_value() -> None:
    flow = collect_flow(
        (make_slot("gym_card_number"), "the number on the gym card", "Your gym card number?"),
        (make_slot("pay_with", "categorical", ("card", "cash")), "how to pay", "Card or cash?"),
    )
    steps, slots, responses = flow
    found = stated_values(
        "card is 77001234",
        steps,
        slots,
        frozenset(),
        responses,
        frozenset(),
        asked="gym_card_number",
    )
    assert {n: f.value for n, f in found} == {"gym_card_number": "77001234"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the one for Fourth Wing", "Fourth Wing"),
        ("one called Dune please", "Dune"),
        ("the one", "the one"),
    ],
)
def test_the_one_for_a_title(text: str, expected: str) -> None:
    from calmtui.understanding.slot_filling import clean_text_value

    assert clean_text_value(text) == expected


MEMBERSHIP_DOMAIN = """\
slots:
  is_student: {type: bool}
  member_full_name: {type: text}
responses:
  utter_ask_is_student:
    - text: Are you a student?
  utter_ask_member_full_name:
    - text: What's your full name?
  utter_done:
    - text: Done.
"""
MEMBERSHIP_FLOWS = """\
flows:
  join_club:
    description: Join the rowing club as a new member.
    steps:
      - collect: is_student
        description: whether the new member is a student
      - collect: member_full_name
        description: the new member's full name
      - action: utter_done
"""


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("message", "named"),
    [
        ("yes I study full time", False),  # the yes said again, no name
        ("yes, Ada Lovelace", True),
    ],
)
async def test_a_yes_said_again_in_a_sentence_names_nobody(
    tmp_path: Path, message: str, named: bool
) -> None:
    from calmtui.core.commands import SetSlot
    from calmtui.understanding.offline import OfflineGenerator
    from tests.understanding.conftest import converse, load

    (tmp_path / "domain.yml").write_text(MEMBERSHIP_DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(MEMBERSHIP_FLOWS)
    project = load(tmp_path)
    turns = await converse(project, OfflineGenerator(), ["I want to join the club", message])
    last = turns[-1].understanding
    assert last is not None
    assert SetSlot(name="is_student", value=True) in last.commands, last.notes
    names = [c for c in last.commands if getattr(c, "name", "") == "member_full_name"]
    assert bool(names) is named, last.notes
