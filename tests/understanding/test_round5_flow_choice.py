"""Which flow a message starts, round 5 of issue 13: rules about language or about what every
project says, each checked on a small project of its own (flows with descriptions only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.commands import CannotHandle, ChitChat, Command, StartFlow
from calmtui.core.model.project import Project
from calmtui.understanding import lexicon
from calmtui.understanding.flow_catalog import FlowCatalog
from calmtui.understanding.flow_matching import (  # pyright: ignore[reportPrivateUsage]
    Candidate,
    _query_tokens,
    clauses,
)
from calmtui.understanding.flow_start import _tells_apart  # pyright: ignore[reportPrivateUsage]
from calmtui.understanding.offline import OfflineGenerator
from calmtui.understanding.text import words
from tests.understanding.conftest import converse, first_commands, load, needs_model, write_project

pytestmark = pytest.mark.anyio

DOMAIN = """\
slots:
  leave_reason: {type: text}
  phone_number: {type: text}
  new_plan:
    type: categorical
    values: [basic, unlimited]
responses:
  utter_ask_leave_reason:
    - text: May I ask why you want to leave?
  utter_ask_phone_number:
    - text: Which phone number?
  utter_ask_new_plan:
    - text: Which plan would you like?
  utter_done:
    - text: Done.
"""
FLOWS = """\
flows:
  cancel_contract:
    description: End the customer's contract and close the account.
    steps:
      - collect: leave_reason
        description: the main reason the customer wants to leave
      - action: utter_done
  change_plan:
    description: Move the customer to a different mobile plan.
    steps:
      - collect: new_plan
      - action: utter_done
  check_bill:
    description: Tell the customer how much their latest bill is.
    steps:
      - collect: phone_number
      - action: utter_done
"""


def _project(tmp_path: Path) -> Project:
    return write_project(tmp_path, DOMAIN, FLOWS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi, I want to leave Nimbus", "I want to leave Nimbus"),
        ("Good morning. I want to leave", "I want to leave"),
        ("Morning! I need a taxi", "I need a taxi"),
        ("hey there, I was wondering: are you open on mondays?", "are you open on mondays?"),
        ("I need some help. has my stuff been sent out yet?", "has my stuff been sent out yet?"),
        ("can you help me with my bill?", "my bill?"),
        ("um, so I need a table", "I need a table"),
        ("whats my bill looking like thank you!", "whats my bill looking like"),
        ("we cant make it anymore please", "we cant make it anymore"),
        ("cancel my order asap", "cancel my order"),
        ("I want to leave Nimbus as soon as you can", "I want to leave Nimbus"),
        ("cancel it if that's ok", "cancel it"),
        # nothing else would be left, or the word is part of the request
        ("hi", "hi"),
        ("thanks", "thanks"),
        ("Good evening", "Good evening"),
        ("help me please", "help me please"),
        ("help me leave Nimbus", "leave Nimbus"),
        ("morning flights to Rome", "morning flights to Rome"),
        ("I need help from someone", "I need help from someone"),
        ("hiking boots please", "hiking boots"),
    ],
)
def test_pleasantries_around_a_request(text: str, expected: str) -> None:
    assert lexicon.without_pleasantries(text) == expected


@needs_model
@pytest.mark.parametrize(
    ("message", "flow"),
    [
        ("Good morning. I want to leave Nimbus", "cancel_contract"),
        ("hey there, I was wondering: I want to leave Nimbus", "cancel_contract"),
        ("I want to leave Nimbus thank you!", "cancel_contract"),
        ("hi, whats my bill looking like", "check_bill"),
        ("Good afternoon, how much is my bill please", "check_bill"),
    ],
)
async def test_a_greeting_or_thanks_does_not_change_the_flow(
    tmp_path: Path, message: str, flow: str
) -> None:
    commands = await first_commands(_project(tmp_path), message)
    assert StartFlow(flow=flow) in commands


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I've been with you for nine years. I want to leave Nimbus",
            ["I've been with you for nine years.", "I want to leave Nimbus"],
        ),
        (
            "before I book, is flight SK 101 on time today?",
            ["before I book,", "is flight SK 101 on time today?"],
        ),
        (
            "sorry, silly question but how much is my bill",
            ["silly question", "how much is my bill"],
        ),
        (
            "I want to leave Nimbus - it's quite urgent",
            ["I want to leave Nimbus", "it's quite urgent"],
        ),
        (
            "has my parcel shipped yet (I tried the app already)",
            ["has my parcel shipped yet", "I tried the app already"],
        ),
        (
            "I need a hotel in Tokyo because I'm travelling next week",
            ["I need a hotel in Tokyo", "I'm travelling next week"],
        ),
        ("I want to leave Nimbus", []),  # one clause: scored whole only
        ("yes, cancel it", []),  # no clause with two content words
    ],
)
def test_clauses_of_a_message(text: str, expected: list[str]) -> None:
    assert clauses(text) == expected


@needs_model
@pytest.mark.parametrize(
    ("message", "flow"),
    [
        (
            "I've been with you for nine years and it was fine. I want to leave Nimbus",
            "cancel_contract",
        ),
        ("Not sure if this is the right place, whats my bill looking like", "check_bill"),
        ("My name is Tom Baker. I want to leave Nimbus", "cancel_contract"),
        ("I want to leave Nimbus - it's quite urgent", "cancel_contract"),
        ("I want to leave Nimbus (I tried the app already)", "cancel_contract"),
    ],
)
async def test_the_request_is_not_drowned_by_what_is_said_around_it(
    tmp_path: Path, message: str, flow: str
) -> None:
    commands = await first_commands(_project(tmp_path), message)
    assert StartFlow(flow=flow) in commands


@needs_model
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # off topic, in words: Rasa's `offtopic reply` (the chit-chat pattern answers)
        ("is it going to rain tonight?", ChitChat()),
        ("do you like removal companies?", ChitChat()),
        ("I like turtles", ChitChat()),
        # a task asked of the assistant that no flow does: cannot handle (round 8)
        ("can you recommend a good removal company?", CannotHandle()),
        ("ugh I'm so hungry", ChitChat()),
        # not words: cannot handle
        ("asdfjkl", CannotHandle()),
        ("qwe rty uiop", CannotHandle()),
        ("\U0001f600\U0001f600", CannotHandle()),
        ("\u8fd9\u662f\u4ec0\u4e48", CannotHandle()),
    ],
)
async def test_off_topic_in_words_is_an_off_topic_reply(
    tmp_path: Path, message: str, expected: Command
) -> None:
    assert await first_commands(_project(tmp_path), message) == {expected}


SHOP_DOMAIN = """\
slots:
  meal_items: {type: text}
  delivery_option:
    type: categorical
    values: [delivery, collection]
  order_number: {type: text}
