"""Answers mid-flow, round 9 of issue 13: kinds of replies read as an LLM reads them on any
project — a time that places itself in the day at a morning/afternoon/evening choice, a yes or no
said back with a subject and the question's own auxiliary ("they're not", "he does"), "I think
so", "one" standing for a thing rather than counting it ("the big one"), and the words that lead
into a corrected text ("his name is Max not Rex"). The projects here are in domains of no tune
project (dog kennels, a ferry, a bakery, an optician)."""

from __future__ import annotations

import pytest

from calmtui.core.commands import SetSlot
from calmtui.core.model.project import Project
from calmtui.understanding.corrections import without_pronoun_one
from calmtui.understanding.slot_filling import part_of_day
from tests.understanding.conftest import last_commands, write_project

pytestmark = pytest.mark.anyio

DOMAIN = """\
slots:
  dog_name: {type: text}
  owner_email: {type: text}
  owner_name: {type: text}
  date_of_birth: {type: text}
  stay_nights: {type: float}
  arrival_date: {type: text}
  drop_off_time: {type: categorical, values: [morning, afternoon, evening]}
  room_type: {type: categorical, values: [standard, deluxe, suite]}
  needs_medication: {type: bool}
  confirm_booking: {type: bool}
  passengers: {type: float}
  vehicle_length: {type: float}
  sailing_date: {type: text}
  has_vehicle: {type: bool}
  ticket_class: {type: categorical, values: [economy, club, premium]}
  confirm_ferry: {type: bool}
  cake_order: {type: text}
  pickup_day: {type: text}
  is_still_open: {type: bool}
  glasses_broken: {type: bool}
  frame_ref: {type: text}
  lens_type: {type: categorical, values: [single_vision, varifocal, reading]}
responses:
  utter_ask_dog_name:
    - text: What's your dog's name?
  utter_ask_owner_name:
    - text: What's your full name?
  utter_ask_date_of_birth:
    - text: And your date of birth?
  utter_ask_owner_email:
    - text: What email should we send the confirmation to?
  utter_ask_stay_nights:
    - text: How many nights will {dog_name} stay?
  utter_ask_arrival_date:
    - text: What day will you drop {dog_name} off?
  utter_ask_drop_off_time:
    - text: Morning, afternoon or evening drop-off?
  utter_ask_room_type:
    - text: Which kennel would you like - standard, deluxe or suite?
  utter_ask_needs_medication:
    - text: Does {dog_name} need any medication during the stay?
  utter_ask_confirm_booking:
    - text: Shall I book {stay_nights} nights for {dog_name} in a {room_type} kennel?
  utter_ask_passengers:
    - text: How many passengers are travelling?
  utter_ask_vehicle_length:
    - text: How long is your vehicle, in metres?
  utter_ask_sailing_date:
    - text: Which date would you like to sail?
  utter_ask_has_vehicle:
    - text: Are you bringing a vehicle?
  utter_ask_ticket_class:
    - text: Economy, club or premium?
  utter_ask_confirm_ferry:
    - text: Book {passengers} passengers on {sailing_date}?
  utter_ask_cake_order:
    - text: What would you like to order?
  utter_ask_pickup_day:
    - text: Which day will you collect it?
  utter_ask_is_still_open:
    - text: Is the shop still open when you arrive?
  utter_ask_glasses_broken:
    - text: Are the frames broken?
  utter_ask_frame_ref:
    - text: What's the frame reference on the arm?
  utter_ask_lens_type:
    - text: Which lenses - single vision, varifocal or reading?
  utter_done:
    - text: Done.
"""
FLOWS = """\
flows:
  book_kennel:
    description: Book a stay for a dog at the kennels.
    steps:
      - collect: owner_name
        description: the owner's full name
      - collect: date_of_birth
        description: the owner's date of birth
      - collect: dog_name
        description: the dog's name
      - collect: owner_email
        description: the owner's email address
      - collect: arrival_date
        description: the day the dog is dropped off
      - collect: drop_off_time
        description: the part of the day for drop-off
      - collect: stay_nights
        description: how many nights the dog stays
      - collect: room_type
        description: the kind of kennel
      - collect: needs_medication
        description: whether the dog needs medication
      - collect: confirm_booking
        description: whether to book
      - action: utter_done
  book_ferry:
    description: Book a ferry crossing.
    steps:
      - collect: sailing_date
        description: the date of the crossing
      - collect: passengers
        description: how many people travel
      - collect: has_vehicle
        description: whether a vehicle comes along
      - collect: vehicle_length
        description: the vehicle length in metres
      - collect: ticket_class
        description: the ticket class
      - collect: confirm_ferry
        description: whether to book the crossing
      - action: utter_done
  order_cake:
    description: Order a celebration cake from the bakery.
    steps:
      - collect: cake_order
        description: what the customer wants to order
      - collect: pickup_day
        description: the day of collection
      - collect: is_still_open
        description: whether the shop is open
      - action: utter_done
  repair_glasses:
    description: Get glasses repaired at the opticians.
    steps:
      - collect: glasses_broken
        description: whether the frames are broken
      - collect: frame_ref
        description: the frame reference number
      - collect: lens_type
        description: the lens type
      - action: utter_done
  opening_hours:
    description: Tell the customer the opening hours.
    steps:
      - action: utter_done
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return write_project(tmp_path_factory.mktemp("round9_answers"), DOMAIN, FLOWS)


def _set(name: str, value: object) -> SetSlot:
    return SetSlot(name=name, value=value)


_KENNEL = [
    "book a kennel stay for my dog", "Priya Shah", "4 May 1990", "Rex", "priya@example.com",
    "next Friday",
]  # fmt: skip
_KENNEL_TO_MEDICATION = [*_KENNEL, "morning", "5", "deluxe"]
_FERRY = ["book a ferry crossing", "the 14th of June", "three"]
_CAKE = ["order a celebration cake", "chocolate sponge", "saturday"]
_GLASSES = ["my glasses need repairing"]


# -- a time placed in the day chooses a part of the day ------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("after lunch", "afternoon"),
        ("first thing please", "morning"),
        ("around 3pm", "afternoon"),
        ("after work, about 6", "evening"),
        ("before lunch if possible", "morning"),
        ("at 10am", "morning"),
        ("19:30 would be ideal", "evening"),
        ("2:30", "afternoon"),  # no am/pm: the afternoon, as people mean it
        ("late morning", "morning"),
        ("10am or 2pm", None),  # two parts: not clear
        ("whenever suits", None),
    ],
)
def test_a_time_names_a_part_of_the_day(text: str, value: str | None) -> None:
    filled = part_of_day(text, ["morning", "afternoon", "evening"])
    assert (filled.value if filled is not None else None) == value


@pytest.mark.parametrize(
    ("values", "text", "value"),
    [
        (["early_morning", "late_afternoon"], "about 4pm", "late_afternoon"),  # the value's words
        (["am_slot", "pm_slot"], "after lunch", None),  # no value names a part of the day
        (["morning", "evening"], "tonight", "evening"),
        (["morning", "afternoon", "evening"], "at 11pm", "evening"),  # night: the evening value
        (["standard", "deluxe"], "after lunch", None),
    ],
)
def test_a_part_of_the_day_only_where_the_values_name_one(
    values: list[str], text: str, value: str | None
) -> None:
    filled = part_of_day(text, values)
    assert (filled.value if filled is not None else None) == value


@pytest.mark.parametrize(
    ("reply", "value"),
    [("after lunch", "afternoon"), ("first thing", "morning"), ("around 6pm", "evening")],
)
async def test_a_time_answers_a_part_of_the_day_question(
    project: Project, reply: str, value: str
) -> None:
    assert _set("drop_off_time", value) in await last_commands(project, [*_KENNEL, reply])


# -- a yes or no said back with a subject and the question's auxiliary --------------------------


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([*_KENNEL_TO_MEDICATION, "he does, tablets twice a day"], _set("needs_medication", True)),
        ([*_KENNEL_TO_MEDICATION, "he doesn't"], _set("needs_medication", False)),
        ([*_KENNEL_TO_MEDICATION, "oh she does need some"], _set("needs_medication", True)),
        ([*_FERRY, "we're not"], _set("has_vehicle", False)),
        ([*_CAKE, "it isn't, I'll be late"], _set("is_still_open", False)),
        ([*_CAKE, "I think so"], _set("is_still_open", True)),
        ([*_CAKE, "I hope not"], _set("is_still_open", False)),
        ([*_GLASSES, "they are"], _set("glasses_broken", True)),
        ([*_GLASSES, "they're not, just loose"], _set("glasses_broken", False)),
        ([*_GLASSES, "they are broken at the hinge"], _set("glasses_broken", True)),
    ],
)
async def test_a_yes_or_no_said_back_with_a_subject(
    project: Project, messages: list[str], expected: SetSlot
) -> None:
    assert expected in await last_commands(project, messages)


@pytest.mark.parametrize(
    "reply",
    [
        "they are in my bag",  # says something else than the question
        "it is a long way from here",
        "they do sell them in town",  # another auxiliary than the question's
    ],
)
async def test_a_subject_and_an_auxiliary_that_answer_nothing(project: Project, reply: str) -> None:
    commands = await last_commands(project, [*_GLASSES, reply])
    assert _set("glasses_broken", True) not in commands
    assert _set("glasses_broken", False) not in commands


# -- "one" standing for a thing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("the big one", "the big thing"),
        ("that one please", "that thing please"),
        ("a cheaper one", "a cheaper thing"),
        ("which one is quieter?", "which thing is quieter?"),
        ("just the one", "just the one"),  # a count
        ("one night", "one night"),
        ("a single one", "a single one"),
    ],
)
def test_one_standing_for_a_thing(text: str, read_as: str) -> None:
    assert without_pronoun_one(text) == read_as


async def test_the_big_one_corrects_no_number(project: Project) -> None:
    commands = await last_commands(project, [*_KENNEL, "morning", "5", "the big one"])
    assert _set("stay_nights", "1") not in commands


async def test_the_cheapest_one_is_no_length(project: Project) -> None:
    commands = await last_commands(project, [*_FERRY, "yes", "the cheapest one"])
    assert _set("vehicle_length", "1") not in commands


async def test_just_the_one_still_counts(project: Project) -> None:
    assert _set("passengers", "1") in await last_commands(project, [*_FERRY[:2], "just the one"])


# -- the words that lead into a corrected text -------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([*_KENNEL_TO_MEDICATION, "oh wait his name is Max not Rex"], _set("dog_name", "Max")),
        ([*_FERRY, "no", "economy", "yes but it's the 15th not the 14th"],
         _set("sailing_date", "15th")),
        ([*_KENNEL_TO_MEDICATION, "sorry, her name's Bella, not Rex"], _set("dog_name", "Bella")),
    ],
)  # fmt: skip
async def test_a_corrected_text_without_its_lead_in(
    project: Project, messages: list[str], expected: SetSlot
) -> None:
    assert expected in await last_commands(project, messages)


# -- hedged and said-back yes/no --------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "value"),
    [("pretty sure it is", True), ("probably not", False), ("probably", True)],
)
async def test_a_hedged_yes_or_no(project: Project, reply: str, value: bool) -> None:
    assert _set("is_still_open", value) in await last_commands(project, [*_CAKE, reply])


# -- a question that offers a day for the day asked -------------------------------------------


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([*_CAKE[:2], "can I pick it up on Sunday?"], _set("pickup_day", "Sunday")),
        ([*_CAKE[:2], "is Thursday ok?"], _set("pickup_day", "Thursday")),
        ([*_CAKE[:2], "would next Monday work?"], _set("pickup_day", "next Monday")),
        (["book a ferry crossing", "could we go on the 3rd of July?"],
         _set("sailing_date", "3rd of July")),
    ],
)  # fmt: skip
async def test_a_question_that_offers_the_day_asked(
    project: Project, messages: list[str], expected: SetSlot
) -> None:
    assert expected in await last_commands(project, messages)


async def test_a_question_without_a_day_is_no_answer(project: Project) -> None:
    commands = await last_commands(project, [*_CAKE[:2], "can I pay by card?"])
    assert not any(isinstance(c, SetSlot) and c.name == "pickup_day" for c in commands)


# -- an answer and a correction of another slot in one message, split at a comma ----------------


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([*_KENNEL, "morning", "5", "deluxe, and actually it's Saturday not Friday"],
         {_set("room_type", "deluxe"), _set("arrival_date", "next Saturday")}),
        ([*_KENNEL, "evening, sorry I meant Saturday not Friday"],
         {_set("drop_off_time", "evening"), _set("arrival_date", "next Saturday")}),
        ([*_KENNEL, "morning", "5", "suite please, oh and sorry I meant 6 nights"],
         {_set("room_type", "suite"), _set("stay_nights", "6")}),
    ],
)  # fmt: skip
async def test_an_answer_and_a_correction_split_at_a_comma(
    project: Project, messages: list[str], expected: set[SetSlot]
) -> None:
    assert expected <= await last_commands(project, messages)


# -- a name after "called", a date said in words ------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "name"),
    [
        ("my dog is called Rex", "Rex"),
        ("he's called Rex, he's a beagle", "Rex"),
        ("we call him Biscuit", "Biscuit"),
        ("she goes by Lady Penelope and she's very shy", "Lady Penelope"),
    ],
)
async def test_a_name_after_called(project: Project, reply: str, name: str) -> None:
    commands = await last_commands(project, [*_KENNEL[:3], reply])
    assert _set("dog_name", name) in commands


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([*_KENNEL[:2], "the fourth of May nineteen ninety"],
         _set("date_of_birth", "the fourth of May nineteen ninety")),
        ([*_KENNEL[:2], "it's the twenty-first of March, 1988"],
         _set("date_of_birth", "the twenty-first of March, 1988")),
        (["book a ferry crossing", "the second of august if possible"],
         _set("sailing_date", "the second of august")),
    ],
)  # fmt: skip
async def test_a_date_said_in_words(
    project: Project, messages: list[str], expected: SetSlot
) -> None:
    assert expected in await last_commands(project, messages)


# -- a value named only to rule it out; a party said as groups of people ------------------------


@pytest.mark.parametrize(
    ("messages", "expected", "not_expected"),
    [
        ([*_KENNEL, "evening, not morning"], _set("drop_off_time", "evening"),
         _set("drop_off_time", "morning")),
        ([*_KENNEL, "not the morning"], None, _set("drop_off_time", "morning")),
        ([*_FERRY, "yes", "5", "not premium, too pricey"], None, _set("ticket_class", "premium")),
    ],
)  # fmt: skip
async def test_a_value_ruled_out_is_not_chosen(
    project: Project, messages: list[str], expected: SetSlot | None, not_expected: SetSlot
) -> None:
    commands = await last_commands(project, messages)
    assert not_expected not in commands
    assert expected is None or expected in commands


@pytest.mark.parametrize(
    ("reply", "count"),
    [
        ("two adults, two children and a baby", "5"),
        ("me and 3 kids", "4"),
        ("2 adults and 1 child", "3"),
        ("me plus two kids", "3"),
        ("4 adults", "4"),  # one group: the number as it is
    ],
)
async def test_a_party_said_as_groups_of_people(project: Project, reply: str, count: str) -> None:
    assert _set("passengers", count) in await last_commands(project, [*_FERRY[:2], reply])


# -- a position among the values the question names in its text -------------------------------


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ([*_KENNEL, "morning", "5", "the second one"], _set("room_type", "deluxe")),
        ([*_KENNEL, "morning", "5", "the last one please"], _set("room_type", "suite")),
        ([*_KENNEL, "morning", "5", "first one"], _set("room_type", "standard")),
        ([*_GLASSES, "yes", "FR-2281", "the middle one"], _set("lens_type", "varifocal")),
        ([*_KENNEL, "the first option"], _set("drop_off_time", "morning")),
    ],
)
async def test_a_position_among_the_values_the_question_names(
    project: Project, messages: list[str], expected: SetSlot
) -> None:
    said = {
        (c.name, c.value) for c in await last_commands(project, messages) if isinstance(c, SetSlot)
    }
    assert (expected.name, expected.value) in said  # set as a click on the option would
    assert ("stay_nights", "1") not in said  # "first one" counts nothing


async def test_a_bare_number_is_no_position_in_a_named_list(project: Project) -> None:
    commands = await last_commands(project, [*_KENNEL, "morning", "5", "2"])
    said = {(c.name, c.value) for c in commands if isinstance(c, SetSlot)}
    assert ("room_type", "deluxe") not in said  # "2" may count something


@pytest.mark.parametrize(
    ("reply", "count"),
    [("a dozen", "12"), ("half a dozen of us", "6"), ("just a couple of us", "2")],
)
async def test_a_count_said_without_a_number_word(project: Project, reply: str, count: str) -> None:
    assert _set("passengers", count) in await last_commands(project, [*_FERRY[:2], reply])
