"""General phrasing any project's users write (issue 13, round 3): rules about language, not
about one project's words. Each test builds a small project of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.commands import (
    CancelFlow,
    CannotHandle,
    ChitChat,
    RepeatBotMessages,
    SetSlot,
    StartFlow,
)
from calmtui.core.model.project import Project
from calmtui.core.model.slots import Slot
from calmtui.understanding import lexicon
from calmtui.understanding.categorical_meaning import value_by_meaning
from calmtui.understanding.flow_catalog import FlowCatalog
from calmtui.understanding.flow_matching import rank_flows
from calmtui.understanding.offline import OfflineGenerator
from calmtui.understanding.phrasal_verbs import one_verb
from calmtui.understanding.question_alternatives import (
    alternatives,
    value_by_alternative,
    value_by_part,
)
from calmtui.understanding.text import words
from tests.understanding.conftest import converse, load

SPECIALTIES = Slot(
    name="specialty",
    type="categorical",
    values=("general_practice", "dermatology", "cardiology", "physiotherapy", "dentistry"),
)
BUTTONS = (
    ("GP / family doctor", "general_practice"),
    ("Dermatology", "dermatology"),
    ("Cardiology", "cardiology"),
    ("Physiotherapy", "physiotherapy"),
    ("Dentist", "dentistry"),
)


def test_a_value_is_meant_by_the_words_that_say_it_not_by_the_generic_ones() -> None:
    """ "heart specialist": 'heart' means cardiology clearly; 'specialist' means every value a
    little (a dentist most): the contrast is measured where the value is said."""
    found = value_by_meaning("book me in with a heart specialist", SPECIALTIES, BUTTONS)
    assert found is not None
    assert found.value == "cardiology"
    skin = value_by_meaning("are there any skin specialists at the clinic?", SPECIALTIES, BUTTONS)
    assert skin is not None
    assert skin.value == "dermatology"


def test_generic_words_alone_mean_no_value() -> None:
    assert value_by_meaning("I need to see a specialist", SPECIALTIES, BUTTONS) is None
    assert value_by_meaning("book me an appointment", SPECIALTIES, BUTTONS) is None


RETURNS_DOMAIN = """\
slots:
  order_number:
    type: text
  new_address:
    type: text
responses:
  utter_ask_order_number:
    - text: Your order number?
  utter_ask_new_address:
    - text: The new address?
  utter_done:
    - text: Done.
"""
RETURNS_FLOWS = """\
flows:
  start_return:
    name: return an item
    description: Set up a return for something the customer bought.
    steps:
      - collect: order_number
      - action: utter_done
  change_delivery_address:
    description: Send an order that has not shipped yet to a different address.
    steps:
      - collect: new_address
      - action: utter_done
"""


def _returns_project(tmp_path: Path) -> Project:
    (tmp_path / "domain.yml").write_text(RETURNS_DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(RETURNS_FLOWS)
    return load(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I want to send them back", "I want to return them"),
        ("they sent the jeans back", "they return the jeans"),
        ("I'd like to sign up for the course", "I'd like to register for the course"),
        ("it was dropped off yesterday", "it was deliver yesterday"),
        ("please call me back", "please callback me"),
        ("back to my card please", "back to my card please"),
        ("send the blue denim winter jeans back", "send the blue denim winter jeans back"),
    ],
)
def test_phrasal_verbs_read_as_one_verb(text: str, expected: str) -> None:
    assert one_verb(text, lambda _token: True) == expected


def test_a_phrasal_verb_is_left_alone_when_the_project_does_not_use_its_verb() -> None:
    assert one_verb("I want to send them back", lambda token: token != "return") == (
        "I want to send them back"
    )


def test_send_it_back_is_a_return_not_sending_an_order(tmp_path: Path) -> None:
    """ "send" alone points to the address flow ("Send an order ..."); "send back" is return."""
    catalog = FlowCatalog(_returns_project(tmp_path))
    [best, *_] = rank_flows("these jeans are too small, I want to send them back", catalog)
    assert best.flow_id == "start_return"


CLINIC_DOMAIN = """\
slots:
  specialty:
    type: categorical
    values: [general_practice, dermatology, cardiology, physiotherapy]
  doctor_specialty:
    type: categorical
    values: [general_practice, dermatology, cardiology, physiotherapy]
  visit_day:
    type: text
responses:
  utter_ask_specialty:
    - text: What kind of appointment do you need?
      buttons:
        - {title: "GP", payload: "/SetSlots(specialty=general_practice)"}
        - {title: "Dermatology", payload: "/SetSlots(specialty=dermatology)"}
        - {title: "Cardiology", payload: "/SetSlots(specialty=cardiology)"}
        - {title: "Physiotherapy", payload: "/SetSlots(specialty=physiotherapy)"}
  utter_ask_doctor_specialty:
    - text: Which specialty?
  utter_ask_visit_day:
    - text: Which day suits you?
  utter_done:
    - text: Done.
