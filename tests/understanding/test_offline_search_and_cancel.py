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

from calmtui.core.commands import CancelFlow, ChitChat, KnowledgeAnswer, SetSlot, StartFlow
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
    assert found == [(ChitChat(),)]  # off topic, in words: Rasa's `offtopic reply`
    # Nor is a question the order number being asked for: the user did not understand or
    # digresses, so the assistant answers it as off topic and asks again.
    found = await commands_for(project, "track my order", "how long do refunds take?")
    assert found[1] == (ChitChat(),)
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


TICKETS_CONFIG = """\
recipe: default.v1
language: en
pipeline:
  - name: SearchReadyLLMCommandGenerator
policies:
  - name: FlowPolicy
  - name: EnterpriseSearchPolicy
"""
TICKETS_DOMAIN = """\
slots:
  issue:
    type: text
responses:
  utter_ask_issue:
    - text: In a sentence, what is going wrong?
  utter_ticket_opened:
    - text: Ticket opened.
"""
TICKETS_FLOWS = """\
flows:
  open_ticket:
    description: Open a support ticket for a problem the user has with their broadband.
    metadata:
      examples:
        - open a ticket
        - my internet is down
    steps:
      - collect: issue
      - action: utter_ticket_opened
"""


def tickets(tmp_path: Path) -> Project:
    """A project with knowledge search by EnterpriseSearchPolicy (no pattern_search of its own)
    and one transactional flow whose words ("open") an information question shares."""
    (tmp_path / "config.yml").write_text(TICKETS_CONFIG)
    (tmp_path / "domain.yml").write_text(TICKETS_DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(TICKETS_FLOWS)
    return load(tmp_path)


@pytest.mark.parametrize(
    "question",
    ["what are your opening hours", "what are your opening hours?", "do you ship to Canada?",
     "do you ship to Canada", "do you have a shop in Leeds?"],
)  # fmt: skip
async def test_an_information_question_is_searched_not_the_nearest_flow(
    tmp_path: Path, question: str
) -> None:
    """At "anything else?" after a flow, and with nothing running: the knowledge command, even
    without a '?', though "opening" shares a word with "open a ticket"."""
    project = tickets(tmp_path)
    found = await commands_for(project, "open a ticket", "it drops every evening", question)
    assert found[2] == (KnowledgeAnswer(),)
    found = await commands_for(project, question)
    assert found == [(KnowledgeAnswer(),)]


async def test_at_a_free_text_question_an_information_question_is_searched(
    tmp_path: Path,
) -> None:
    """ "In a sentence, what is going wrong?" takes any sentence, but not a question about the
    business (searched, with or without its '?'); a question about the user's own things is the
    answer."""
    project = tickets(tmp_path)
    found = await commands_for(project, "open a ticket", "what are your opening hours")
    assert found[1] == (KnowledgeAnswer(),)
    found = await commands_for(project, "open a ticket", "why is my internet so slow")
    assert found[1] == (SetSlot(name="issue", value="why is my internet so slow"),)


async def test_requests_and_questions_about_the_users_own_things_still_start_flows(
    tmp_path: Path,
) -> None:
    project = tickets(tmp_path)
    for request in ("can you open a ticket for me?", "my internet is down", "open a ticket"):
        found = await commands_for(project, request)
        assert found == [(StartFlow(flow="open_ticket"),)], request


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what are your opening hours", "information"),
        ("do you ship to Canada", "information"),
        ("is there parking?", "information"),
        ("How long does delivery take?", "information"),
        ("where is my order?", "request"),
        ("what's my balance", "request"),
        ("can you reset the password", "request"),
        ("could I get a refund?", "request"),
        ("I want to return a jacket", None),
        ("do it", None),
        ("", None),
    ],
)
def test_question_kind(text: str, kind: str | None) -> None:
    assert lexicon.question_kind(text) == kind


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
