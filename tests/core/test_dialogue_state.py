"""The conversation state between turns and the events of a turn: JSON round trips, and the
working tracker's bookkeeping (stack change events, rollback)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from calmtui.core.dialogue.frames import FlowFrame, PatternFrame
from calmtui.core.dialogue.state import DialogueState, Tracker
from calmtui.core.events import (
    EVENT_TYPES,
    BotUttered,
    Event,
    FlowStarted,
    SlotSet,
    StackChanged,
    UserUttered,
    event_from_json,
    event_to_json,
)

ROUND_TRIP = settings(deadline=None, max_examples=200)

names = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
# JSON values: what slots and pattern fields hold after a JSON round trip.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.integers(-(10**6), 10**6)
    | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3),
    max_leaves=8,
)
flow_frames = st.builds(
    FlowFrame,
    frame_id=names,
    flow_id=names,
    step_id=names | st.just("START") | st.just("NEXT:END"),
    frame_type=st.sampled_from(["regular", "interrupt", "link", "call"]),
)
pattern_frames = st.builds(
    PatternFrame,
    frame_id=names,
    flow_id=names.map(lambda n: "pattern_" + n),
    step_id=names,
    fields=st.dictionaries(names, json_values, max_size=3),
)
frames = flow_frames | pattern_frames
bot_messages = st.builds(
    BotUttered,
    text=st.text(max_size=20) | st.none(),
    data=st.fixed_dictionaries(
        {},
        optional={
            "buttons": st.lists(
                st.fixed_dictionaries(
                    {"title": st.text(max_size=5), "payload": st.text(max_size=8)}
                ),
                max_size=2,
            )
        },
    ),
    metadata=st.fixed_dictionaries({"utter_action": names}),
)
states = st.builds(
    DialogueState,
    slots=st.dictionaries(names, json_values, max_size=6),
    slots_set=st.frozensets(names, max_size=4),
    filled_by=st.dictionaries(names, st.sampled_from(["LLM", "NLU", "CUSTOM"]), max_size=3),
    stack=st.lists(frames, max_size=5).map(tuple),
    checkpoints=st.dictionaries(names, st.lists(frames, max_size=3).map(tuple), max_size=2),
    transcript=st.lists(
        st.tuples(st.sampled_from(["user", "bot"]), st.text(max_size=10)), max_size=4
    ).map(tuple),
    last_bot_messages=st.lists(bot_messages, max_size=2).map(tuple),
    turn=st.integers(0, 500),
    frame_counter=st.integers(0, 500),
    flow_hashes=st.dictionaries(names, st.text(max_size=8), max_size=3),
    started_flows=st.frozensets(names, max_size=3),
)


@ROUND_TRIP
@given(state=states)
def test_dialogue_state_round_trips_through_json(state: DialogueState) -> None:
    assert DialogueState.from_json(json.loads(json.dumps(state.to_json()))) == state


def _event_strategy(cls: type[Event]) -> st.SearchStrategy[Event]:
    kwargs: dict[str, st.SearchStrategy[object]] = {}
    for name, spec in cls.__dataclass_fields__.items():
        if name == "event":
            continue
        annotation = str(spec.type)
        if "tuple" in annotation:
            kwargs[name] = st.lists(st.text(max_size=8), max_size=3).map(tuple)
        elif "Mapping" in annotation:
            kwargs[name] = st.dictionaries(names, json_values, max_size=3)
        elif name == "value":
            kwargs[name] = json_values
        elif "None" in annotation:
            kwargs[name] = st.text(max_size=8) | st.none()
        else:
            kwargs[name] = st.text(max_size=12)
    return st.builds(cls, **kwargs)  # type: ignore[arg-type]


events = st.one_of([_event_strategy(cls) for cls in EVENT_TYPES.values()])


@ROUND_TRIP
@given(event=events)
def test_events_round_trip_through_json(event: Event) -> None:
    assert event_from_json(json.loads(json.dumps(event_to_json(event)))) == event


def test_every_event_kind_is_registered_under_its_rasa_name() -> None:
    assert {
        "user",
        "bot",
        "slot",
        "action",
        "flow_started",
        "flow_completed",
        "flow_interrupted",
    } <= set(EVENT_TYPES)
    assert {
        "flow_resumed",
        "flow_cancelled",
        "restart",
        "session_started",
        "command_ignored",
    } <= set(EVENT_TYPES)


def test_consecutive_stack_changes_become_one_event() -> None:
    tracker = Tracker(DialogueState())
    tracker.push(FlowFrame(frame_id="a", flow_id="x"))
    tracker.push(PatternFrame(frame_id="b", flow_id="pattern_collect_information"))
    tracker.emit(SlotSet(name="s", value=1))
    tracker.pop()
    state = tracker.snapshot(next_turn=True)
    kinds = [type(e) for e in tracker.events]
    assert kinds == [StackChanged, SlotSet, StackChanged]
    first = tracker.events[0]
    assert isinstance(first, StackChanged)
    assert first.frames == (
        "x@START",
        "pattern_collect_information@START",
    )
    assert state.stack == (FlowFrame(frame_id="a", flow_id="x"),)
    assert state.turn == 1


def test_rollback_forgets_everything_after_the_savepoint() -> None:
    tracker = Tracker(DialogueState(slots={"a": 1}))
    tracker.emit(UserUttered(text="hi"))
    point = tracker.savepoint()
    tracker.set_slot("a", 2, filled_by="LLM")
    tracker.push(FlowFrame(frame_id="f", flow_id="x"))
    tracker.emit(BotUttered(text="yo"))
    tracker.emit(FlowStarted(flow_id="x"))
    tracker.rollback(point)
    assert tracker.slots == {"a": 1}
    assert tracker.stack == []
    assert [e.event for e in tracker.events] == ["user"]
    assert tracker.transcript == [("user", "hi")]
    assert tracker.bot_messages == []
    assert tracker.filled_by == {}


def test_the_last_bot_messages_survive_a_silent_turn() -> None:
    tracker = Tracker(DialogueState())
    tracker.emit(BotUttered(text="one"))
    first = tracker.snapshot(next_turn=True)
    silent = Tracker(first).snapshot(next_turn=True)
    assert [m.text for m in silent.last_bot_messages] == ["one"]
