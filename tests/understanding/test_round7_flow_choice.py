"""Which flow a message starts, round 7 of issue 13: rules about language, each checked on a small
project of its own (a domain no tune project has: a bike shop with a repair desk)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.commands import Clarify, Command, StartFlow
from calmtui.core.model.project import Project
from calmtui.understanding.flow_catalog import catalog_for
from calmtui.understanding.flow_matching import (  # pyright: ignore[reportPrivateUsage]
    Candidate,
    same_request_verb,
    tells_fault,
    verbs_in,
)
from calmtui.understanding.flow_start import (  # pyright: ignore[reportPrivateUsage]
    _bare_object,
    _said_verbs,
    _verb_said_instead,
    lead_word,
)  # pyright: ignore[reportPrivateUsage]
from calmtui.understanding.lexicon import asks_status
from tests.understanding.conftest import first_commands, needs_model, write_project

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("half the lights stopped working", True),
        ("the card reader isn't working", True),
        ("my pedals don't work since yesterday", True),
        ("the screen on my e-bike has gone blank", True),
        ("my bike computer just died", True),
        ("the frame arrived cracked", True),
        ("my helmet is completely smashed", True),
        ("the charger won't turn on", True),
        # an adjective, a job, a question about cover: no fault told
        ("is a cracked frame covered by the warranty?", False),
        ("I do not work weekends", False),
        ("does the app work abroad", False),
        ("is my repair working out cheaper", False),
        ("I want a new bike", False),
    ],
)
def test_a_message_that_tells_a_fault(text: str, fault: bool) -> None:
    assert tells_fault(text) is fault


@pytest.mark.parametrize(
    ("text", "verbs"),
    [
        ("I want to quit the club", ["quit"]),
        ("purchase two inner tubes, cheap ones", ["purchase", "cheap"]),
        ("can you add a bell to my order?", ["add"]),
        ("and then, sell my old bike", ["sell"]),
        ("end my rental please", ["end"]),
        # a thing, a past form, an adverb, a clause before the request: no verb asked for
        ("my rental is ending soon", []),
        ("where is my bike? dropped it off an hour ago", []),
        ("you sent me the wrong saddle", []),
        ("could you fit new lights, I bought them online", ["fit"]),
        ("my bike - it's quite urgent", []),
        ("before I book, is the shop open?", []),
    ],
)
def test_the_words_in_a_verbs_place(text: str, verbs: list[str]) -> None:
    assert verbs_in(text) == verbs


@pytest.mark.parametrize(
    ("said", "word", "same"),
    [
        ("book", "book", True),
        ("cancell", "cancel", True),  # "cancelled", lightly stemmed
        ("purchas", "buy", True),  # "purchasing"
        ("purchase", "buy", True),
        ("quit", "cancel", True),
        ("end", "stop", True),
        ("sent", "send", True),
        ("paid", "pay", True),
        ("sell", "buy", False),
        ("join", "cancel", False),
        ("rent", "pay", False),
    ],
)
def test_the_same_request_verb(said: str, word: str, same: bool) -> None:
    assert same_request_verb(said, word) is same


@pytest.mark.parametrize(
    ("flow_id", "lead"),
    [
        ("cancel_membership", "cancel"),
        ("buy_parts", "buy"),
        ("gift_aid_declaration", None),  # a noun leads
        ("bike_fitting", None),
        ("checkout", None),  # one word
    ],
)
def test_the_verb_a_flow_id_leads_with(flow_id: str, lead: str | None) -> None:
    assert lead_word(flow_id) == lead


DOMAIN = """\
slots:
  part_name: {type: text}
  bike_model: {type: text}
  membership_number: {type: text}
  fault_description: {type: text}
responses:
  utter_ask_part_name:
    - text: Which part?
  utter_ask_bike_model:
    - text: Which bike is it?
  utter_ask_membership_number:
    - text: What's your membership number?
  utter_ask_fault_description:
    - text: What seems to be wrong with it?
  utter_done:
    - text: Done.
