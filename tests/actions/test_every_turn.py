"""A `controlled` slot mapping's `run_action_every_turn` action runs every turn, as in Rasa
(issue 11 §5): Rasa's action_extract_slots runs it after each user message is recorded and
before the message's commands are applied, once per action; only its slots and messages are
kept, and a failure is noted without the internal-error pattern. End to end, with an in-process
action that keeps state per conversation."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.actions.factory import make_action_runner
from calmtui.core.events import EngineNote, FlowStarted, SlotSet, UserUttered
from calmtui.core.model.project import Project
from calmtui.session import Session, TurnResult
from calmtui.understanding.scripted import ScriptedGenerator
from tests.actions.conftest import load, write_project

pytestmark = pytest.mark.anyio

DOMAIN = """\
slots:
  messages_seen:
    type: float
    initial_value: 0
    mappings:
      - type: controlled
        run_action_every_turn: action_count_messages
  vip:
    type: bool
    mappings:
      - type: controlled
        run_action_every_turn: action_count_messages
  amount:
    type: float
responses:
  utter_ask_amount:
    - text: "How much?"
  utter_seen:
    - text: "Message number {messages_seen}."
  utter_vip:
    - text: "Welcome back, valued customer."
actions:
  - action_count_messages
"""
FLOWS = """\
flows:
  greet:
    description: say hello
    steps:
      - noop: true
        next:
          - if: slots.vip
            then:
              - action: utter_vip
                next: END
          - else:
              - action: utter_seen
                next: END
  pay:
    description: pay an amount
    steps:
      - collect: amount
      - action: utter_seen
"""
ACTIONS = """\
from calmtui.actions.sdk import action

SEEN = {}  # per conversation: the state an action server keeps between calls


@action("action_count_messages")
def count_messages(tracker, dispatcher):
    SEEN[tracker.sender_id] = SEEN.get(tracker.sender_id, 0) + 1
    if tracker.latest_message.get("text") == "boom":
        raise RuntimeError("the CRM is down")
    if tracker.latest_message.get("text") == "restart me":
        return [{"event": "restart"}, {"event": "slot", "name": "messages_seen", "value": 99}]
    return {"messages_seen": SEEN[tracker.sender_id], "vip": SEEN[tracker.sender_id] >= 3}
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return load(write_project(tmp_path / "shop", actions=ACTIONS, domain=DOMAIN, flows=FLOWS))


async def converse(
    project: Project, turns: list[tuple[str, str]], sender: str = "anna"
) -> list[TurnResult]:
    session = Session(
        project,
        generator=ScriptedGenerator([dsl for _, dsl in turns]),
        action_runner=make_action_runner(project),
        sender_id=sender,
    )
    return [await session.turn(text) for text, _ in turns]


def seen(result: TurnResult) -> list[object]:
    return [e.value for e in result.events if isinstance(e, SlotSet) and e.name == "messages_seen"]


async def test_the_action_runs_after_every_message_before_the_commands(project: Project) -> None:
    results = await converse(
        project,
        [("hi", "start flow greet"), ("pay", "start flow pay"), ("hi again", "start flow greet")],
    )
    assert [seen(r) for r in results] == [[1.0], [2.0], [3.0]]
    first = results[0]
    # once per message although two slots name it; its slots are set before the flow starts
    assert [c.name for c in first.action_calls] == ["action_count_messages"]
    kinds = [type(e).__name__ for e in first.events]
    assert kinds.index("SlotSet") < kinds.index("FlowStarted")
    [user] = [e for e in first.events if isinstance(e, UserUttered)]
    assert user.commands == ("start flow greet",)  # the commands are still listed on the message
    assert first.bot_messages[0].text == "Message number 1.0."
    # the slot it set at the third message decides that turn's branch
    assert results[2].bot_messages[0].text == "Welcome back, valued customer."


async def test_each_conversation_has_its_own_count(project: Project) -> None:
    await converse(project, [("hi", "start flow greet"), ("hi", "start flow greet")], "anna")
    [other] = await converse(project, [("hi", "start flow greet")], "ben")
    assert seen(other) == [1.0]


async def test_the_session_start_does_not_run_it(project: Project) -> None:
    session = Session(
        project,
        generator=ScriptedGenerator([]),
        action_runner=make_action_runner(project),
    )
    start = await session.start()
    assert start.action_calls == ()


async def test_a_failure_is_noted_and_the_turn_goes_on(project: Project) -> None:
    [result] = await converse(project, [("boom", "start flow pay")])
    notes = [e.message for e in result.events if isinstance(e, EngineNote)]
    assert any("action_count_messages (run_action_every_turn) failed" in n for n in notes)
    assert any(isinstance(e, FlowStarted) and e.flow_id == "pay" for e in result.events)
    assert [m.text for m in result.bot_messages] == ["How much?"]


async def test_only_slots_and_messages_are_kept(project: Project) -> None:
    [result] = await converse(project, [("restart me", "start flow pay")])
    notes = [e.message for e in result.events if isinstance(e, EngineNote)]
    assert any("returned Restarted: only slots and messages are kept" in n for n in notes)
    assert seen(result) == [99.0]
    assert [m.text for m in result.bot_messages] == ["How much?"]
