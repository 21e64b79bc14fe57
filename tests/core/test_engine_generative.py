"""The engine at generative built-ins: with the EnterpriseSearchPolicy (IntentlessPolicy) it
pauses at action_trigger_search (action_trigger_chitchat) like at a custom action, and each kind
of `GeneratedReply` takes Rasa's path; without the policy the fixed response runs inline. And
`with_bot_texts`, which puts rephrased texts into a finished turn."""

from __future__ import annotations

import pytest

from calmtui.core.commands import ChitChat, KnowledgeAnswer
from calmtui.core.dialogue.outcome import GeneratedReply
from calmtui.core.engine import Engine
from calmtui.core.engine.retext import NewText, with_bot_texts
from calmtui.core.events import ActionFailed, BotUttered, FlowStarted
from tests.core.project_builder import DOMAIN, build

FLOWS = """
flows:
  pattern_search:
    description: search
    steps:
      - action: action_trigger_search
  pattern_chitchat:
    description: chitchat
    steps:
      - action: action_trigger_chitchat
  other:
    description: something else
    steps:
      - action: utter_done
"""
GENERATIVE = """
recipe: default.v1
language: en
policies:
  - name: FlowPolicy
  - name: EnterpriseSearchPolicy
  - name: IntentlessPolicy
"""


def engine(config: str | None = GENERATIVE) -> Engine:
    return Engine(build(domain=DOMAIN, flows=FLOWS, config=config))


def said(events: tuple[object, ...]) -> list[tuple[str | None, str | None]]:
    return [(e.utter_action, e.text) for e in events if isinstance(e, BotUttered)]


def test_the_policies_make_the_triggers_generative() -> None:
    assert engine().index.generative_actions == {
        "action_trigger_search",
        "action_trigger_chitchat",
    }
    assert engine(None).index.generative_actions == frozenset()


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            GeneratedReply(kind="say", text="Paid on the 8th.", metadata={"utter_source": "X"}),
            [(None, "Paid on the 8th.")],
        ),
        (
            GeneratedReply(kind="utter", response="utter_done", metadata={"utter_source": "Y"}),
            [("utter_done", "Done.")],
        ),
        (
            GeneratedReply(kind="cannot_handle", reason="cannot_handle_no_relevant_answer"),
            [("utter_no_relevant_answer_found", "Sorry, I couldn't find an answer to that.")],
        ),
        (GeneratedReply(kind="fallback"), [("utter_no_knowledge_base", None)]),
    ],
)
def test_each_reply_takes_its_path(reply: GeneratedReply, expected: list[tuple]) -> None:
    e = engine()
    machine = e.start_turn(e.new_state(), "a question", [KnowledgeAnswer()])
    pending = machine.advance()
    assert pending is not None
    assert (pending.name, pending.generative) == ("action_trigger_search", True)
    machine.complete_generated(pending, reply)
    assert machine.advance() is None
    outcome = machine.finish()
    # what the reply said first; then pattern_completed asks whether there is anything else
    messages = said(outcome.events)
    assert [m[0] for m in messages] == [
        *(x[0] for x in expected),
        "utter_ask_continue_conversation",
    ]
    for (_, text), (_, wanted) in zip(messages, expected, strict=False):
        assert wanted is None or text == wanted
    if reply.metadata:
        message = next(ev for ev in outcome.events if isinstance(ev, BotUttered))
        assert dict(message.metadata).items() >= dict(reply.metadata).items()


def test_an_error_reply_is_the_internal_error_pattern() -> None:
    e = engine()
    machine = e.start_turn(e.new_state(), "hi", [ChitChat()])
    pending = machine.advance()
    assert pending is not None
    assert pending.name == "action_trigger_chitchat"
    machine.complete_generated(pending, GeneratedReply(kind="error", error="LLM down"))
    assert machine.advance() is None
    outcome = machine.finish()
    (failed,) = [ev for ev in outcome.events if isinstance(ev, ActionFailed)]
    assert failed.error == "LLM down"
    assert "utter_internal_error_rasa" in [m[0] for m in said(outcome.events)]


def test_without_the_policy_the_fixed_response_runs_inline() -> None:
    e = engine(None)
    machine = e.start_turn(e.new_state(), "a question", [KnowledgeAnswer()])
    assert machine.advance() is None
    outcome = machine.finish()
    assert next(m[0] for m in said(outcome.events)) == "utter_no_knowledge_base"
    assert any(
        isinstance(ev, FlowStarted) and ev.flow_id == "pattern_search" for ev in outcome.events
    )


def test_the_engine_stays_deterministic_around_a_generated_reply() -> None:
    def run() -> tuple[object, ...]:
        e = engine()
        machine = e.start_turn(e.new_state(), "q", [KnowledgeAnswer()])
        pending = machine.advance()
        assert pending is not None
        machine.complete_generated(pending, GeneratedReply(kind="say", text="A."))
        machine.advance()
        return machine.finish().events

    assert run() == run()


def test_with_bot_texts_replaces_texts_and_keeps_the_template() -> None:
    e = engine()
    machine = e.start_turn(e.new_state(), "go", [])
    machine.tracker.emit(BotUttered(text="Hello.", metadata={"utter_action": "utter_a"}))
    machine.tracker.emit(BotUttered(text="Hello.", metadata={"utter_action": "utter_b"}))
    machine.advance()
    outcome = machine.finish()
    second = max(i for i, ev in enumerate(outcome.events) if isinstance(ev, BotUttered))
    events, state = with_bot_texts(
        outcome.events, outcome.state, {second: NewText(text="Hi there!", metadata={"k": 1})}
    )
    changed = events[second]
    assert isinstance(changed, BotUttered)
    assert (changed.text, changed.metadata["rephrased_from"], changed.metadata["k"]) == (
        "Hi there!",
        "Hello.",
        1,
    )
    # the later of two equal lines is this message's
    bot_lines = [line for line in state.transcript if line[0] == "bot"]
    assert bot_lines[-2:] == [("bot", "Hello."), ("bot", "Hi there!")]
    assert [m.text for m in state.last_bot_messages][-2:] == ["Hello.", "Hi there!"]
    assert with_bot_texts(outcome.events, outcome.state, {}) == (outcome.events, outcome.state)