"""
CLINIC_FLOWS = """\
flows:
  book_appointment:
    description: Book a visit with one of our clinicians.
    steps:
      - collect: specialty
      - collect: visit_day
      - action: utter_done
  find_doctor:
    description: Show which clinicians of a given specialty work at our clinics.
    steps:
      - collect: doctor_specialty
      - action: utter_done
"""


async def _at_the_specialty_question(tmp_path: Path, message: str) -> tuple[object, ...]:
    (tmp_path / "domain.yml").write_text(CLINIC_DOMAIN)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "flows.yml").write_text(CLINIC_FLOWS)
    project = load(tmp_path)
    [started, answered] = await converse(
        project, OfflineGenerator(), ["I'd like to book an appointment", message]
    )
    assert started.understanding is not None
    assert started.understanding.commands == (StartFlow(flow="book_appointment"),)
    assert answered.understanding is not None
    return answered.understanding.commands


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # A question about a value is not the value, nor a request for a flow offering it too.
        ("what does physiotherapy mean?", (CannotHandle(),)),
        ("what is dermatology", (CannotHandle(),)),
        # Offering a value as a question answers.
        ("what about cardiology?", (SetSlot(name="specialty", value="cardiology"),)),
        ("how about physiotherapy", (SetSlot(name="specialty", value="physiotherapy"),)),
        # Giving up what is being done now cancels it.
        ("I don't want to do this anymore", (CancelFlow(),)),
        ("I don't want to continue", (CancelFlow(),)),
    ],
)
async def test_at_a_categorical_question(
    tmp_path: Path, message: str, expected: tuple[object, ...]
) -> None:
    assert await _at_the_specialty_question(tmp_path, message) == expected


@pytest.mark.parametrize(
    ("text", "quits"),
    [
        ("I don't want to do this anymore", True),
        ("i dont want to continue", True),
        ("I'd rather not go on", True),
        ("I don't want it anymore", True),
        ("I don't want my order anymore", False),  # one of the user's things: a cancel flow's job
        ("I want to continue", False),
    ],
)
def test_quits_current(text: str, quits: bool) -> None:
    assert lexicon.quits_current(text) is quits


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("what does physiotherapy mean?", True),
        ("which one is cheaper", True),
        ("what about Friday?", False),
        ("how about video", False),
        ("where is my order?", False),  # about the user's own things: a request
        ("cardiology", False),
    ],
)
def test_asks_wh_question(text: str, asks: bool) -> None:
    assert lexicon.asks_wh_question(text) is asks


TABLE_DOMAIN = """\
slots:
  party_size:
    type: float
  booking_time:
    type: text
  seating_area:
    type: categorical
    values: [indoor, terrace, no_preference]
responses:
  utter_ask_party_size:
    - text: How many people?
  utter_ask_booking_time:
    - text: What time would you like?
  utter_ask_seating_area:
    - text: Would you like to sit inside or out on the terrace?
      buttons:
        - {title: "Indoors", payload: "/SetSlots(seating_area=indoor)"}
        - {title: "Terrace", payload: "/SetSlots(seating_area=terrace)"}
        - {title: "No preference", payload: "/SetSlots(seating_area=no_preference)"}
  utter_done:
    - text: Booked.
"""
TABLE_FLOWS = """\
flows:
  book_table:
    description: Reserve a table at the restaurant.
    steps:
      - collect: party_size
        description: how many people will be dining
      - collect: booking_time
        description: the time of the visit, for example 7pm or 19:30
      - collect: seating_area
      - action: utter_done
