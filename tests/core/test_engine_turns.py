"""The turn machine's API and the behaviours that do not fit a conversation golden: runaway
flows, custom action outcomes in detail, templated names."""

from __future__ import annotations

import pytest

from calmtui.core.commands import SetSlot, StartFlow
from calmtui.core.dialogue.outcome import (
    ActionFollowup,
    ActionMessage,
    ActionRestarted,
    ActionResult,
    ActionSlotSet,
    ActionSlotsReset,
    ActionUtterance,
)
from calmtui.core.engine import Engine, PendingAction
from calmtui.core.engine.executor import MAX_ACTIONS_PER_TURN, render_names
from calmtui.core.events import (
    ActionExecuted,
    ActionFailed,
    BotUttered,
    EngineNote,
    FrameDropped,
    Restarted,
    SlotSet,
)
from calmtui.core.model.domain import Button
from tests.core.project_builder import DOMAIN, FLOWS, build
from tests.core.test_engine_projects import run_turn

LOOPS = """
flows:
  chatter:
    description: Says the same thing forever.
    steps:
      - id: again
        action: utter_done
        next: again
  pattern_internal_error:
    description: A broken override that loops too.
    steps:
      - id: spin
        noop: true
        next: spin
  spin:
    description: Loops without actions.
    steps:
      - id: round
        noop: true
        next: round
"""


def test_a_flow_that_utters_forever_is_stopped_and_the_turn_listens() -> None:
    engine = Engine(build(flows=LOOPS))
    outcome = run_turn(engine, engine.new_state(), [StartFlow(flow="chatter")])
    bots = [e for e in outcome.events if isinstance(e, BotUttered)]
    assert MAX_ACTIONS_PER_TURN <= len(bots) <= MAX_ACTIONS_PER_TURN + 2
    assert any(isinstance(e, EngineNote) and e.code == "circuit_breaker" for e in outcome.events)
    last = outcome.events[-1]
    assert isinstance(last, ActionExecuted)
    assert last.name == "action_listen"
    assert outcome.state.stack == ()


def test_when_recovering_loops_again_the_stack_is_cleared() -> None:
    engine = Engine(build(flows=LOOPS))
    outcome = run_turn(engine, engine.new_state(), [StartFlow(flow="spin")])
    notes = [e for e in outcome.events if isinstance(e, EngineNote) and e.code == "circuit_breaker"]
    assert len(notes) == 2
    assert any(isinstance(e, FrameDropped) for e in outcome.events)
    assert [e.utter_action for e in outcome.events if isinstance(e, BotUttered)] == [
        "utter_internal_error_rasa"
    ]
    assert outcome.state.stack == ()
    assert outcome.events[-1] == ActionExecuted(name="action_listen")


def _transfer_waiting_for_confirmation() -> tuple[Engine, object]:
    engine = Engine(build(domain=DOMAIN, flows=FLOWS))
    commands = [
        StartFlow(flow="transfer"),
        SetSlot(name="recipient", value="Ann"),
        SetSlot(name="amount", value="5"),
        SetSlot(name="account", value="checking"),
    ]
    return engine, run_turn(engine, engine.new_state(), commands).state


def test_the_machine_pauses_for_custom_actions_and_applies_their_outcome() -> None:
    engine, state = _transfer_waiting_for_confirmation()
    machine = engine.start_turn(state, "yes", [SetSlot(name="confirm", value=True)])
    pending = machine.advance()
    assert pending == PendingAction(
        name="action_transfer", flow_id="transfer", step_id="transfer_4_action_transfer"
    )
    machine.complete_action(
        pending,
        ActionResult(
            events=(
                ActionSlotSet(name="amount", value="7"),
                ActionFollowup(name="x"),
                ActionSlotsReset(),
            ),
            responses=(
                ActionUtterance(name="utter_done"),
                ActionMessage(text="plain", buttons=(Button(title="t", payload="/p"),)),
            ),
        ),
    )
    assert machine.advance() is None
    outcome = machine.finish()
    kinds = [(type(e).__name__, getattr(e, "name", getattr(e, "code", ""))) for e in outcome.events]
    start = kinds.index(("ActionExecuted", "action_transfer"))
    assert kinds[start + 1 : start + 5] == [
        ("BotUttered", ""),
        ("BotUttered", ""),
        ("SlotSet", "amount"),
        ("EngineNote", "unsupported_event"),
    ]
    assert SlotSet(name="amount", value=7.0) in outcome.events
    plain = next(m for m in outcome.bot_messages if m.text == "plain")
    assert plain.buttons == [{"title": "t", "payload": "/p"}]
    assert plain.utter_action is None
    assert outcome.state.slots["recipient"] is None  # reset_slots


