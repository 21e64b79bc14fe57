"""General phrasing any project's users write (issue 13, round 3): rules about language, not
about one project's words. Each test builds a small project of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.model.project import Project
from calmtui.core.model.slots import Slot
from calmtui.understanding.categorical_meaning import value_by_meaning
from calmtui.understanding.flow_catalog import FlowCatalog
from calmtui.understanding.flow_matching import rank_flows
from calmtui.understanding.phrasal_verbs import one_verb
from tests.understanding.conftest import load

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
