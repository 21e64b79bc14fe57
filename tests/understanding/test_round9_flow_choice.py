"""Which flow a message asks for, round 9 of issue 13: kinds of failure any project shows, each
checked in domains no tune project has (a kennel, a ferry line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.commands import ChitChat, Command, StartFlow
from calmtui.core.model.project import Project
from calmtui.understanding.flow_matching import clauses
from calmtui.understanding.lexicon import asks_price, remark_after_laughter
from tests.understanding.conftest import first_commands, last_commands, needs_model, write_project

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # a reference and its label say which thing, not what to do with it
        ("I left my jacket on the boat, booking FR-20931", ["I left my jacket on the boat,"]),
        ("the lens fell out of my frames. order 48113", ["the lens fell out of my frames."]),
        ("we never got the puppy photos - ref KN-2231", ["we never got the puppy photos"]),
        # a clause with words besides its reference still counts
        (
            "the 9am sailing was cancelled, I would like my money back for FR-20931",
            ["the 9am sailing was cancelled,", "I would like my money back for FR-20931"],
        ),
        ("one clause only, FR-20931", []),
    ],
)
def test_a_clause_that_is_only_a_reference_asks_for_nothing(text: str, kept: list[str]) -> None:
    if not kept:
        assert "FR-20931" not in " ".join(clauses(text))
    else:
        assert clauses(text) == kept


@pytest.mark.parametrize(
    ("text", "remark"),
    [
        ("haha your ferries are honestly the comfiest in the country", True),
        ("lol you're way quicker than the last kennel we used", True),
        ("wow, your groomers are the nicest people", True),
        ("hehe that spaniel on the webcam is adorable", True),
        # no laughter, a question, a denial, the user's own trouble
        ("your groomers are the nicest people", False),
        ("haha can I bring two dogs?", False),
        ("wow your website still isn't working", False),
        ("lol my dog ate the booking letter", False),
    ],
)
def test_a_remark_after_laughter(text: str, remark: bool) -> None:
    assert (remark_after_laughter(text) is not None) is remark


KENNEL_DOMAIN = """\
slots:
  dog_name: {type: text}
  dog_size:
    type: categorical
    values: [small, medium, large]
  groom_type:
    type: categorical
    values: [bath and brush, full groom, nail trim]
  stay_reference: {type: text}
responses:
  utter_ask_dog_name:
    - text: What's your dog called?
  utter_ask_dog_size:
    - text: Is your dog small, medium or large?
  utter_ask_groom_type:
    - text: Which groom would you like?
  utter_ask_stay_reference:
    - text: What's the reference of the stay?
  utter_done:
    - text: Done.
"""
KENNEL_FLOWS = """\
flows:
  book_boarding:
    name: book a kennel stay
    description: Book a stay at the kennels for a dog while the owners are away.
    steps:
      - collect: dog_name
      - collect: dog_size
      - action: utter_done
  book_grooming:
    name: book a grooming appointment
    description: Book a groom for a dog with one of our groomers, a bath and brush, a full groom
      or a nail trim.
    steps:
      - collect: groom_type
      - collect: dog_name
      - action: utter_done
  talk_to_staff:
    name: talk to the kennel staff
    description: Put the owner through to a member of the kennel staff.
    steps:
      - action: utter_done
  cancel_stay:
    name: cancel a kennel stay
    description: Cancel a stay that was booked.
    steps:
      - collect: stay_reference
      - action: utter_done
"""


@pytest.fixture
def kennel(tmp_path: Path) -> Project:
    return write_project(tmp_path, KENNEL_DOMAIN, KENNEL_FLOWS)


@needs_model
@pytest.mark.parametrize(
    "remark",
    [
        "haha your kennel staff are honestly the nicest people in town",
        "lol your full grooms always make her look like a teddy bear",
        "wow you're way quicker than the last kennel we used",
    ],
)
async def test_a_remark_after_laughter_mid_flow_is_small_talk(kennel: Project, remark: str) -> None:
    commands = await last_commands(kennel, ["I want to book a kennel stay", "Biscuit", remark])
    assert ChitChat() in commands, commands
    assert not any(isinstance(c, StartFlow) for c in commands), commands


@needs_model
@pytest.mark.parametrize(
    ("message", "flow"),
    [
        ("haha ok, can I book a nail trim for him too?", "book_grooming"),
        ("lol I need to cancel my kennel stay", "cancel_stay"),
    ],
)
async def test_laughter_before_a_request_still_asks_for_the_flow(
    kennel: Project, message: str, flow: str
) -> None:
    commands = await first_commands(kennel, message)
    assert StartFlow(flow=flow) in commands, commands


FERRY_DOMAIN = """\
slots:
  booking_reference: {type: text}
  route: {type: text}
  lost_item: {type: text}
