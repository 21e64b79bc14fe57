"""Applying cleaned commands to the tracker: stack pushes and slot sets (FORMATS.md d.2).

Commands only change the stack and slots here; the flows they start run in `executor.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from calmtui.core.commands import (
    CancelFlow,
    CannotHandle,
    ChangeFlow,
    ChitChat,
    Clarify,
    Command,
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
from calmtui.core.dsl import to_dsl
from calmtui.core.engine import frames as F
from calmtui.core.engine.cleanup import current_collect_step
from calmtui.core.engine.frames import Frame, FlowFrame, PatternFrame, top_flow_frame, top_user_frame
from calmtui.core.engine.index import ProjectIndex
from calmtui.core.engine.state import Tracker
from calmtui.core.events import CommandIgnored, FlowInterrupted, FlowResumed
from calmtui.core.model.flows import CONTINUE_PREFIX, END, CollectStep, Flow
from calmtui.core.model.slots import NONE_LIKE

_SIMPLE_PATTERNS: dict[type[Command], str] = {
    ChitChat: F.CHITCHAT,
    KnowledgeAnswer: F.SEARCH,
    SkipQuestion: F.SKIP_QUESTION,
    RepeatBotMessages: F.REPEAT,
    HumanHandoff: F.HUMAN_HANDOFF,
    Restart: F.RESTART,
    SessionStart: F.SESSION_START,
    SessionEnd: F.SESSION_END,
    HandleCodeChange: F.CODE_CHANGE,
}


def none_like(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in NONE_LIKE:
        return None
    return value


class CommandApplier:
    """Applies one turn's commands; remembers which flows this turn started (their slots may be
    filled in the same message) and the stack as it was before any command."""

    def __init__(self, tracker: Tracker, index: ProjectIndex) -> None:
        self.tracker = tracker
        self.index = index
        self.original_top = top_user_frame(tracker.stack)
        self.started: list[str] = []
        self.slots_set: list[str] = []

    def apply_all(self, commands: Sequence[Command]) -> None:
        for command in commands:
            self.apply(command)

    def apply(self, command: Command) -> None:  # noqa: PLR0911 - one branch per command kind
        match command:
            case StartFlow(flow=flow_id):
                self.start_flow(flow_id)
            case SetSlot():
                self.set_slot(command)
            case CorrectSlots():
                self.correct_slots(command)
            case CancelFlow():
                self.cancel_flow()
            case Clarify(options=options):
                names = [self._name(o) for o in options]
                self.push_pattern(
                    F.CLARIFICATION,
                    {"names": names, "clarification_options": "", "clarification_ids": list(options)},
                )
            case CannotHandle(reason=reason):
                self.push_pattern(F.CANNOT_HANDLE, {"reason": reason})
            case Error(error_type=error_type, info=info):
                self.push_pattern(F.INTERNAL_ERROR, {"error_type": error_type, "info": dict(info)})
            case ChangeFlow() | Noop():
                return
            case _:
                self.push_pattern(_SIMPLE_PATTERNS[type(command)], {})

    def _name(self, flow_id: str) -> str:
        flow = self.index.flow(flow_id)
        return flow.readable_name if flow else flow_id

    def push_pattern(self, flow_id: str, fields: dict[str, Any], index: int | None = None) -> None:
        frame = PatternFrame(frame_id=self.tracker.new_frame_id(), flow_id=flow_id, fields=fields)
        self.tracker.push(frame, index)

    # -- start flow ---------------------------------------------------------------------------
    def start_flow(self, flow_id: str) -> None:
        tracker = self.tracker
        remove_patterns(tracker, (F.COMPLETED, F.CONTINUE_INTERRUPTED))
        on_stack = [f for f in tracker.stack if isinstance(f, FlowFrame) and f.flow_id == flow_id]
        if on_stack:
            self.resume(on_stack[-1])
            return
        frame_type = "interrupt" if self.original_top is not None else "regular"
        if self.original_top is not None and not self.started:
            current = top_user_frame(tracker.stack)
            if current is not None:
                tracker.emit(FlowInterrupted(flow_id=current.flow_id, step_id=current.step_id))
        tracker.push(FlowFrame(frame_id=tracker.new_frame_id(), flow_id=flow_id, frame_type=frame_type))
        tracker.started_flows.add(flow_id)
        self.started.append(flow_id)

    def resume(self, frame: FlowFrame) -> None:
        """Move a paused flow (with the frames that belong to it) to the top of the stack."""
        tracker = self.tracker
        current = top_user_frame(tracker.stack)
        if current is not None and current.frame_id != frame.frame_id:
            tracker.emit(FlowInterrupted(flow_id=current.flow_id, step_id=current.step_id))
        move_segment_to_top(tracker, frame)
        tracker.emit(FlowResumed(flow_id=frame.flow_id, step_id=frame.step_id))

    # -- slots --------------------------------------------------------------------------------
    def set_slot(self, command: SetSlot) -> None:
        tracker = self.tracker
        slot = self.index.slots.get(command.name)
        if slot is None:
            return
        allowed, why = self.may_fill(command.name)
        if not allowed:
            tracker.emit(CommandIgnored(command=to_dsl(command), reason=why[0], detail=why[1]))
            return
        value, _valid = slot.coerce(none_like(command.value))
        if command.name in tracker.slots_set and tracker.slots.get(command.name) == value and value is not None:
            tracker.emit(CommandIgnored(command=to_dsl(command), reason="CT410", detail=f"{command.name!r} already is {value!r}"))
            return
        tracker.set_slot(command.name, value, filled_by=command.extractor)
        self.slots_set.append(command.name)

    def may_fill(self, name: str) -> tuple[bool, tuple[str, str]]:
        """Understanding may only fill slots of the active flow or of flows started now."""
        tracker = self.tracker
        asked = current_collect_step(tracker, self.index)
        if asked is not None and asked.collect == name:
            return True, ("", "")
        flows = set(self.started)
        top = top_flow_frame(tracker.stack)
        if top is not None:
            flows.add(top.flow_id)
            if isinstance(top, FlowFrame) and top.frame_type == "call":
                root = top_user_frame(tracker.stack)
                if root is not None:
                    flows.add(root.flow_id)
        for flow_id in flows:
            for step in self.index.collect_steps(flow_id):
                if step.collect != name:
                    continue
                if step.ask_before_filling and name not in tracker.slots_set:
                    return False, ("CT419", f"{name!r} is asked for later in {flow_id!r}")
                return True, ("", "")
        where = ", ".join(sorted(flows)) or "no flow is active"
        return False, ("CT402", f"{name!r} is not collected by the active flow ({where})")

    def correct_slots(self, command: CorrectSlots) -> None:
        tracker, index = self.tracker, self.index
        top = top_flow_frame(tracker.stack)
        on_stack = {f.flow_id for f in tracker.stack}
        collected = set().union(*(index.collect_slots(fid) for fid in on_stack)) if on_stack else set()
        proposed: dict[str, Any] = {}
        filled_by: dict[str, str] = {}
        for corrected in command.slots:
            slot = index.slots.get(corrected.name)
            if slot is None or corrected.name not in collected:
                continue
            value, _ = slot.coerce(none_like(corrected.value))
            if tracker.slots.get(corrected.name) != value:
                proposed[corrected.name] = value
                filled_by[corrected.name] = corrected.extractor
        if top is None or not proposed:
            tracker.emit(
                CommandIgnored(command=to_dsl(command), reason="CT411", detail="no flow on the stack collects these slots")
            )
            return
        user = top_user_frame(tracker.stack)
        reset_step = earliest_collect_step(index, user, set(proposed)) if user else None
        fields: dict[str, Any] = {
            "is_reset_only": all(
                s.ask_before_filling for f in index.flows.values() for s in f.collect_steps() if s.collect in proposed
            ),
            "corrected_slots": {n: {"value": v, "filled_by": filled_by[n]} for n, v in proposed.items()},
            "new_slot_values": dict(proposed),
            "reset_flow_id": user.flow_id if user else None,
            "reset_step_id": reset_step.id if reset_step else None,
        }
        insert_at: int | None = None
        if top.flow_id == F.CORRECTION:
            insert_at = tracker.index_of(top.frame_id)
            end_frames_down_to(tracker, top.frame_id)
        self.push_pattern(F.CORRECTION, fields, insert_at)

    # -- cancel ---------------------------------------------------------------------------------
    def cancel_flow(self) -> None:
        tracker = self.tracker
        user = top_user_frame(tracker.stack)
        if user is None:
            return
        canceled = frames_down_to(tracker.stack, user.frame_id)
        self.push_pattern(
            F.CANCEL,
            {"canceled_name": self._name(user.flow_id), "canceled_frames": [f.frame_id for f in canceled]},
        )


def earliest_collect_step(index: ProjectIndex, frame: FlowFrame, slots: set[str]) -> CollectStep | None:
    """The earliest collect step before the frame's current step that asks for one of `slots`."""
    flow = index.flow(frame.flow_id)
    if flow is None:
        return None
    before = previous_collect_steps(flow, frame.step_id.removeprefix(CONTINUE_PREFIX))
    for step in before:
        if step.collect in slots:
            return step
    return None