def test_a_message_naming_a_response_keeps_its_own_buttons_and_other_parts() -> None:
    """Rasa parity (r7): the response is rendered, the message's buttons come after the
    response's, its other non-empty parts are kept where the response sets none."""
    engine, state = _transfer_waiting_for_confirmation()
    machine = engine.start_turn(state, "yes", [SetSlot(name="confirm", value=True)])
    pending = machine.advance()
    assert pending is not None
    machine.complete_action(
        pending,
        ActionResult(
            responses=(
                ActionUtterance(
                    name="utter_done",
                    parts=ActionMessage(
                        text="ignored: the response has a text",
                        image="https://example.com/receipt.png",
                        custom={},
                        buttons=(Button(title="Receipt", payload="/SetSlots(confirm=true)"),),
                    ),
                ),
            )
        ),
    )
    assert machine.advance() is None
    done = next(m for m in machine.finish().bot_messages if m.utter_action == "utter_done")
    assert done.text == "Done."
    assert done.buttons == [{"title": "Receipt", "payload": "/SetSlots(confirm=true)"}]
    assert done.data["image"] == "https://example.com/receipt.png"
    assert "custom" not in done.data


def test_a_failed_action_is_recorded_and_the_turn_still_listens() -> None:
    engine, state = _transfer_waiting_for_confirmation()
    machine = engine.start_turn(state, "yes", [SetSlot(name="confirm", value=True)])
    pending = machine.advance()
    assert pending is not None
    machine.complete_action(pending, ActionResult(error="timeout", detail="no answer in 10 s"))
    assert machine.advance() is None
    outcome = machine.finish()
    assert (
        ActionFailed(name="action_transfer", error="timeout", detail="no answer in 10 s")
        in outcome.events
    )
    last = outcome.events[-1]
    assert isinstance(last, ActionExecuted)
    assert last.name == "action_listen"
    assert all(f.flow_id != "transfer" for f in outcome.state.stack)


def test_an_action_restart_event_forgets_the_conversation() -> None:
    engine, state = _transfer_waiting_for_confirmation()
    machine = engine.start_turn(state, "yes", [SetSlot(name="confirm", value=True)])
    pending = machine.advance()
    assert pending is not None
    machine.complete_action(pending, ActionResult(events=(ActionRestarted(),)))
    assert machine.advance() is None
    outcome = machine.finish()
    assert any(isinstance(e, Restarted) for e in outcome.events)
    assert outcome.state.stack == ()
    assert outcome.state.slots["recipient"] is None


def test_the_session_start_turn_runs_the_session_start_pattern() -> None:
    engine = Engine(build())
    machine = engine.start_session(engine.new_state())
    assert machine.advance() is None
    outcome = machine.finish()
    kinds = [e.event for e in outcome.events if e.event != "stack"]
    assert kinds == ["flow_started", "action", "session_started", "flow_completed", "action"]
    assert outcome.state.turn == 0  # no user message yet


def test_the_next_turn_can_tell_which_flow_definitions_ran() -> None:
    engine, state = _transfer_waiting_for_confirmation()
    assert set(state.flow_hashes) == {f.flow_id for f in state.stack}
    assert state.flow_hashes["transfer"] == engine.index.flow_hash("transfer")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("utter_{{context.collect}}", "utter_amount"),
        ("{{ context.utter }}", "utter_ask_amount"),
        ("validate_{{context.missing}}", "validate_"),
        ("{{context.none}}", "None"),
        ("plain_name", "plain_name"),
        ("utter_{{ slots.tier | upper }}", "utter_GOLD"),
    ],
)
def test_action_names_are_rendered_from_context_and_slots(template: str, expected: str) -> None:
    context = {"collect": "amount", "utter": "utter_ask_amount", "none": None}
    assert render_names(template, context, {"tier": "gold"}) == expected


