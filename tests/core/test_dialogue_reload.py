"""Carrying a conversation over to a new project version is a pure function of the state and
the two versions' indexes (`calmtui.core.dialogue.reload`): frames re-anchor by step id, then
by position; what cannot be re-anchored is dropped, and its flow's slots are reset."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from calmtui.core.commands import SetSlot, StartFlow
from calmtui.core.dialogue.frames import FlowFrame, PatternFrame
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.reload import carry_over, step_map
from calmtui.core.dialogue.state import DialogueState, checkpoint_key, preset_slots
from calmtui.core.engine import Engine
from calmtui.core.events import BotUttered
from tests.core.project_builder import build

DOMAIN = """\
slots:
  recipient: {type: text}
  amount: {type: float}
  note: {type: text}
responses:
  utter_ask_recipient: [{text: "Who?"}]
  utter_ask_amount: [{text: "How much?"}]
  utter_ask_note: [{text: "A note?"}]
  utter_intro: [{text: "Let's send money."}]
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
COLLECT = "pattern_collect_information"


def _waiting_for_amount() -> tuple[Engine, DialogueState]:
    engine = Engine(build(domain=DOMAIN, flows=FLOWS))
    commands = [StartFlow(flow="transfer"), SetSlot(name="recipient", value="Anna")]
    machine = engine.start_turn(engine.new_state(), "send Anna money", commands)
    assert machine.advance() is None
    return engine, machine.finish().state


def _edited(old: str, new: str) -> str:
    assert old in FLOWS
    return FLOWS.replace(old, new)


@dataclass(frozen=True)
class Edit:
    name: str
    flows: str
    stack: list[str]  # flow@step after the reload, bottom first
    moved: list[tuple[str, str]]  # (old step, new step) of re-anchored frames
    dropped: list[tuple[str, str]]  # (flow, reason)
    reset: list[str]
    recipient: str | None


EDITS = [
    Edit(
        "unchanged",
        FLOWS,
        ["transfer@transfer_1_collect_amount", f"{COLLECT}@{COLLECT}_4_action_listen"],
        [],
        [],
        [],
        "Anna",
    ),
    Edit(
        "a step inserted above the current one renumbers its default id: re-anchored",
        _edited(
            "      - collect: recipient\n",
            "      - action: utter_intro\n      - collect: recipient\n",
        ),
        ["transfer@transfer_2_collect_amount", f"{COLLECT}@{COLLECT}_4_action_listen"],
        [("transfer_1_collect_amount", "transfer_2_collect_amount")],
        [],
        [],
        "Anna",
    ),
    Edit(
        "a step removed above the current one: re-anchored, the answers kept",
        _edited("      - collect: recipient\n", ""),
        ["transfer@transfer_0_collect_amount", f"{COLLECT}@{COLLECT}_4_action_listen"],
        [("transfer_1_collect_amount", "transfer_0_collect_amount")],
        [],
        [],
        "Anna",
    ),
    Edit(
        "a step inserted below the current one: nothing moves",
        _edited(
            "      - action: utter_done\n", "      - collect: note\n      - action: utter_done\n"
        ),
        ["transfer@transfer_1_collect_amount", f"{COLLECT}@{COLLECT}_4_action_listen"],
        [],
        [],
        [],
        "Anna",
    ),
    Edit(
        "the current step's question changed but not its slot: kept",
        _edited("      - collect: amount\n", "      - collect: amount\n        description: sum\n"),
        ["transfer@transfer_1_collect_amount", f"{COLLECT}@{COLLECT}_4_action_listen"],
        [],
        [],
        [],
        "Anna",
    ),
    Edit(
        "the current step now collects another slot: dropped, its flow's slots reset",
        _edited("      - collect: amount\n", "      - collect: note\n"),
        [],
        [],
        [
            ("transfer", "its step 'transfer_1_collect_amount' was removed"),
            (COLLECT, "it belonged to 'transfer'"),
        ],
        ["recipient"],
        None,
    ),
    Edit(
        "the current step removed: dropped, its flow's slots reset",
        _edited("      - collect: amount\n", ""),
        [],
        [],
        [
            ("transfer", "its step 'transfer_1_collect_amount' was removed"),
            (COLLECT, "it belonged to 'transfer'"),
        ],
        ["recipient"],
        None,
    ),
    Edit(
        "the flow removed: dropped, its slots reset (the domain still has them)",
        "flows:\n" + FLOWS.split("flows:\n")[1].split("  other:\n")[1].join(["  other:\n", ""]),
        [],
        [],
        [("transfer", "the flow was removed"), (COLLECT, "it belonged to 'transfer'")],
        ["recipient"],
        None,
    ),
    Edit(
        "persisted slots of a dropped flow keep their value",
        _edited("      - collect: amount\n", "").replace(
            "    description: Send money.\n",
            "    description: Send money.\n    persisted_slots: [recipient]\n",
        ),
        [],
        [],
        [
            ("transfer", "its step 'transfer_1_collect_amount' was removed"),
            (COLLECT, "it belonged to 'transfer'"),
        ],
        [],
        "Anna",
    ),
    Edit(
        "collects that are not reset at the end keep their value",
        _edited("      - collect: amount\n", "").replace(
            "      - collect: recipient\n",
            "      - collect: recipient\n        reset_after_flow_ends: false\n",
        ),
        [],
        [],
        [
            ("transfer", "its step 'transfer_1_collect_amount' was removed"),
            (COLLECT, "it belonged to 'transfer'"),
        ],
        [],
        "Anna",
    ),
]