def previous_collect_steps(flow: Flow, step_id: str) -> list[CollectStep]:
    """Collect steps that can lead to `step_id` (including it), in flow order."""
    predecessors: dict[str, set[str]] = {}
    for step in flow.steps:
        for target in step.targets():
            predecessors.setdefault(target, set()).add(step.id)
    seen: set[str] = set()
    todo = [step_id]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(predecessors.get(current, ()))
    return [s for s in flow.steps if isinstance(s, CollectStep) and s.id in seen]


def frames_down_to(stack: Sequence[Frame], frame_id: str) -> list[Frame]:
    """Frames from the top down to and including the frame with `frame_id`."""
    result: list[Frame] = []
    for frame in reversed(stack):
        result.append(frame)
        if frame.frame_id == frame_id:
            break
    return result


def end_frames_down_to(tracker: Tracker, frame_id: str) -> None:
    for frame in frames_down_to(tracker.stack, frame_id):
        tracker.update(F.with_step(frame, CONTINUE_PREFIX + END))


def segment_of(stack: Sequence[Frame], frame: FlowFrame) -> list[Frame]:
    """A user flow frame and the frames above it that belong to it: its patterns and the flows
    it called, up to the next frame that is not part of it."""
    start = next(i for i, f in enumerate(stack) if f.frame_id == frame.frame_id)
    segment: list[Frame] = [stack[start]]
    for f in stack[start + 1 :]:
        if isinstance(f, FlowFrame) and f.frame_type in ("regular", "interrupt"):
            break
        if isinstance(f, PatternFrame) and f.flow_id != F.COLLECT:
            break
        segment.append(f)
    return segment


def move_segment_to_top(tracker: Tracker, frame: FlowFrame, *, below_top: bool = False) -> None:
    segment = segment_of(tracker.stack, frame)
    ids = {f.frame_id for f in segment}
    rest = [f for f in tracker.stack if f.frame_id not in ids]
    if below_top and rest:
        tracker.replace_stack([*rest[:-1], *segment, rest[-1]])
    else:
        tracker.replace_stack([*rest, *segment])


def remove_patterns(tracker: Tracker, flow_ids: tuple[str, ...]) -> None:
    """Remove these pattern frames and the collect frames that were asking on their behalf."""
    doomed: list[str] = []
    for i, frame in enumerate(tracker.stack):
        if isinstance(frame, PatternFrame) and frame.flow_id in flow_ids:
            doomed.append(frame.frame_id)
            for above in tracker.stack[i + 1 :]:
                if above.flow_id != F.COLLECT:
                    break
                doomed.append(above.frame_id)
    if doomed:
        tracker.remove(doomed)