"""
FLOWS = """\
flows:
  buy_parts:
    description: Order spare parts and accessories for a bike.
    steps:
      - collect: part_name
      - action: utter_done
  sell_bike:
    description: Take in a used bike that the customer wants to part-exchange or sell to us.
    steps:
      - collect: bike_model
      - action: utter_done
  join_club:
    description: Start a riders' club membership for the customer.
    steps:
      - collect: membership_number
      - action: utter_done
  cancel_club_membership:
    description: Close a riders' club membership at the end of the month.
    steps:
      - collect: membership_number
      - action: utter_done
  report_bike_fault:
    description: Log a faulty e-bike or broken part for the workshop to look at.
    steps:
      - collect: bike_model
      - collect: fault_description
      - action: utter_done
  book_service:
    description: Book a service for the customer's bike at the workshop.
    steps:
      - collect: bike_model
      - action: utter_done
  book_fitting:
    description: Book a bike fitting session with a fitter.
    steps:
      - collect: bike_model
      - action: utter_done
  extend_rental:
    description: Add more days to a bike rental.
    steps:
      - collect: bike_model
      - action: utter_done
  return_rental:
    description: Finish a bike rental and bring the bike back.
    steps:
      - collect: bike_model
      - action: utter_done
  fit_accessory:
    description: Have the workshop put accessories such as lights or racks on a bike.
    steps:
      - collect: part_name
      - action: utter_done
  repair_status:
    description: Tell the customer how their bike repair is going.
    steps:
      - collect: bike_model
      - action: utter_done
  collect_bike:
    description: Collect the customer's bike from the workshop once it is ready.
    steps:
      - collect: bike_model
      - action: utter_done