@pytest.mark.parametrize("edit", EDITS, ids=[e.name for e in EDITS])
def test_an_edit_is_carried_over(edit: Edit) -> None:
    engine, state = _waiting_for_amount()
    new = ProjectIndex.of(build(domain=DOMAIN, flows=edit.flows))
    carried, report = carry_over(state, engine.index, new)
    assert [f"{f.flow_id}@{f.step_id}" for f in carried.stack] == edit.stack
    assert [(m.old_step_id, m.new_step_id) for m in report.moved] == edit.moved
    assert [(d.flow_id, d.reason) for d in report.dropped] == edit.dropped
    assert list(report.reset_slots) == edit.reset
    assert carried.slots["recipient"] == edit.recipient
    assert ("recipient" in carried.filled_by) == (edit.recipient is not None)


def test_an_unchanged_version_keeps_everything() -> None:
    engine, state = _waiting_for_amount()
    carried, report = carry_over(state, engine.index, ProjectIndex.of(engine.project))
    assert carried.stack == state.stack
    assert carried.slots == state.slots
    assert carried.checkpoints == state.checkpoints
    assert (report.changed_flows, report.added_flows, report.removed_flows) == ((), (), ())
    assert (report.dropped, report.moved, report.reset_slots) == ((), (), ())


def test_a_re_anchored_flow_goes_on_at_its_question() -> None:
    engine, state = _waiting_for_amount()
    flows = _edited(
        "      - collect: recipient\n", "      - action: utter_intro\n      - collect: recipient\n"
    )
    new_engine = Engine(build(domain=DOMAIN, flows=flows))
    carried, _ = carry_over(state, engine.index, new_engine.index)
    machine = new_engine.start_turn(carried, "50", [SetSlot(name="amount", value=50)])
    assert machine.advance() is None
    result = machine.finish()
    said = [e.text for e in result.events if isinstance(e, BotUttered)]
    assert said[0] == "Done."  # not the new step above, not a question asked again
    assert [e.text for e in result.events if isinstance(e, BotUttered)].count("Who?") == 0


def test_a_dropped_flow_asks_its_questions_again_when_it_runs_next() -> None:
    """The issue: the flow left the stack but its slots stayed set, so its next run skipped the
    questions already answered."""
    engine, state = _waiting_for_amount()
    new_engine = Engine(build(domain=DOMAIN, flows=_edited("      - collect: amount\n", "")))
    carried, _ = carry_over(state, engine.index, new_engine.index)
    machine = new_engine.start_turn(carried, "send money", [StartFlow(flow="transfer")])
    assert machine.advance() is None
    said = [e.text for e in machine.finish().events if isinstance(e, BotUttered)]
    assert said == ["Who?"]


def test_checkpoints_move_with_their_steps_and_those_of_dropped_flows_are_forgotten() -> None:
    engine, state = _waiting_for_amount()
    inserted = _edited(
        "      - collect: recipient\n", "      - action: utter_intro\n      - collect: recipient\n"
    )
    carried, _ = carry_over(
        state, engine.index, ProjectIndex.of(build(domain=DOMAIN, flows=inserted))
    )
    assert sorted(carried.checkpoints) == [
        checkpoint_key("transfer", "transfer_1_collect_recipient"),
        checkpoint_key("transfer", "transfer_2_collect_amount"),
    ]
    saved = carried.checkpoints[checkpoint_key("transfer", "transfer_2_collect_amount")]
    assert saved[0].step_id == "transfer_2_collect_amount"
    removed = _edited("      - collect: amount\n", "")
    dropped, _ = carry_over(
        state, engine.index, ProjectIndex.of(build(domain=DOMAIN, flows=removed))
    )
    assert dropped.checkpoints == {}


def test_a_frame_told_to_continue_keeps_its_prefix_when_it_moves() -> None:
    engine, state = _waiting_for_amount()
    frame = state.stack[0]
    continuing = replace(state, stack=(replace(frame, step_id="NEXT:transfer_1_collect_amount"),))
    inserted = _edited(
        "      - collect: recipient\n", "      - action: utter_intro\n      - collect: recipient\n"
    )
    carried, report = carry_over(
        continuing, engine.index, ProjectIndex.of(build(domain=DOMAIN, flows=inserted))
    )
    assert [f.step_id for f in carried.stack] == ["NEXT:transfer_2_collect_amount"]
    assert [m.new_step_id for m in report.moved] == ["NEXT:transfer_2_collect_amount"]


