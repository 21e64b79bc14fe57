"""Which flow a message asks for, round 8 of issue 13: kinds of failure the blind-written
projects showed, each checked in domains no tune project has (school admissions, a bakery)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.commands import CannotHandle, ChitChat, Clarify, Command, StartFlow
from calmtui.core.model.project import Project
from calmtui.understanding.flow_matching import same_request_verb
from calmtui.understanding.flow_start import lead_word
from calmtui.understanding.lexicon import asks_you_to_do, thing_talked_about
from calmtui.understanding.offline import OfflineGenerator
from tests.understanding.conftest import converse, first_commands, needs_model, write_project

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("text", "task"),
    [
        ("can you book me a flight to Lisbon", True),
        ("could you help me find a decent plumber?", True),
        ("would you please order some flowers for my mum", True),
        ("I need you to walk my dog tomorrow", True),
        ("could u pls send a taxi to my house", True),
        # verbs of conversation, no thing to act on, or no request of the assistant
        ("can you tell me a joke", False),
        ("can you hear me?", False),
        ("can you help me?", False),
        ("can you do that", False),
        ("is it going to snow tomorrow?", False),
        ("I want to book a flight", False),
    ],
)
def test_a_message_that_asks_the_assistant_to_do_something(text: str, task: bool) -> None:
    assert asks_you_to_do(text) is task


@pytest.mark.parametrize(
    ("text", "thing"),
    [
        ("it's about my application", "my application"),
        ("I'm writing regarding the school tour.", "the school tour"),
        ("problem with my cake order", "my cake order"),
        ("a quick question about our lease", "our lease"),
        ("we want to do something about the delivery", "the delivery"),
        ("re: invoice 2231", "invoice 2231"),
        ("something's wrong with my cake order", "my cake order"),
        ("but there's an issue with our tickets for Friday", "our tickets"),
        # a request says what is wanted
        ("I want to cancel my order", None),
        ("the tour was great", None),
    ],
)
def test_the_thing_a_message_is_only_about(text: str, thing: str | None) -> None:
    assert thing_talked_about(text) == thing


@pytest.mark.parametrize(
    ("said", "word", "same"),
    [
        ("contest", "appeal", True),
        ("challeng", "appeal", True),  # "challenging", lightly stemmed
        ("increase", "update", True),
        ("reduc", "change", True),  # "reducing"
        ("close", "cancel", True),
        ("appeal", "pay", False),
        ("increase", "cancel", False),
    ],
)
def test_request_verbs_said_another_way(said: str, word: str, same: bool) -> None:
    assert same_request_verb(said, word) is same


@pytest.mark.parametrize(
    ("flow_id", "lead"),
    [
        ("appeal_decision", "appeal"),
        ("contest_fine", "contest"),
        ("increase_credit_limit", "increase"),
        ("decision_letter", None),
    ],
)
def test_more_verbs_lead_flow_ids(flow_id: str, lead: str | None) -> None:
    assert lead_word(flow_id) == lead


SCHOOL_DOMAIN = """\
slots:
  child_name: {type: text}
  application_number: {type: text}
  tour_date: {type: text}
  tour_party_size: {type: float}
responses:
  utter_ask_child_name:
    - text: What is your child's full name?
  utter_ask_application_number:
    - text: What's the application number? It starts with AP.
  utter_ask_tour_date:
    - text: Which day would you like to visit?
  utter_ask_tour_party_size:
    - text: How many people will come on the tour?
  utter_done:
    - text: Done.