responses:
  utter_ask_meal_items:
    - text: What would you like to eat?
  utter_ask_delivery_option:
    - text: Delivered, or will you pick the food up?
  utter_ask_order_number:
    - text: What's your order number?
  utter_done:
    - text: Done.
"""
SHOP_FLOWS = """\
flows:
  place_order:
    name: order a meal
    description: Order a meal from the kitchen, delivered or to pick up.
    steps:
      - collect: meal_items
        description: the dishes the customer wants
      - collect: delivery_option
        description: whether the food is delivered or picked up from the kitchen
      - action: utter_done
  track_order:
    name: track an order
    description: Tell the customer where their order is and when it will arrive.
    steps:
      - collect: order_number
      - action: utter_done
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("how long until my food gets here", True),
        ("when is the plumber coming round?", True),
        ("when will my refund arrive", True),
        ("is my parcel on its way?", True),
        ("when is the next train", False),
        ("when do you open", False),
    ],
)
def test_asking_when_something_comes_is_a_status_question(text: str, expected: bool) -> None:
    assert lexicon.asks_status(text) is expected


@needs_model
@pytest.mark.parametrize(
    "message", ["where's my food?", "how long until my food gets here", "is my food on its way?"]
)
async def test_a_status_question_means_the_status_flow(tmp_path: Path, message: str) -> None:
    (tmp_path / "domain.yml").write_text(SHOP_DOMAIN)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "flows.yml").write_text(SHOP_FLOWS)
    commands = await first_commands(load(tmp_path), message)
    assert StartFlow(flow="track_order") in commands


ORDERS_DOMAIN = """\
slots:
  order_number: {type: text}
responses:
  utter_ask_order_number:
    - text: What's the order number?
  utter_done:
    - text: Done.
"""
ORDERS_FLOWS = """\
flows:
  check_order_status:
    name: check an order's status
    description: Tell the customer whether their order is ready.
    steps:
      - collect: order_number
        description: the 5-digit order number from the confirmation email
      - action: utter_done
  cancel_order:
    name: cancel an order
    description: Cancel an order by its order number before it is ready.
    steps:
      - collect: order_number
        description: the 5-digit order number from the confirmation email
      - action: utter_done
"""