"""


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("what are the options?", (RepeatBotMessages(),)),
        ("what options are there", (RepeatBotMessages(),)),
        ("I don't mind", (SetSlot(name="seating_area", value="no_preference"),)),
        ("either is fine", (SetSlot(name="seating_area", value="no_preference"),)),
        ("whatever is free, thanks", (SetSlot(name="seating_area", value="no_preference"),)),
        # A time corrects the time slot, not the number of people.
        ("make that 7:30", (SetSlot(name="booking_time", value="7:30"),)),
        ("actually 8pm", (SetSlot(name="booking_time", value="8pm"),)),
        ("actually make it 6", (SetSlot(name="party_size", value="6"),)),
    ],
)
async def test_at_the_seating_question(
    tmp_path: Path, message: str, expected: tuple[object, ...]
) -> None:
    (tmp_path / "domain.yml").write_text(TABLE_DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(TABLE_FLOWS)
    project = load(tmp_path)
    turns = await converse(
        project, OfflineGenerator(), ["I'd like to reserve a table", "4", "7pm", message]
    )
    assert turns[0].understanding is not None
    assert turns[0].understanding.commands == (StartFlow(flow="book_table"),)
    last = turns[-1].understanding
    assert last is not None
    assert _normalised(last.commands) == _normalised(expected), last.notes


def _normalised(commands: tuple[object, ...]) -> list[object]:
    return [("set_slot", c.name, str(c.value)) if isinstance(c, SetSlot) else c for c in commands]


@pytest.mark.parametrize(
    ("text", "indifferent"),
    [
        ("I don't mind", True),
        ("doesn't matter", True),
        ("up to you", True),
        ("any is fine", True),
        ("I don't mind the terrace", False),
        ("any news on my order", False),
        ("no", False),
    ],
)
def test_is_indifferent(text: str, indifferent: bool) -> None:
    assert lexicon.is_indifferent(text) is indifferent


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("lets do it", (True, True)),
        ("thats right", (True, True)),
        ("i dont think so", (False, True)),
        ("i don't think so", (False, True)),
        ("thats correct, send it", (True, False)),
        ("im good", (False, True)),
    ],
)
def test_yes_and_no_without_apostrophes(text: str, answer: tuple[bool, bool]) -> None:
    assert lexicon.yes_no(words(text)) == answer


@pytest.mark.anyio
async def test_asking_to_wait_is_no_request_and_no_answer(tmp_path: Path) -> None:
    """ "hold on" does not hold a table; "one moment please" is not one guest."""
    (tmp_path / "domain.yml").write_text(TABLE_DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(
        TABLE_FLOWS.replace(
            "Reserve a table at the restaurant.", "Reserve or hold a table at the restaurant."
        )
    )
    project = load(tmp_path)
    turns = await converse(
        project, OfflineGenerator(), ["hold on", "book a table", "one moment please", "4"]
    )
    found = [t.understanding.commands if t.understanding else () for t in turns]
    assert found == [
        (ChitChat(),),
        (StartFlow(flow="book_table"),),
        (ChitChat(),),
        (SetSlot(name="party_size", value="4"),),
    ]


VISIT = Slot(name="visit_type", type="categorical", values=("in_person", "video"))
VISIT_BUTTONS = (("In person", "in_person"), ("Video call", "video"))
VISIT_QUESTION = "Would you like to come in, or have a video consultation?"


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("I'll come in", "in_person"),
        ("we can come in on Friday", "in_person"),
        ("a consultation over video", "video"),
        ("hmm", None),
        ("I'd like to", None),  # words every alternative has
    ],
)
def test_an_or_question_s_alternatives_stand_for_its_values(reply: str, value: str | None) -> None:
    found = value_by_alternative(reply, VISIT_QUESTION, VISIT, VISIT_BUTTONS)
    assert (found.value if found else None) == value


def test_alternatives_need_one_per_value() -> None:
    three = Slot(name="visit_type", type="categorical", values=("in_person", "video", "phone"))
    assert alternatives(VISIT_QUESTION, three, VISIT_BUTTONS) == []
    assert alternatives("How would you like to be seen?", VISIT, VISIT_BUTTONS) == []


@pytest.mark.anyio
async def test_a_short_reply_at_a_choice_is_read_as_a_choice(tmp_path: Path) -> None:
    """ "I'll come in" at "come in, or video?" is in person — not the results flow whose
    description says results "come back"."""
    (tmp_path / "domain.yml").write_text(
        """\
slots:
  visit_type:
    type: categorical
    values: [in_person, video]
  patient_name:
    type: text
responses:
  utter_ask_visit_type:
    - text: Would you like to come in, or have a video consultation?
      buttons:
        - {title: "In person", payload: "/SetSlots(visit_type=in_person)"}
        - {title: "Video call", payload: "/SetSlots(visit_type=video)"}
  utter_ask_patient_name:
    - text: Your full name?
  utter_done:
    - text: Done.
"""
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(
        """\
flows:
  book_appointment:
    description: Book a visit with one of our clinicians.
    steps:
      - collect: visit_type
      - action: utter_done
  check_test_results:
    description: Tell a patient whether the results of their tests have come back.
    steps:
      - collect: patient_name
      - action: utter_done
"""
    )
    project = load(tmp_path)
    turns = await converse(project, OfflineGenerator(), ["book an appointment", "I'll come in"])
    last = turns[-1].understanding
    assert last is not None
    assert last.commands == (SetSlot(name="visit_type", value="in_person"),), last.notes


MODELS = Slot(
    name="laptop_model", type="categorical", values=("standard", "developer", "ultralight")
)
TIMES = Slot(name="time_of_day", type="categorical", values=("morning", "afternoon", "evening"))


@pytest.mark.parametrize(
    ("reply", "slot", "value"),
    [
        ("the light one", MODELS, "ultralight"),
        ("the dev one", MODELS, "developer"),
        ("the one", MODELS, None),
        ("after 6pm", TIMES, None),  # a preposition begins many words: it names none
        ("the standard one", MODELS, None),  # named outright: the value matcher's job
    ],
)
def test_a_value_named_by_part_of_its_word(reply: str, slot: Slot, value: str | None) -> None:
    found = value_by_part(reply, slot)
    assert (found.value if found else None) == value


def test_words_every_button_shares_tell_no_option_apart() -> None:
    """ "card" is in every title: "delete a saved card" means "Remove", not all three."""
    actions = Slot(
        name="payment_action", type="categorical", values=("add", "remove", "set_default")
    )
    titles = (
        ("Add a card", "add"),
        ("Remove a card", "remove"),
        ("Change my default card", "set_default"),
    )
    found = value_by_meaning("delete a saved card", actions, titles)
    assert found is not None
    assert found.value == "remove"