"""
SCHOOL_FLOWS = """\
flows:
  apply_for_place:
    name: apply for a school place
    description: Start an application for a place at the school for a child.
    steps:
      - collect: child_name
      - action: utter_done
  check_application_status:
    name: check an application
    description: Tell a parent where their child's application is in the admissions process.
    steps:
      - collect: application_number
      - action: utter_done
  withdraw_application:
    name: withdraw an application
    description: Withdraw a child's application, for example after accepting another school.
    steps:
      - collect: application_number
      - action: utter_done
  appeal_decision:
    name: appeal an admissions decision
    description: Lodge an appeal when a child was refused a place.
    steps:
      - collect: application_number
      - action: utter_done
  book_tour:
    name: book a school tour
    description: Book a visit to the school for prospective families.
    steps:
      - collect: tour_date
      - collect: tour_party_size
      - action: utter_done
  update_tour_booking:
    name: change a tour booking
    description: Change the day or the number of visitors of a school tour already booked.
    steps:
      - collect: tour_date
      - collect: tour_party_size
      - action: utter_done
  pay_late_fee:
    name: pay a late fee
    description: Pay a fee charged for collecting a child late from after-school club.
    steps:
      - collect: application_number
      - action: utter_done
  appeal_late_fee:
    name: appeal a late fee
    description: Ask the school to waive a late collection fee the parent thinks is unfair.
    steps:
      - collect: application_number
      - action: utter_done
  cancel_tour:
    name: cancel a school tour
    description: Cancel a school tour that was booked.
    steps:
      - collect: tour_date
      - action: utter_done
"""


@pytest.fixture
def school(tmp_path: Path) -> Project:
    return write_project(tmp_path, SCHOOL_DOMAIN, SCHOOL_FLOWS)


@needs_model
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # a task no flow does: the assistant cannot handle it
        ("could you order me a taxi to the station", CannotHandle()),
        ("can you help me find a decent plumber?", CannotHandle()),
        ("I need you to walk my dog tomorrow", CannotHandle()),
        # off topic in words, no task: small talk
        ("do you like football?", ChitChat()),
        ("is it going to snow tomorrow?", ChitChat()),
    ],
)
async def test_a_task_no_flow_does_cannot_be_handled(
    school: Project, message: str, expected: Command
) -> None:
    commands = await first_commands(school, message)
    assert type(expected) in {type(c) for c in commands}, commands
    assert not any(isinstance(c, StartFlow) for c in commands), commands


@needs_model
@pytest.mark.parametrize(
    ("message", "flow"),
    [
        ("I want to contest the decision on AP20931", "appeal_decision"),
        ("how do I challenge the refusal for my daughter?", "appeal_decision"),
        ("could we increase the visitors on our tour to 5?", "update_tour_booking"),
        ("I want to contest the late fee", "appeal_late_fee"),
        ("challenge late fee LF-2231 please", "appeal_late_fee"),
        ("we'd like to reduce the number of visitors for the tour", "update_tour_booking"),
        ("we found another school, please close our tour booking", "cancel_tour"),
    ],
)
async def test_a_request_verb_said_another_way_finds_its_flow(
    school: Project, message: str, flow: str
) -> None:
    commands = await first_commands(school, message)
    assert StartFlow(flow=flow) in commands, commands


@needs_model
@pytest.mark.parametrize(
    ("message", "offered"),
    [
        ("it's about my application", {"check_application_status", "withdraw_application"}),
        ("I'm writing regarding my son's application.", {"check_application_status"}),
        ("a question about the school tour", {"book_tour", "cancel_tour"}),
    ],
)
async def test_a_message_only_about_a_thing_is_clarified(
    school: Project, message: str, offered: set[str]
) -> None:
    commands = await first_commands(school, message)
    clarified = [c for c in commands if isinstance(c, Clarify)]
    assert clarified, commands
    assert offered <= set(clarified[0].options), clarified


@needs_model
@pytest.mark.parametrize(
    "message",
    [
        "there's a problem with my application",
        "something's wrong with our application",
        "we have an issue with the application AP20931",
    ],
)
async def test_a_problem_with_a_thing_offers_no_flow_that_gets_a_new_one(
    school: Project, message: str
) -> None:
    commands = await first_commands(school, message)
    clarified = [c for c in commands if isinstance(c, Clarify)]
    assert clarified, commands
    assert "apply_for_place" not in clarified[0].options, clarified


@needs_model
@pytest.mark.parametrize(
    "aside", ["can you order me a taxi to the station", "could you book me a table for two"]
)
async def test_a_task_asked_during_a_flow_is_an_aside(school: Project, aside: str) -> None:
    *_, result = await converse(school, OfflineGenerator(), ["I want to book a school tour", aside])
    assert result.understanding is not None
    commands = result.understanding.commands
    assert any(isinstance(c, ChitChat) for c in commands), commands
