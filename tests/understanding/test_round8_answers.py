"""Answers mid-flow and control, round 8 of issue 13: kinds of replies read as an LLM reads them
on any project — lengths of time in the slot's own unit, a yes or no said with a remark or with
the question's own verb, taking back or putting off what is under way. The projects here are in
domains of no tune project (airline, bakery, plumbing, school admissions, boat hire)."""

from __future__ import annotations

import pytest

from calmtui.core.commands import CancelFlow, Command, SetSlot
from calmtui.core.model.project import Project
from calmtui.understanding.slot_filling import duration_in, slot_time_unit
from tests.understanding.conftest import last_commands, write_project

pytestmark = pytest.mark.anyio

DOMAIN = """\
slots:
  layover_hours: {type: float}
  proof_time: {type: float}
  job_length: {type: float}
  course_months: {type: float}
  boat_hire_length: {type: float}
  passenger_count: {type: float}
  checked_bag: {type: bool}
  visited_before: {type: bool}
  confirm_enrolment: {type: bool}
  pupil_name: {type: text}
  year_group: {type: categorical, values: [reception, year_one, year_two]}
  fault_description: {type: text}
  preferred_visit_time: {type: text}
  visit_address: {type: text}
responses:
  utter_ask_layover_hours:
    - text: How long a stopover would you like?
  utter_ask_proof_time:
    - text: How long should the dough prove, in minutes?
  utter_ask_job_length:
    - text: How many days do you expect the job to take?
  utter_ask_course_months:
    - text: How long is the course?
  utter_ask_boat_hire_length:
    - text: How long would you like the boat for? We hire by the hour.
  utter_ask_passenger_count:
    - text: How many passengers?
  utter_ask_checked_bag:
    - text: Would you like to add a checked bag for 30 pounds?
  utter_ask_visited_before:
    - text: Have you visited the school before?
  utter_ask_confirm_enrolment:
    - text: Shall I send the enrolment form to you now?
  utter_ask_pupil_name:
    - text: What's the pupil's name?
  utter_ask_year_group:
    - text: Which year group is the place for?
  utter_ask_fault_description:
    - text: What seems to be the problem?
  utter_ask_preferred_visit_time:
    - text: When would suit you for the plumber to call round?
  utter_ask_visit_address:
    - text: What's the address for the visit?
  utter_done:
    - text: Done.
"""
FLOWS = """\
flows:
  book_stopover:
    description: Add a stopover to a flight booking.
    steps:
      - collect: layover_hours
        description: the length of the stopover in hours
      - collect: passenger_count
        description: how many passengers travel
      - collect: checked_bag
        description: whether to add a checked bag
      - action: utter_done
  order_custom_loaf:
    description: Order a loaf baked to the customer's own recipe.
    steps:
      - collect: proof_time
        description: how long the dough proves
      - action: utter_done
  book_plumbing_job:
    description: Book a plumber for a repair job.
    steps:
      - collect: fault_description
        description: the problem, in the customer's words
      - collect: job_length
        description: the expected length of the job
      - collect: visit_address
        description: the address of the property
      - collect: preferred_visit_time
        description: when the customer would like the visit
      - action: utter_done
  apply_for_course:
    description: Apply for a place on an adult education course.
    steps:
      - collect: course_months
        description: the length of the course in months
      - action: utter_done
  hire_a_boat:
    description: Hire a rowing boat on the lake.
    steps:
      - collect: boat_hire_length
        description: how long to hire the boat for
      - action: utter_done
  apply_for_school_place:
    description: Apply for a school place for a child.
    steps:
      - collect: pupil_name
        description: the pupil's full name
      - collect: year_group
        description: the year group the place is for
      - collect: visited_before
        description: whether the family has visited the school
      - collect: confirm_enrolment
        description: whether to send the enrolment form
      - action: utter_done
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return write_project(tmp_path_factory.mktemp("round8_answers"), DOMAIN, FLOWS)


def _set(name: str, value: object) -> SetSlot:
    return SetSlot(name=name, value=value)


# -- a length of time in the unit the slot counts in ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("an hour and a half", "hour", "1.5"),
        ("45 minutes", "hour", "0.75"),
        ("two and a half hours", "hour", "2.5"),
        ("half an hour please", "hour", "0.5"),
        ("1 hour 30 minutes", "minute", "90"),
        ("a quarter of an hour", "minute", "15"),
        ("a fortnight", "day", "14"),
        ("three weeks", "night", "21"),
        ("2 years", "month", "24"),
        ("a year and a half", "month", "18"),
    ],
)
def test_a_length_of_time_in_the_slots_unit(text: str, unit: str, value: str) -> None:
    filled = duration_in(text, unit)
    assert filled is not None
    assert filled.value == value


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("5", "hour"),  # no unit said: the number as it is
        ("a few days", "day"),  # no number
        ("2 months", "day"),  # months are no fixed number of days
        ("3 weeks", "month"),
        ("gate 12 please", "hour"),
        ("£15 a month", "month"),  # a rate: how much each month, not how long
        ("about 30 dollars per month", "month"),
        ("twice a week", "day"),
        ("I swim 3 times a week", "week"),
    ],
)
def test_no_length_of_time(text: str, unit: str) -> None:
    assert duration_in(text, unit) is None


@pytest.mark.parametrize(
    ("name", "description", "question", "unit"),
    [
        ("layover_hours", None, None, "hour"),  # the slot's own name
        ("proof_time", "how long the dough proves", "How long, in minutes?", "minute"),
        ("job_length", None, "How many days will it take?", "day"),
        ("boat_hire", None, "How long? We hire by the hour, up to 8 hours.", "hour"),
        ("guests", "the number of guests", "How many guests?", None),  # counts no time
        ("stay", None, "How many nights, or weeks?", None),  # two units: not clear
    ],
)
def test_the_unit_a_slot_counts_in(
    name: str, description: str | None, question: str | None, unit: str | None
) -> None:
    assert slot_time_unit(name, description, question) == unit


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["add a stopover to my flight", "an hour and a half"], _set("layover_hours", "1.5")),
        (["add a stopover to my flight", "90 minutes"], _set("layover_hours", "1.5")),
        (["order a loaf baked to my own recipe", "an hour"], _set("proof_time", "60")),
        (["apply for an adult education course", "two years"], _set("course_months", "24")),
        (["hire a rowing boat", "half an hour"], _set("boat_hire_length", "0.5")),
        (["hire a rowing boat", "3"], _set("boat_hire_length", "3")),  # as before
    ],
)
async def test_a_length_of_time_answers_a_number_question(
    project: Project, messages: list[str], expected: SetSlot
) -> None:
    assert expected in await last_commands(project, messages)


# -- a yes or no after a remark, or with the question's own verb ---------------------------------

_SCHOOL = ["apply for a school place for my son", "Sam Okafor", "reception"]


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("we have, last spring", True),  # "Have you visited ...?"
        ("I have actually", True),
        ("we haven't", False),
        ("oh lovely, yes we came in June", True),
        ("brilliant - no, not yet", False),
    ],
)
async def test_a_yes_or_no_with_the_questions_verb_or_after_a_remark(
    project: Project, reply: str, value: bool
) -> None:
    assert _set("visited_before", value) in await last_commands(project, [*_SCHOOL, reply])


@pytest.mark.parametrize(
    ("messages", "value"),
    [
        (["add a stopover to my flight", "2 hours", "2", "great, yes please"], True),
        (["add a stopover to my flight", "2 hours", "2", "I would, thanks"], True),
        (["add a stopover to my flight", "2 hours", "2", "ah ok - no thanks"], False),
    ],
)
async def test_a_yes_or_no_at_an_offer(project: Project, messages: list[str], value: bool) -> None:
    assert _set("checked_bag", value) in await last_commands(project, messages)


@pytest.mark.parametrize("reply", ["I have no idea", "I do not remember"])
async def test_not_knowing_is_no_yes_or_no(project: Project, reply: str) -> None:
    commands = await last_commands(project, [*_SCHOOL, reply])
    assert _set("visited_before", True) not in commands
    assert _set("visited_before", False) not in commands


# -- taking back or putting off what is under way -------------------------------------------------


@pytest.mark.parametrize(
    "messages",
    [
        ["apply for a school place for my son", "Sam Okafor",
         "oh hang on, scratch that, I should talk to his mum first"],
        ["book a plumber for a repair", "the kitchen tap drips", "2",
         "actually hold off, I need to ask my landlord first"],
        ["add a stopover to my flight", "hmm, wait - forget that"],
        ["apply for a school place for my son", "Sam Okafor",
         "we'll have to visit a few schools first"],
    ],
)  # fmt: skip
async def test_taking_back_or_putting_off_cancels(project: Project, messages: list[str]) -> None:
    assert CancelFlow() in await last_commands(project, messages)


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        # at a yes/no question, "not now" is its no
        ([*_SCHOOL, "yes", "not now"], _set("confirm_enrolment", False)),
        # an answer that is no putting off
        (["book a plumber for a repair", "the kitchen tap drips", "2",
          "flat 2, 14 Mill Lane, first floor"], _set("visit_address", "flat 2, 14 Mill Lane, first floor")),
    ],
)  # fmt: skip
async def test_no_putting_off(project: Project, messages: list[str], expected: Command) -> None:
    commands = await last_commands(project, messages)
    assert expected in commands
    assert CancelFlow() not in commands


# -- a day or time with the words that narrow it, at a free-text question -----------------------

_PLUMBER = ["book a plumber for a repair", "the kitchen tap drips", "2", "14 Mill Lane"]


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("Tuesday before noon", "Tuesday before noon"),
        ("a week on Monday", "a week on Monday"),
        ("any time after 4pm", "any time after 4pm"),
        ("next Wednesday morning", "next Wednesday morning"),
    ],
)
async def test_a_day_or_time_keeps_what_narrows_it(
    project: Project, reply: str, value: str
) -> None:
    commands = await last_commands(project, [*_PLUMBER, reply])
    assert _set("preferred_visit_time", value) in commands


async def test_a_day_or_time_with_other_words_is_read_as_before(project: Project) -> None:
    reply = "Friday, my neighbour has a key"
    commands = await last_commands(project, [*_PLUMBER, reply])
    assert _set("preferred_visit_time", reply) not in commands


# -- a yes that says only how many ----------------------------------------------------------------

_NEEDS = """\
slots:
  has_pets: {type: bool}
  pet_details: {type: text}
  has_access_needs: {type: bool}
  access_details: {type: text}
