"""Properties of the engine over arbitrary (untrusted) command sequences.

(a) it never raises and every turn ends listening with no custom action left pending, whatever
the commands name (known and unknown flows and slots, patterns, odd values) and whatever the
custom actions answer; (b) it is deterministic: the same project, seed and commands give the same
events; (c)/(d) the states and events it produces survive a JSON round trip.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calmtui.core.commands import (
    CancelFlow,
    CannotHandle,
    ChangeFlow,
    ChitChat,
    Clarify,
    Command,
    CorrectedSlot,
    CorrectSlots,
    Error,
    HandleCodeChange,
    HumanHandoff,
    KnowledgeAnswer,
    Noop,
    RepeatBotMessages,
    Restart,
    SessionEnd,
    SessionStart,
    SetSlot,
    SkipQuestion,
    StartFlow,
)
from calmtui.core.dialogue.outcome import (
    ActionBotUttered,
    ActionFollowup,
    ActionMessage,
    ActionRestarted,
    ActionResult,
    ActionSlotSet,
    ActionSlotsReset,
    ActionUtterance,
)
from calmtui.core.dialogue.state import DialogueState
from calmtui.core.engine import Engine, PendingAction
from calmtui.core.events import ActionExecuted, event_from_json, event_to_json
from calmtui.core.model.project import Project
from tests.core.test_engine_projects import banking_project, generated_project, run_turn

PROPERTIES = settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])
GENERATED = generated_project()
EXTRA_FLOWS = [
    "no_such_flow",
    "pattern_cancel_flow",
    "pattern_completed",
    "helper",
    "verify_identity",
]
EXTRA_SLOTS = [
    "no_such_slot",
    "flow_name",
    "continue_conversation",
    "interrupted_flow_to_continue",
    "continue_interrupted_flow_confirmation",
    "confirm_correction",
    "csat_score",
    "dialogue_stack",
]
ODD_VALUES = ["None", "none", "null", "", "yes", "no", "red", "blue", "abc", "1e3", "-4", "[a, b]"]


def commands_for(project: Project) -> st.SearchStrategy[list[list[Command]]]:
    flows = sorted(f.id for f in project.user_flows) + EXTRA_FLOWS
    slots = sorted(s.name for s in project.domain.user_slots) + EXTRA_SLOTS
    flow = st.sampled_from(flows)
    slot = st.sampled_from(slots)
    value = (
        st.none()
        | st.booleans()
        | st.integers(-5, 2000)
        | st.sampled_from(ODD_VALUES + flows)
        | st.text(max_size=6)
    )
    extractor = st.sampled_from(["LLM", "LLM", "LLM", "NLU", "CommandPayloadReader"])
    corrected = st.builds(CorrectedSlot, name=slot, value=value, extractor=extractor)
    command = st.one_of(
        st.builds(StartFlow, flow=flow),
        st.builds(SetSlot, name=slot, value=value, extractor=extractor),
        st.builds(SetSlot, name=slot, value=value, extractor=extractor),
        st.builds(CorrectSlots, slots=st.lists(corrected, min_size=1, max_size=2).map(tuple)),
        st.just(CancelFlow()),
        st.builds(Clarify, options=st.lists(flow, max_size=4).map(tuple)),
        st.sampled_from(
            [
                ChitChat(),
                KnowledgeAnswer(),
                SkipQuestion(),
                RepeatBotMessages(),
                HumanHandoff(),
                CannotHandle(),
                CannotHandle(reason="cannot_handle_chitchat"),
                Error(),
                Error(
                    error_type="rasa_internal_error_user_input_too_long", info={"max_characters": 5}
                ),
                Restart(),
                SessionStart(),
                SessionEnd(),
                HandleCodeChange(),
                ChangeFlow(),
                Noop(),
            ]
        ),
    )
    return st.lists(st.lists(command, max_size=4), min_size=1, max_size=8)


def outcomes_from(seed: int):
    """Custom actions answer randomly: nothing, slot events (known or not), responses, failures."""
    rng = random.Random(seed)

    def answer(pending: PendingAction) -> ActionResult:
        match rng.randrange(6):
            case 0:
                return ActionResult(error="boom", detail="the action raised")
            case 1:
                name = rng.choice(
                    ["transfer_successful", "current_balance", "t0_count", "nope", "t1_ok"]
                )
                value = rng.choice([True, 5, "x", None])
                return ActionResult(events=(ActionSlotSet(name=name, value=value),))
            case 2:
                return ActionResult(
                    responses=(ActionMessage(text="hi"), ActionUtterance(name="utter_no_such"))
                )
            case 3:
                event = rng.choice(
                    [
                        ActionSlotsReset(),
                        ActionRestarted(),
                        ActionFollowup(name=None),
                        ActionBotUttered(),
                    ]
                )
                return ActionResult(events=(event,))
            case _:
                return ActionResult()

    return answer


def converse(
    project: Project, turns: Sequence[Sequence[Command]], seed: int
) -> list[list[dict[str, object]]]:
    """Run the turns; check every turn's invariants; return the events as JSON."""
    engine = Engine(project, seed=seed)
    state: DialogueState = engine.new_state()
    answer = outcomes_from(seed)
    trace: list[list[dict[str, object]]] = []
    for number, commands in enumerate(turns):
        outcome = run_turn(engine, state, commands, text=f"message {number}", outcomes=answer)
        last = outcome.events[-1]
        assert isinstance(last, ActionExecuted), outcome.events[-3:]
        assert last.name == "action_listen", outcome.events[-3:]
        state = outcome.state
        encoded = json.loads(json.dumps(state.to_json()))
        assert DialogueState.from_json(encoded) == state
        events = [event_to_json(e) for e in outcome.events]
        assert [event_from_json(json.loads(json.dumps(e))) for e in events] == list(outcome.events)
        trace.append(events)
    return trace


@PROPERTIES
@given(turns=commands_for(banking_project()), seed=st.integers(0, 10**6))
def test_banking_never_raises_and_always_listens(turns: list[list[Command]], seed: int) -> None:
    converse(banking_project(), turns, seed)


@PROPERTIES
@given(turns=commands_for(GENERATED), seed=st.integers(0, 10**6))
def test_generated_project_never_raises_and_always_listens(
    turns: list[list[Command]], seed: int
) -> None:
    converse(GENERATED, turns, seed)


@settings(deadline=None, max_examples=60)
@given(turns=commands_for(GENERATED), seed=st.integers(0, 10**6))
def test_same_inputs_give_the_same_events(turns: list[list[Command]], seed: int) -> None:
    assert converse(GENERATED, turns, seed) == converse(GENERATED, turns, seed)
