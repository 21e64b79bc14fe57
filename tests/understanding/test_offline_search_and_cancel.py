"""Offline understanding of two everyday phrasings found in realistic projects.

* In a project that answers questions from documents (pattern_search runs action_trigger_search,
  or EnterpriseSearchPolicy is configured), a question no flow handles is `search and reply`,
  also while a text slot is being asked. Elsewhere it stays "cannot handle".
* "Stop, I don't want to pay now": a cancel phrase as the first clause cancels the flow.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from calmtui.core.commands import CancelFlow, CannotHandle, KnowledgeAnswer, SetSlot, StartFlow
from calmtui.core.model.project import Project
from calmtui.understanding import lexicon
from calmtui.understanding.offline import OfflineGenerator
from tests.understanding.conftest import converse, load

pytestmark = pytest.mark.anyio

DOMAIN = """\
slots:
  order_number:
    type: text
responses:
  utter_ask_order_number:
    - text: Your order number?
  utter_status:
    - text: On its way.
"""
FLOWS = """\
flows:
  track_order:
    description: Look up the delivery status of an order.
    steps:
      - collect: order_number
      - action: utter_status
"""
SEARCH_PATTERN = """\
  pattern_search:
    description: Answer from documents.
    steps:
      - action: action_trigger_search
"""


def make(tmp_path: Path, *, search: bool) -> Project:
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(dedent(FLOWS + (SEARCH_PATTERN if search else "")))
    return load(tmp_path)


async def commands_for(project: Project, *messages: str) -> list[tuple[object, ...]]:
    results = await converse(project, OfflineGenerator(), list(messages))
    return [r.understanding.commands if r.understanding else () for r in results]


async def test_questions_go_to_the_knowledge_base_when_there_is_one(tmp_path: Path) -> None:
    found = await commands_for(make(tmp_path, search=True), "How long does express delivery take?")
    assert found == [(KnowledgeAnswer(),)]


async def test_a_question_while_a_text_slot_is_asked_is_not_the_answer(tmp_path: Path) -> None:
    project = make(tmp_path, search=True)
    found = await commands_for(project, "track my order", "how long do refunds take?")
    assert found == [(StartFlow(flow="track_order"),), (KnowledgeAnswer(),)]


async def test_without_a_knowledge_base_questions_are_not_searched(tmp_path: Path) -> None:
    project = make(tmp_path, search=False)
    found = await commands_for(project, "What are your opening hours?")
    assert found == [(CannotHandle(),)]
    # Nor is a question the order number being asked for: the user did not understand or
    # digresses, so the assistant says it cannot handle that and asks again.
    found = await commands_for(project, "track my order", "how long do refunds take?")
    assert found[1] == (CannotHandle(),)
    found = await commands_for(project, "track my order", "A-1234")
    assert found[1] == (SetSlot(name="order_number", value="A-1234"),)


async def test_a_leading_cancel_clause_cancels(tmp_path: Path) -> None:
    project = make(tmp_path, search=False)
    found = await commands_for(project, "track my order", "stop, I don't want to do this now")
    assert found[1] == (CancelFlow(),)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("stop, I don't want to pay now", True),
        ("Never mind - I'll call you later", True),
        ("cancel. wrong button", True),
        ("stop", False),  # a whole-message cancel is is_cancel's job
        ("stop signs are red, aren't they", False),
        ("no, I want the other one", False),
    ],
)
def test_cancels_first(text: str, expected: bool) -> None:
    assert lexicon.cancels_first(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How long does delivery take?", True),
        ("do you ship to Norway?", True),
        ("what's the return policy?", True),
        ("shipping costs?", False),
        ("how long does delivery take", False),
        ("I want to return a jacket?", False),
    ],
)
def test_is_question(text: str, expected: bool) -> None:
    assert lexicon.is_question(text) is expected