responses:
  utter_ask_has_pets:
    - text: Will any pets be staying in the cottage?
  utter_ask_pet_details:
    - text: Please tell us about them, e.g. '2 dogs, 1 cat'.
  utter_ask_has_access_needs:
    - text: Does anyone in your party have access needs?
  utter_ask_access_details:
    - text: Please describe them.
  utter_done:
    - text: Done.
"""
_NEEDS_FLOWS = """\
flows:
  book_holiday_cottage:
    description: Book a holiday cottage for a party.
    steps:
      - collect: has_pets
        next:
          - if: slots.has_pets
            then:
              - collect: pet_details
                next: access
          - else: access
      - id: access
        collect: has_access_needs
        next:
          - if: slots.has_access_needs
            then:
              - collect: access_details
                next: END
          - else: END
"""


@pytest.mark.parametrize(
    ("messages", "yes", "details"),
    [
        (["book a holiday cottage", "yes, a few"], "has_pets", "pet_details"),
        (["book a holiday cottage", "yes, loads of them"], "has_pets", "pet_details"),
        (["book a holiday cottage", "no", "yes, a couple"], "has_access_needs", "access_details"),
    ],
)
async def test_a_yes_that_says_only_how_many_fills_no_details(
    tmp_path_factory: pytest.TempPathFactory, messages: list[str], yes: str, details: str
) -> None:
    cottage = write_project(tmp_path_factory.mktemp("cottage"), _NEEDS, _NEEDS_FLOWS)
    commands = await last_commands(cottage, messages)
    assert _set(yes, True) in commands
    assert not any(isinstance(c, SetSlot) and c.name == details for c in commands)


# -- a reference written as one run; a part of a held text put right -----------------------------

_CLAIMS = """\
slots:
  claim_reference: {type: text}
  delivery_address: {type: text}
  confirm_claim: {type: bool}