def test_slots_a_flow_still_on_the_stack_uses_are_not_reset() -> None:
    flows = (
        FLOWS
        + "  gift:\n    description: Send a gift.\n    steps:\n      - collect: recipient\n      - collect: note\n"
    )
    engine = Engine(build(domain=DOMAIN, flows=flows))
    stack = (
        FlowFrame(frame_id="f1", flow_id="gift", step_id="gift_1_collect_note"),
        FlowFrame(
            frame_id="f2",
            flow_id="transfer",
            step_id="transfer_1_collect_amount",
            frame_type="interrupt",
        ),
        PatternFrame(
            frame_id="f3",
            flow_id=COLLECT,
            step_id=f"{COLLECT}_4_action_listen",
            fields={"collect": "amount"},
        ),
    )
    state = replace(
        engine.new_state(),
        stack=stack,
        slots={**engine.new_state().slots, "recipient": "Anna", "amount": 3.0},
    )
    edited = flows.replace("      - collect: amount\n", "")
    carried, report = carry_over(
        state, engine.index, ProjectIndex.of(build(domain=DOMAIN, flows=edited))
    )
    assert [f.flow_id for f in carried.stack] == ["gift"]
    assert report.reset_slots == ("amount",)  # recipient: gift, still on the stack, asked for it
    assert carried.slots["recipient"] == "Anna"


def test_a_state_saved_under_an_older_version_re_anchors_by_default_id() -> None:
    """Resuming a saved conversation after the project changed: no old flow to align with, so
    a default id finds the step of the same kind and target nearest to its old index."""
    _, state = _waiting_for_amount()
    inserted = _edited(
        "      - collect: recipient\n", "      - action: utter_intro\n      - collect: recipient\n"
    )
    current = ProjectIndex.of(build(domain=DOMAIN, flows=inserted))
    carried, report = carry_over(state, current, current)
    assert [f.step_id for f in carried.stack][:1] == ["transfer_2_collect_amount"]
    assert [(m.old_step_id, m.new_step_id) for m in report.moved] == [
        ("transfer_1_collect_amount", "transfer_2_collect_amount")
    ]


STEP_MAPS = [
    (
        "renamed custom id: by position",
        "      - collect: recipient\n        id: who\n      - collect: amount\n",
        "      - collect: recipient\n        id: to_whom\n      - collect: amount\n",
        {"who": "to_whom", "transfer_1_collect_amount": "transfer_1_collect_amount"},
    ),
    (
        "steps swapped: custom ids follow their steps",
        "      - collect: recipient\n        id: who\n      - collect: amount\n        id: much\n",
        "      - collect: amount\n        id: much\n      - collect: recipient\n        id: who\n",
        {"who": "who", "much": "much"},
    ),
    (
        "a custom id kept by a step that now collects another slot: not the same step",
        "      - collect: recipient\n        id: who\n      - collect: amount\n",
        "      - collect: note\n        id: who\n      - collect: amount\n",
        {"transfer_1_collect_amount": "transfer_1_collect_amount"},
    ),
    (
        "one of two equal steps removed: the other keeps its place",
        "      - action: utter_intro\n      - collect: amount\n      - action: utter_intro\n",
        "      - collect: amount\n      - action: utter_intro\n",
        {
            "transfer_1_collect_amount": "transfer_0_collect_amount",
            "transfer_2_utter_intro": "transfer_1_utter_intro",
        },
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"), [s[1:] for s in STEP_MAPS], ids=[s[0] for s in STEP_MAPS]
)
def test_step_map(old: str, new: str, expected: dict[str, str]) -> None:
    head = "flows:\n  transfer:\n    description: Send money.\n    steps:\n"
    old_flow = build(domain=DOMAIN, flows=head + old).flows["transfer"]
    new_flow = build(domain=DOMAIN, flows=head + new).flows["transfer"]
    assert step_map(old_flow, new_flow) == expected


def test_preset_slots_coerces_and_ignores_unknown_names() -> None:
    engine = Engine(build(domain=DOMAIN, flows=FLOWS))
    state = engine.new_state()
    preset, events = preset_slots(state, engine.index.slots, {"amount": "12", "nope": 1})
    assert preset.slots["amount"] == 12.0
    assert "amount" in preset.slots_set
    assert [(e.name, e.value) for e in events] == [("amount", 12.0)]
    assert state.slots["amount"] is None


def test_slots_follow_the_new_domain_and_the_old_state_is_untouched() -> None:
    engine, state = _waiting_for_amount()
    domain = DOMAIN.replace("  note: {type: text}\n", "  extra: {type: text}\n").replace(
        '  utter_ask_note: [{text: "A note?"}]\n', ""
    )
    new = ProjectIndex.of(build(domain=domain, flows=FLOWS))
    carried, report = carry_over(state, engine.index, new)
    assert "note" not in carried.slots
    assert carried.slots["extra"] is None
    assert carried.slots["recipient"] == "Anna"
    assert report.dropped == ()
    assert "note" in state.slots  # carrying over is pure