@needs_model
@pytest.mark.parametrize(
    ("message", "starts"),
    [
        ("order number is 31872", None),  # the asked slot's own words and its value: an answer
        ("the order number from the email is 31872", None),
        ("I'd like to cancel an order instead", "cancel_order"),  # another flow: a digression
    ],
)
async def test_an_answer_in_the_asked_slots_own_words_starts_no_flow(
    tmp_path: Path, message: str, starts: str | None
) -> None:
    (tmp_path / "domain.yml").write_text(ORDERS_DOMAIN)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "flows.yml").write_text(ORDERS_FLOWS)
    results = await converse(load(tmp_path), OfflineGenerator(), ["check my order", message])
    assert results[1].understanding is not None
    started = [c.flow for c in results[1].understanding.commands if isinstance(c, StartFlow)]
    assert started == ([starts] if starts else [])


CLUB_DOMAIN = """\
slots:
  pause_months: {type: float}
  leave_reason: {type: text}
responses:
  utter_ask_pause_months:
    - text: For how many months?
  utter_ask_leave_reason:
    - text: Why are you leaving?
  utter_done:
    - text: Done.
"""
CLUB_FLOWS = """\
flows:
  freeze_membership:
    name: freeze my membership
    description: Pause a gym membership for one to three months, during an injury or a trip.
    steps:
      - collect: pause_months
      - action: utter_done
  cancel_membership:
    name: cancel my membership
    description: End a gym membership with 30 days notice; injured members are offered a freeze instead.
    steps:
      - collect: leave_reason
      - action: utter_done
"""


@pytest.mark.parametrize(
    ("message", "tells"),
    [
        # a word of the best flow's name that the runner-up's name lacks tells them apart, even
        # when the runner-up's description mentions it ("offered a freeze instead")
        ("freeze my gym membership please", True),
        ("I want to freeze it", True),
        # nothing of either name but what both share
        ("my gym membership please", False),
        # a word of the runner-up's name too
        ("freeze or cancel my membership", False),
    ],
)
def test_a_word_of_one_flows_name_tells_close_flows_apart(
    tmp_path: Path, message: str, tells: bool
) -> None:
    (tmp_path / "domain.yml").write_text(CLUB_DOMAIN)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "flows.yml").write_text(CLUB_FLOWS)
    catalog = FlowCatalog(load(tmp_path))
    close = [
        Candidate(flow_id="freeze_membership", score=0.90, reason=""),
        Candidate(flow_id="cancel_membership", score=0.85, reason=""),
    ]
    assert _tells_apart(words(message), close, catalog) is tells


VENUE_DOMAIN = """\
slots:
  stars: {type: float}
  party: {type: float}
responses:
  utter_ask_stars:
    - text: How many stars out of five?
  utter_ask_party:
    - text: For how many people?
  utter_done:
    - text: Done.
"""
VENUE_FLOWS = """\
flows:
  leave_feedback:
    name: leave feedback
    description: Collect a guest's rating and comments after their visit.
    steps:
      - collect: stars
      - action: utter_done
  book_table:
    name: book a table
    description: Reserve a table for a group at a given day and time.
    steps:
      - collect: party
      - action: utter_done
"""


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # the light stem keeps the final "e" that -ing takes away: "rate" meets "rating"
        ("I want to rate my visit", ["rat", "visit"]),
        ("rating", ["rat"]),
        ("I'd like to reserve", ["reserve"]),  # a word of the project as it is
    ],
)
def test_a_word_meets_its_ing_form(tmp_path: Path, message: str, expected: list[str]) -> None:
    (tmp_path / "domain.yml").write_text(VENUE_DOMAIN)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "flows.yml").write_text(VENUE_FLOWS)
    catalog = FlowCatalog(load(tmp_path))
    assert _query_tokens(message, catalog) == expected


CLAIMS_DOMAIN = """\
slots:
  claim_details: {type: text}
responses:
  utter_ask_claim_details:
    - text: What happened?
  utter_done:
    - text: Done.
"""
CLAIMS_FLOWS = """\
flows:
  file_claim:
    name: file a claim
    description: Report damage, theft or an accident involving the customer's car.
    steps:
      - collect: claim_details
      - action: utter_done
  talk_to_agent:
    name: talk to an agent
    description: Connect the customer with a human agent.
    steps:
      - action: utter_done
"""


@needs_model
@pytest.mark.parametrize(
    ("message", "flow"),
    [
        # "need" ... "someone" in the wrapping is no request for a person
        ("I need some help. someone crashed into my car", "file_claim"),
        ("hi, can I speak to someone at the service desk? a real person please", "talk_to_agent"),
    ],
)
async def test_a_request_for_a_person_is_read_without_the_wrapping(
    tmp_path: Path, message: str, flow: str
) -> None:
    (tmp_path / "domain.yml").write_text(CLAIMS_DOMAIN)
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "flows.yml").write_text(CLAIMS_FLOWS)
    commands = await first_commands(load(tmp_path), message)
    assert StartFlow(flow=flow) in commands