responses:
  utter_ask_claim_reference:
    - text: What's the reference the insurer gave you?
  utter_ask_delivery_address:
    - text: Where should we send the replacement?
  utter_ask_confirm_claim:
    - text: Shall I send the replacement to {delivery_address}?
  utter_done:
    - text: Done.
"""
_CLAIMS_FLOWS = """\
flows:
  claim_replacement_phone:
    description: Claim a replacement for a lost or stolen phone.
    steps:
      - collect: claim_reference
        description: the claim reference from the insurer, e.g. LP/20931
      - collect: delivery_address
        description: the delivery address
      - collect: confirm_claim
        description: whether to go ahead
      - action: utter_done
"""


@pytest.fixture(scope="module")
def claims(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return write_project(tmp_path_factory.mktemp("claims"), _CLAIMS, _CLAIMS_FLOWS)


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("the insurer gave me LP/20931/7", "LP/20931/7"),
        ("it's INS-2026-4471", "INS-2026-4471"),
        ("they said QX/88213", "QX/88213"),
    ],
)
async def test_a_reference_is_one_unbroken_run(claims: Project, reply: str, value: str) -> None:
    commands = await last_commands(
        claims, ["I want to claim a replacement for my stolen phone", reply]
    )
    assert _set("claim_reference", value) in commands


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("oops, it's unit 7 not unit 4", "Unit 7, 20 Harbour Road, Leith EH6 6LX"),
        ("sorry I meant Harbour Street not Harbour Road", "Unit 4, 20 Harbour Street, Leith EH6 6LX"),
        # a whole new value replaces it all, as before
        ("no, it's 3 Dock Lane, Leith not Unit 4", "3 Dock Lane, Leith"),
    ],
)  # fmt: skip
async def test_a_part_of_a_held_text_put_right(claims: Project, reply: str, value: str) -> None:
    messages = [
        "I want to claim a replacement for my stolen phone",
        "LP/20931",
        "Unit 4, 20 Harbour Road, Leith EH6 6LX",
        reply,
    ]
    assert _set("delivery_address", value) in await last_commands(claims, messages)


# -- a correction in one sentence, the answer in another -----------------------------------------


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["book a plumber for a repair", "the kitchen tap drips", "2",
          "sorry, I meant 3. it's 14 Mill Lane"],
         [_set("job_length", "3"), _set("visit_address", "14 Mill Lane")]),
        (["book a plumber for a repair", "the kitchen tap drips", "2", "14 Mill Lane",
          "oh wait, 4 not 2! next Monday morning"],
         [_set("job_length", "4"), _set("preferred_visit_time", "next Monday morning")]),
    ],
)  # fmt: skip
async def test_a_correction_and_an_answer_in_one_message(
    project: Project, messages: list[str], expected: list[SetSlot]
) -> None:
    commands = await last_commands(project, messages)
    assert all(e in commands for e in expected), commands


async def test_a_correction_and_an_answer_claims(claims: Project) -> None:
    messages = [
        "I want to claim a replacement for my stolen phone",
        "LP/20931",
        "Unit 4, 20 Harbour Road, Leith EH6 6LX",
        "oops, it's unit 7 not unit 4. yes, send it",
    ]
    commands = await last_commands(claims, messages)
    assert _set("delivery_address", "Unit 7, 20 Harbour Road, Leith EH6 6LX") in commands
    assert _set("confirm_claim", True) in commands


# -- the wrong value first: "not Y, X" -------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["book a plumber for a repair", "the kitchen tap drips",
          "oh, not the kitchen tap, the bathroom tap"],
         _set("fault_description", "the bathroom tap drips")),
        ([*_SCHOOL[:2], "sorry not Sam - it's Samuel Okafor"], _set("pupil_name", "Samuel Okafor")),
    ],
)  # fmt: skip
async def test_the_wrong_value_first(
    project: Project, messages: list[str], expected: SetSlot
) -> None:
    assert expected in await last_commands(project, messages)


async def test_the_wrong_value_first_claims(claims: Project) -> None:
    messages = [
        "I want to claim a replacement for my stolen phone",
        "LP/20931",
        "Unit 4, 20 Harbour Road, Leith EH6 6LX",
        "whoops not unit 4, it's unit 9",
    ]
    commands = await last_commands(claims, messages)
    assert _set("delivery_address", "Unit 9, 20 Harbour Road, Leith EH6 6LX") in commands


async def test_not_sure_is_no_correction(project: Project) -> None:
    commands = await last_commands(project, [*_SCHOOL[:2], "not sure, maybe year one"])
    assert not any(isinstance(c, SetSlot) and c.name == "pupil_name" for c in commands)
