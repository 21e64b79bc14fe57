"""Carrying a conversation over to a new project version is a pure function of the state and
the two versions' indexes (`calmtui.core.dialogue.reload`)."""

from __future__ import annotations

from calmtui.core.commands import SetSlot, StartFlow
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.reload import carry_over
from calmtui.core.dialogue.state import DialogueState, preset_slots
from calmtui.core.engine import Engine
from tests.core.project_builder import build

DOMAIN = """\
slots:
  recipient: {type: text}
  amount: {type: float}
responses:
  utter_ask_recipient: [{text: "Who?"}]
  utter_ask_amount: [{text: "How much?"}]
  utter_done: [{text: "Done."}]
"""
FLOWS = """\
flows:
  transfer:
    description: Send money.
    steps:
      - collect: recipient
      - collect: amount
      - action: utter_done
  other:
    description: Something else.
    steps:
      - action: utter_done
"""


def _waiting_for_amount() -> tuple[Engine, DialogueState]:
    engine = Engine(build(domain=DOMAIN, flows=FLOWS))
    commands = [StartFlow(flow="transfer"), SetSlot(name="recipient", value="Anna")]
    machine = engine.start_turn(engine.new_state(), "send Anna money", commands)
    assert machine.advance() is None
    return engine, machine.finish().state


def test_an_unchanged_version_keeps_everything() -> None:
    engine, state = _waiting_for_amount()
    carried, report = carry_over(state, engine.index, ProjectIndex.of(engine.project))
    assert carried.stack == state.stack
    assert carried.slots == state.slots
    assert (report.changed_flows, report.added_flows, report.removed_flows) == ((), (), ())
    assert report.dropped == ()


def test_a_removed_flow_is_dropped_with_its_question_and_slots_follow_the_domain() -> None:
    engine, state = _waiting_for_amount()
    domain = DOMAIN.replace("  amount: {type: float}\n", "  note: {type: text}\n")
    flows = (
        FLOWS.split("  other:")[0]
        .replace("transfer", "transfer_v2")
        .replace("      - collect: amount\n", "")
    )
    new = ProjectIndex.of(build(domain=domain, flows=flows))
    carried, report = carry_over(state, engine.index, new)
    assert [f.flow_id for f in state.stack] == ["transfer", "pattern_collect_information"]
    assert carried.stack == ()
    assert [(d.flow_id, d.reason) for d in report.dropped] == [
        ("transfer", "the flow was removed"),
        ("pattern_collect_information", "it belonged to 'transfer'"),
    ]
    assert report.removed_flows == ("other", "transfer")
    assert report.added_flows == ("transfer_v2",)
    assert carried.slots["recipient"] == "Anna"
    assert "amount" not in carried.slots
    assert carried.slots["note"] is None
    assert state.stack  # the old state is untouched: carrying over is pure


def test_preset_slots_coerces_and_ignores_unknown_names() -> None:
    engine = Engine(build(domain=DOMAIN, flows=FLOWS))
    state = engine.new_state()
    preset, events = preset_slots(state, engine.index.slots, {"amount": "12", "nope": 1})
    assert preset.slots["amount"] == 12.0
    assert "amount" in preset.slots_set
    assert [(e.name, e.value) for e in events] == [("amount", 12.0)]
    assert state.slots["amount"] is None
