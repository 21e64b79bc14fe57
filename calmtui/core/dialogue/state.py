"""Conversation state: an immutable `DialogueState` between turns, a mutable `Tracker` within one.

The state keeps only what later turns need (slots, the stack, correction checkpoints, a bounded
transcript, the last bot messages), not the event history: events belong to each turn's result.
That keeps a 100-turn conversation's state small and makes rewind a matter of keeping the
previous state object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from calmtui.core.dialogue.frames import Frame, Stack, describe, frame_from_json
from calmtui.core.events import (
    BotUttered,
    Event,
    SlotSet,
    StackChanged,
    UserUttered,
    event_from_json,
    event_to_json,
)

if TYPE_CHECKING:
    from calmtui.core.model.slots import Slot

TRANSCRIPT_LIMIT = 100  # lines (user and bot) kept for prompts; the prompt uses the last 20 turns


@dataclass(frozen=True, slots=True, kw_only=True)
class DialogueState:
    slots: Mapping[str, Any] = field(default_factory=dict[str, Any])
    slots_set: frozenset[str] = frozenset()
    filled_by: Mapping[str, str] = field(default_factory=dict[str, str])
    stack: Stack = ()
    checkpoints: Mapping[str, Stack] = field(default_factory=dict[str, Stack])
    transcript: tuple[tuple[str, str], ...] = ()
    last_bot_messages: tuple[BotUttered, ...] = ()
    turn: int = 0
    frame_counter: int = 0
    flow_hashes: Mapping[str, str] = field(default_factory=dict[str, str])
    started_flows: frozenset[str] = frozenset()

    def slot(self, name: str) -> Any:
        return self.slots.get(name)

    def to_json(self) -> dict[str, Any]:
        return {
            "slots": dict(self.slots),
            "slots_set": sorted(self.slots_set),
            "filled_by": dict(self.filled_by),
            "stack": [f.to_json() for f in self.stack],
            "checkpoints": {k: [f.to_json() for f in v] for k, v in self.checkpoints.items()},
            "transcript": [list(line) for line in self.transcript],
            "last_bot_messages": [event_to_json(e) for e in self.last_bot_messages],
            "turn": self.turn,
            "frame_counter": self.frame_counter,
            "flow_hashes": dict(self.flow_hashes),
            "started_flows": sorted(self.started_flows),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DialogueState:
        bots = [event_from_json(e) for e in data.get("last_bot_messages", [])]
        return cls(
            slots=dict(data.get("slots", {})),
            slots_set=frozenset(data.get("slots_set", [])),
            filled_by=dict(data.get("filled_by", {})),
            stack=tuple(frame_from_json(f) for f in data.get("stack", [])),
            checkpoints={
                k: tuple(frame_from_json(f) for f in v)
                for k, v in data.get("checkpoints", {}).items()
            },
            transcript=tuple((str(r), str(t)) for r, t in data.get("transcript", [])),
            last_bot_messages=tuple(b for b in bots if isinstance(b, BotUttered)),
            turn=int(data.get("turn", 0)),
            frame_counter=int(data.get("frame_counter", 0)),
            flow_hashes=dict(data.get("flow_hashes", {})),
            started_flows=frozenset(data.get("started_flows", [])),
        )


def checkpoint_key(flow_id: str, step_id: str) -> str:
    return f"{flow_id}\x1f{step_id}"


class Tracker:
    """The working copy of the state during one turn; every change goes through `emit`/stack
    methods so the event list stays the single record of what happened.

    Stack changes are recorded as one `StackChanged` per run of consecutive changes (flushed
    before the next other event and at the end of the turn), not one per push and pop.
    """

    def __init__(self, state: DialogueState) -> None:
        self.slots: dict[str, Any] = dict(state.slots)
        self.slots_set: set[str] = set(state.slots_set)
        self.filled_by: dict[str, str] = dict(state.filled_by)
        self.stack: list[Frame] = list(state.stack)
        self.checkpoints: dict[str, Stack] = dict(state.checkpoints)
        self.transcript: list[tuple[str, str]] = list(state.transcript)
        self.previous_bot_messages = state.last_bot_messages
        self.bot_messages: list[BotUttered] = []
        self.turn = state.turn
        self.frame_counter = state.frame_counter
        self.flow_hashes: dict[str, str] = dict(state.flow_hashes)
        self.started_flows: set[str] = set(state.started_flows)
        self.events: list[Event] = []
        self._stack_dirty = False

    # -- events -----------------------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        if self._stack_dirty:
            self.flush_stack()
        self.events.append(event)
        match event:
            case SlotSet(name=name, value=value):
                self.slots[name] = value
                self.slots_set.add(name)
            case BotUttered(text=text):
                self.bot_messages.append(event)
                if text:
                    self.transcript.append(("bot", text))
            case UserUttered(text=text):
                self.transcript.append(("user", text))
            case _:
                pass

    def emit_all(self, events: Iterable[Event]) -> None:
        for event in events:
            self.emit(event)

    def set_slot(
        self, name: str, value: Any, *, filled_by: str | None = None, reset: bool = False
    ) -> None:
        self.emit(SlotSet(name=name, value=value, metadata={"reset": True} if reset else {}))
        if filled_by is not None:
            self.filled_by[name] = filled_by
        elif reset:
            self.filled_by.pop(name, None)

    # -- stack ------------------------------------------------------------------------------------
    def new_frame_id(self) -> str:
        self.frame_counter += 1
        return f"f{self.frame_counter}"

    @property
    def top(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    def push(self, frame: Frame, index: int | None = None) -> None:
        if index is None:
            self.stack.append(frame)
        else:
            self.stack.insert(index, frame)
        self._stack_dirty = True

    def pop(self) -> Frame:
        frame = self.stack.pop()
        self._stack_dirty = True
        return frame

    def remove(self, frame_ids: Iterable[str]) -> None:
        ids = set(frame_ids)
        before = len(self.stack)
        self.stack = [f for f in self.stack if f.frame_id not in ids]
        if len(self.stack) != before:
            self._stack_dirty = True

    def replace_stack(self, frames: Iterable[Frame]) -> None:
        self.stack = list(frames)
        self._stack_dirty = True

    def update(self, frame: Frame) -> None:
        """Replace the frame with the same id (e.g. a new step id); not a structural change."""
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].frame_id == frame.frame_id:
                self.stack[i] = frame
                return

    def index_of(self, frame_id: str) -> int:
        for i, frame in enumerate(self.stack):
            if frame.frame_id == frame_id:
                return i
        return -1

    def flush_stack(self) -> None:
        if self._stack_dirty:
            self._stack_dirty = False
            self.events.append(StackChanged(frames=describe(self.stack)))

    # -- undo (the circuit breaker drops what a runaway prediction did) ----------------------------
    def savepoint(self) -> Savepoint:
        return Savepoint(
            events=len(self.events),
            slots=dict(self.slots),
            slots_set=set(self.slots_set),
            filled_by=dict(self.filled_by),
            stack=list(self.stack),
            checkpoints=dict(self.checkpoints),
            transcript=len(self.transcript),
            bot_messages=len(self.bot_messages),
        )

    def rollback(self, point: Savepoint) -> None:
        del self.events[point.events :]
        self.slots = dict(point.slots)
        self.slots_set = set(point.slots_set)
        self.filled_by = dict(point.filled_by)
        self.stack = list(point.stack)
        self.checkpoints = dict(point.checkpoints)
        del self.transcript[point.transcript :]
        del self.bot_messages[point.bot_messages :]
        self._stack_dirty = False

    # -- result -----------------------------------------------------------------------------------
    def snapshot(
        self, *, next_turn: bool, flow_hashes: Mapping[str, str] | None = None
    ) -> DialogueState:
        self.flush_stack()
        transcript = self.transcript[-TRANSCRIPT_LIMIT:]
        return DialogueState(
            slots=dict(self.slots),
            slots_set=frozenset(self.slots_set),
            filled_by=dict(self.filled_by),
            stack=tuple(self.stack),
            checkpoints=dict(self.checkpoints),
            transcript=tuple(transcript),
            last_bot_messages=tuple(self.bot_messages)
            if self.bot_messages
            else self.previous_bot_messages,
            turn=self.turn + (1 if next_turn else 0),
            frame_counter=self.frame_counter,
            flow_hashes=dict(self.flow_hashes if flow_hashes is None else flow_hashes),
            started_flows=frozenset(self.started_flows),
        )


@dataclass(slots=True, kw_only=True)
class Savepoint:
    """What `Tracker.rollback` restores."""

    events: int
    slots: dict[str, Any]
    slots_set: set[str]
    filled_by: dict[str, str]
    stack: list[Frame]
    checkpoints: dict[str, Stack]
    transcript: int
    bot_messages: int


def preset_slots(
    state: DialogueState, slots: Mapping[str, Slot], values: Mapping[str, Any]
) -> tuple[DialogueState, list[SlotSet]]:
    """Slots set before a conversation goes on (e2e fixtures): each value coerced to its slot's
    type, names the domain does not have ignored. Returns the new state and the SlotSets."""
    current = dict(state.slots)
    events: list[SlotSet] = []
    for name, value in values.items():
        slot = slots.get(name)
        if slot is None:
            continue
        current[name] = slot.coerce(value)[0]
        events.append(SlotSet(name=name, value=current[name]))
    preset = replace(state, slots=current, slots_set=state.slots_set | {e.name for e in events})
    return preset, events