def _followup(name: str) -> ActionResult:
    return ActionResult(events=(ActionFollowup(name=name),))


def _confirm_with_audit() -> tuple[Engine, object]:
    domain = DOMAIN.replace("  - action_transfer\n", "  - action_transfer\n  - action_audit\n")
    engine = Engine(build(domain=domain, flows=FLOWS))
    commands = [
        StartFlow(flow="transfer"),
        SetSlot(name="recipient", value="Ann"),
        SetSlot(name="amount", value="5"),
        SetSlot(name="account", value="checking"),
    ]
    return engine, run_turn(engine, engine.new_state(), commands).state


def test_a_followup_response_is_said_right_after_the_action_before_the_flow_goes_on() -> None:
    engine, state = _transfer_waiting_for_confirmation()
    machine = engine.start_turn(state, "yes", [SetSlot(name="confirm", value=True)])
    pending = machine.advance()
    assert pending is not None
    machine.complete_action(pending, _followup("utter_ask_amount"))
    assert machine.advance() is None
    outcome = machine.finish()
    names = [e.name for e in outcome.events if isinstance(e, ActionExecuted)]
    start = names.index("action_transfer")
    assert names[start : start + 3] == ["action_transfer", "utter_ask_amount", "utter_done"]
    followed = next(
        e for e in outcome.events if isinstance(e, ActionExecuted) and e.name == "utter_ask_amount"
    )
    assert (followed.flow_id, followed.step_id) == (pending.flow_id, pending.step_id)


def test_a_followup_custom_action_is_run_next_at_the_same_step() -> None:
    engine, state = _confirm_with_audit()
    machine = engine.start_turn(state, "yes", [SetSlot(name="confirm", value=True)])
    first = machine.advance()
    assert first is not None
    machine.complete_action(first, _followup("action_audit"))
    second = machine.advance()
    assert second == PendingAction(
        name="action_audit", flow_id=first.flow_id, step_id=first.step_id
    )
    machine.complete_action(second, ActionResult())
    assert machine.advance() is None
    utters = [m.utter_action for m in machine.finish().bot_messages]
    assert utters[0] == "utter_done"


def test_followups_that_loop_trip_the_circuit_breaker() -> None:
    engine, state = _confirm_with_audit()
    machine = engine.start_turn(state, "yes", [SetSlot(name="confirm", value=True)])
    runs = 0
    while (pending := machine.advance()) is not None:
        runs += 1
        machine.complete_action(pending, _followup("action_audit"))
    outcome = machine.finish()
    # every action of the turn counts, the flow's own steps included
    assert MAX_ACTIONS_PER_TURN - 5 <= runs <= MAX_ACTIONS_PER_TURN
    assert any(isinstance(e, EngineNote) and e.code == "circuit_breaker" for e in outcome.events)
    assert "utter_internal_error_rasa" in [m.utter_action for m in outcome.bot_messages]
    last = outcome.events[-1]
    assert isinstance(last, ActionExecuted)
    assert last.name == "action_listen"
    assert all(f.flow_id != "transfer" for f in outcome.state.stack)


@pytest.mark.parametrize("name", ["action_listen", "action_nobody_defined", None])
def test_a_followup_that_cannot_run_is_a_visible_note(name: str | None) -> None:
    engine, state = _transfer_waiting_for_confirmation()
    machine = engine.start_turn(state, "yes", [SetSlot(name="confirm", value=True)])
    pending = machine.advance()
    assert pending is not None
    machine.complete_action(pending, _followup(name))
    assert machine.advance() is None
    outcome = machine.finish()
    notes = [e.message for e in outcome.events if isinstance(e, EngineNote)]
    assert any(f"follow up with {name!r}" in n and "ignored" in n for n in notes)
    assert outcome.bot_messages[0].utter_action == "utter_done"