responses:
  utter_ask_booking_reference:
    - text: What's your booking reference? It starts with FR.
  utter_ask_route:
    - text: Which route would you like to sail?
  utter_ask_lost_item:
    - text: What did you leave on board?
  utter_done:
    - text: Done.
"""
FERRY_FLOWS = """\
flows:
  book_crossing:
    name: book a ferry crossing
    description: Book a ferry crossing for foot passengers or a car.
    steps:
      - collect: route
      - action: utter_done
  change_booking:
    name: change a ferry booking
    description: Move a booked crossing to another sailing.
    steps:
      - collect: booking_reference
      - collect: route
      - action: utter_done
  report_lost_property:
    name: report lost property
    description: Report something a passenger left behind on board one of our ships.
    steps:
      - collect: lost_item
      - collect: booking_reference
      - action: utter_done
"""


@pytest.fixture
def ferry(tmp_path: Path) -> Project:
    return write_project(tmp_path, FERRY_DOMAIN, FERRY_FLOWS)


@needs_model
@pytest.mark.parametrize(
    ("message", "flow"),
    [
        (
            "I think I left my jacket on the ship last night, booking FR-20931",
            "report_lost_property",
        ),
        ("left my reading glasses in the ship's lounge. booking FR-77120", "report_lost_property"),
    ],
)
async def test_a_reference_with_its_label_does_not_choose_the_flow(
    ferry: Project, message: str, flow: str
) -> None:
    commands: set[Command] = await first_commands(ferry, message)
    assert StartFlow(flow=flow) in commands, commands


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("how much is a contact lens fitting?", True),
        ("what do you charge for a children's eye test", True),
        ("what does a standard eye test cost here", True),
        ("prices for a crossing with a campervan?", True),
        ("whats the cost of a full groom", True),
        # what the user owes or has, or no question of cost
        ("how much do I owe you?", False),
        ("how much is my bill this month", False),
        ("how much credit have I got left", False),
        ("I want to dispute a charge", False),
    ],
)
def test_a_question_of_what_something_costs(text: str, price: bool) -> None:
    assert asks_price(text) is price


OPTICIANS_DOMAIN = """\
slots:
  test_type:
    type: categorical
    values: [standard eye test, contact lens fitting, children's eye test]
  price_service:
    type: categorical
    values: [standard eye test, contact lens fitting, children's eye test, varifocal lenses]
  lens_brand: {type: text}
responses:
  utter_ask_test_type:
    - text: Which kind of appointment would you like?
  utter_ask_price_service:
    - text: Which service would you like a price for?
  utter_ask_lens_brand:
    - text: Which lenses do you wear?
  utter_done:
    - text: Done.
"""
OPTICIANS_FLOWS = """\
flows:
  book_eye_test:
    name: book an eye test
    description: Book an appointment with an optometrist, a standard eye test, a contact lens
      fitting or a children's eye test.
    steps:
      - collect: test_type
      - action: utter_done
  service_prices:
    name: ask about prices
    description: Tell the customer what one of our services costs.
    steps:
      - collect: price_service
      - action: utter_done
  reorder_lenses:
    name: reorder contact lenses
    description: Send the customer another supply of the contact lenses they wear.
    steps:
      - collect: lens_brand
      - action: utter_done
"""


@pytest.fixture
def opticians(tmp_path: Path) -> Project:
    return write_project(tmp_path, OPTICIANS_DOMAIN, OPTICIANS_FLOWS)


@needs_model
@pytest.mark.parametrize(
    ("message", "flow"),
    [
        ("how much is a contact lens fitting?", "service_prices"),
        ("what do you charge for a children's eye test", "service_prices"),
        ("what would a standard eye test cost me", "service_prices"),
        ("I'd like to book a contact lens fitting", "book_eye_test"),
    ],
)
async def test_a_question_of_cost_asks_the_flow_named_for_prices(
    opticians: Project, message: str, flow: str
) -> None:
    commands = await first_commands(opticians, message)
    assert StartFlow(flow=flow) in commands, commands