"""


@pytest.fixture
def shop(tmp_path: Path) -> Project:
    return write_project(tmp_path, DOMAIN, FLOWS)


@needs_model
@pytest.mark.parametrize(
    ("message", "flow"),
    [
        ("the display on my e-bike has gone blank", "report_bike_fault"),
        ("my gears stopped working on the way home", "report_bike_fault"),
        ("half the lights stopped working", "report_bike_fault"),
    ],
)
async def test_a_fault_told_asks_for_the_flow_about_faults(
    shop: Project, message: str, flow: str
) -> None:
    assert StartFlow(flow=flow) in await first_commands(shop, message)


@needs_model
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("I want to quit the riders club", StartFlow(flow="cancel_club_membership")),
        ("purchase a used bike", StartFlow(flow="buy_parts")),  # not selling one
        ("book my bike in", Clarify(options=("book_service", "book_fitting"))),
    ],
)
async def test_the_verb_said_tells_close_flows_apart(
    shop: Project, message: str, expected: Command
) -> None:
    commands = await first_commands(shop, message)
    if isinstance(expected, Clarify):
        clarified = [c for c in commands if isinstance(c, Clarify)]
        assert clarified, commands
        assert set(clarified[0].options) == set(expected.options)
    else:
        assert expected in commands, commands


def _candidates(*scored: tuple[str, float]) -> list[Candidate]:
    return [Candidate(flow_id=f, score=s, reason="", words=s, meaning=s) for f, s in scored]


@pytest.mark.parametrize(
    ("message", "scored", "close", "expected"),
    [
        # the verb of one close flow: it alone
        (
            "I want to quit the gym",
            [("join_gym", 0.48), ("cancel_membership", 0.47)],
            2,
            ["cancel_membership"],
        ),
        # the verb of several candidates: those from the clarification floor, close or not
        (
            "I want to book my car in",
            [("book_service", 0.6), ("collect_car", 0.55), ("book_mot", 0.44), ("book_wash", 0.2)],
            2,
            ["book_service", "book_mot"],
        ),
        # no verb of theirs, every one's verb, or a noun leading an id: nothing to tell
        ("my car", [("book_service", 0.6), ("collect_car", 0.55)], 2, None),
        ("book it, collect it later", [("book_service", 0.6), ("collect_car", 0.55)], 2, None),
        ("gas meter says 1900", [("submit_reading", 0.4), ("gas_emergency", 0.35)], 2, None),
        ("book a service", [("book_service", 0.6), ("book_mot", 0.55)], 2, None),
    ],
)
def test_close_flows_told_apart_by_the_verb_said(
    message: str, scored: list[tuple[str, float]], close: int, expected: list[str] | None
) -> None:
    candidates = _candidates(*scored)
    said = _said_verbs(message, candidates[:close], candidates)
    assert (None if said is None else [c.flow_id for c in said]) == expected


@pytest.mark.parametrize(
    ("message", "scored", "expected"),
    [
        # the best flow leads with a verb not said, one close behind with the verb said
        (
            "could you fit new lights",
            [("buy_parts", 0.3), ("fit_accessory", 0.27)],
            "fit_accessory",
        ),
        (
            "I'd like to rent a bike, how do I join?",
            [("extend_rental", 0.77), ("join_club", 0.54)],
            "join_club",
        ),
        # too far behind, the best one's verb said too, a past form, no verb
        ("could you fit new lights", [("buy_parts", 0.5), ("fit_accessory", 0.27)], None),
        ("buy lights and fit them", [("buy_parts", 0.3), ("fit_accessory", 0.27)], None),
        ("I fitted the lights myself", [("buy_parts", 0.3), ("fit_accessory", 0.27)], None),
        ("new lights", [("buy_parts", 0.3), ("fit_accessory", 0.27)], None),
        # the best flow's own words say the verb: "Add more days to a bike rental"
        ("add a day", [("extend_rental", 0.4), ("add_bell", 0.35)], None),
    ],
)
def test_the_verb_said_picks_a_flow_behind_the_best(
    shop: Project, message: str, scored: list[tuple[str, float]], expected: str | None
) -> None:
    chosen = _verb_said_instead(message, _candidates(*scored), catalog_for(shop))
    assert (chosen.flow_id if chosen is not None else None) == expected


@pytest.mark.parametrize(
    ("message", "scored", "expected"),
    [
        ("my rental", [("extend_rental", 0.68), ("return_rental", 0.55)], 2),
        ("the rental?", [("extend_rental", 0.68), ("return_rental", 0.55)], 2),
        ("Long story short, my rental", [("extend_rental", 0.68), ("return_rental", 0.55)], 2),
        # a request, a verb, more words about the flows, or one flow's thing only
        ("I'd like a rental", [("extend_rental", 0.68), ("return_rental", 0.55)], 0),
        ("extend my rental", [("extend_rental", 0.68), ("return_rental", 0.55)], 0),
        ("my rental, add more days", [("extend_rental", 0.68), ("return_rental", 0.55)], 0),
        ("my club", [("join_club", 0.68), ("extend_rental", 0.2)], 0),
    ],
)
def test_a_bare_thing_several_flows_act_on_is_clarified(
    shop: Project, message: str, scored: list[tuple[str, float]], expected: int
) -> None:
    bare = _bare_object(message, _candidates(*scored), catalog_for(shop))
    assert (len(bare.flows) if bare is not None else 0) == expected


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("is my bike ready yet?", True),
        ("is the mechanic still coming today?", True),
        ("is my e-bike done?", True),
        ("are our rentals running late", True),
        ("my bike is ready for a service", False),
        ("is it ready", False),
        ("I'm ready to book", False),
    ],
)
def test_asking_whether_something_is_ready(text: str, asks: bool) -> None:
    assert asks_status(text) is asks


@needs_model
async def test_asking_whether_someone_is_still_coming_asks_how_it_stands(shop: Project) -> None:
    commands = await first_commands(shop, "is the mechanic still coming today?")
    assert StartFlow(flow="repair_status") in commands


@needs_model
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("I'd like to book something", {"book_service", "book_fitting"}),
        ("I'd like to book a fitting", None),  # the thing is one flow's: it starts
    ],
)
async def test_the_verb_of_several_flows_without_their_thing_is_clarified(
    shop: Project, message: str, expected: set[str] | None
) -> None:
    commands = await first_commands(shop, message)
    clarified = [set(c.options) for c in commands if isinstance(c, Clarify)]
    assert clarified == ([expected] if expected is not None else []), commands
