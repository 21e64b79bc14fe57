"""Applying cleaned commands to the tracker: stack pushes and slot sets (FORMATS.md d.2).

Commands only change the stack and slots here; the flows they start run in `executor.py`.
Like the reference, commands that look at "the active flow" look at the stack as it was before
this message's commands were applied (a cancel listed after a start cancels the old flow).
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
from calmtui.core.dialogue import frames as F
from calmtui.core.dialogue.frames import (
    FlowFrame,
    Frame,
    is_primary,
    top_flow_frame,
    top_user_frame,
)
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.state import Tracker
from calmtui.core.dsl import to_dsl
from calmtui.core.engine import stack_ops
from calmtui.core.engine.cleanup import none_like
from calmtui.core.events import CommandIgnored, FlowInterrupted
from calmtui.core.languages import LANGUAGE_SLOT
from calmtui.core.model.flows import CONTINUE_PREFIX, CallStep, CollectStep, Flow

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


# A button payload may set the built-in `language` slot, which no flow collects (Rasa's
# multilingual guide switches languages with `/SetSlots(language=de)`).
_SETS_BUILTIN_LANGUAGE: dict[str, tuple[str, ...]] = {LANGUAGE_SLOT: ("CommandPayloadReader",)}


class CommandApplier:
    """Applies one turn's commands in the order given (already reversed by `order_commands`)."""

    def __init__(self, tracker: Tracker, index: ProjectIndex, commands: Sequence[Command]) -> None:
        self.tracker = tracker
        self.index = index
        self.original_stack: tuple[Frame, ...] = tuple(tracker.stack)
        self.original_top = top_user_frame(self.original_stack)
        # Flows this message asks to start: their slots may be filled by the same message.
        self.predicted_flows = [c.flow for c in commands if isinstance(c, StartFlow)]
        self.slots_set: list[str] = []
        self._interrupted = False

    def apply_all(self, commands: Sequence[Command]) -> int:
        """Apply the commands in order; the number of them that changed something."""
        return sum(1 for command in commands if self.apply(command))

    def apply(self, command: Command) -> bool:
        """Apply one command; False when it was ignored (recorded) or does nothing."""
        match command:
            case StartFlow(flow=flow_id):
                return self.start_flow(command, flow_id)
            case SetSlot():
                return self.set_slot(command)
            case CorrectSlots():
                return self.correct_slots(command)
            case CancelFlow():
                return self.cancel_flow()
            case Clarify(options=options):
                names = [self._name(o) for o in options]
                stack_ops.push_pattern(
                    self.tracker,
                    F.CLARIFICATION,
                    {
                        "names": names,
                        "clarification_options": "",
                        "clarification_ids": list(options),
                    },
                )
            case CannotHandle(reason=reason):
                stack_ops.push_pattern(self.tracker, F.CANNOT_HANDLE, {"reason": reason})
            case Error(error_type=error_type, info=info):
                stack_ops.push_pattern(
                    self.tracker, F.INTERNAL_ERROR, {"error_type": error_type, "info": dict(info)}
                )
            case ChangeFlow() | Noop():
                return False
            case _:
                stack_ops.push_pattern(self.tracker, _SIMPLE_PATTERNS[type(command)], {})
        return True

    def _name(self, flow_id: str) -> str:
        return self.index.flow_name(flow_id, self.tracker.slots)

    def _ignore(self, command: Command, reason: str, detail: str) -> None:
        self.tracker.emit(CommandIgnored(command=to_dsl(command), reason=reason, detail=detail))

    # -- start flow ---------------------------------------------------------------------------
    def start_flow(self, command: StartFlow, flow_id: str) -> bool:
        """FORMATS.md d.2 StartFlow (rasa-pro 3.21 semantics)."""
        tracker = self.tracker
        stack_ops.remove_patterns(tracker, (F.COMPLETED,))
        original = self.original_top
        if original is not None and original.flow_id == flow_id:
            if not F.is_continue_interrupted_active(tracker.stack):
                self._ignore(command, "CT401", f"{flow_id!r} is already running")
                return False
            # Answering "continue with X?" by asking for X again continues it.
            stack_ops.remove_patterns(tracker, (F.CONTINUE_INTERRUPTED,))
            frame = next(
                (f for f in reversed(tracker.stack) if f.frame_id == original.frame_id), None
            )
            if frame is not None and isinstance(frame, FlowFrame):
                stack_ops.resume(tracker, frame)
            return True
        on_stack = [f for f in tracker.stack if isinstance(f, FlowFrame) and f.flow_id == flow_id]
        if on_stack and original is not None:
            paused = [f for f in on_stack if is_primary(f)]
            if not paused:
                self._ignore(
                    command, "CT401", f"{flow_id!r} is already running as part of another flow"
                )
                return False
            stack_ops.remove_patterns(tracker, (F.CONTINUE_INTERRUPTED,))
            stack_ops.resume(tracker, paused[-1])
            self._interrupt(original)
            return True
        stack_ops.remove_patterns(tracker, (F.CONTINUE_INTERRUPTED,))
        frame_type = "regular"
        if original is not None:
            frame_type = "interrupt"
            self._interrupt(original)
        tracker.push(
            FlowFrame(frame_id=tracker.new_frame_id(), flow_id=flow_id, frame_type=frame_type)
        )
        tracker.started_flows.add(flow_id)
        return True

    def _interrupt(self, frame: FlowFrame) -> None:
        if not self._interrupted:  # one FlowInterrupted per message, however many flows start
            self._interrupted = True
            self.tracker.emit(FlowInterrupted(flow_id=frame.flow_id, step_id=frame.step_id))

    # -- slots --------------------------------------------------------------------------------
    def set_slot(self, command: SetSlot) -> bool:
        tracker = self.tracker
        slot = self.index.slots.get(command.name)
        if slot is None:  # cleanup already turned these into CannotHandle
            return False
        value, _valid = slot.coerce(none_like(command.value))
        if slot.refuses(value):
            allowed = ", ".join(slot.values)
            self._ignore(command, "CT709", f"{command.name!r} only takes {allowed}")
            return False
        current = tracker.slots.get(command.name)
        if current == value and type(current) is type(value):
            self._ignore(command, "CT410", f"{command.name!r} already is {value!r}")
            return False
        if command.extractor not in ("CUSTOM", *_SETS_BUILTIN_LANGUAGE.get(command.name, ())):
            allowed, why = self.may_fill(command.name)
            if not allowed:
                self._ignore(command, why[0], why[1])
                return False
        tracker.set_slot(command.name, value, filled_by=command.extractor)
        self.slots_set.append(command.name)
        return True

    def may_fill(self, name: str) -> tuple[bool, tuple[str, str]]:
        """Understanding may fill the slot being asked, the collect slots of the active flow
        (and the flows it called or linked to), and those of flows this message starts; slots
        with `ask_before_filling` only while they are asked (FORMATS.md d.2)."""
        stack = self.tracker.stack
        top = stack[-1] if stack else None
        if top is not None and top.flow_id == F.COLLECT and top.context().get("collect") == name:
            return True, ("", "")
        active: list[str] = []
        for frame in (top_user_frame(stack, skip_call_and_link=False), top_user_frame(stack)):
            if frame is not None and frame.flow_id not in active:
                active.append(frame.flow_id)
        asked_later = ""
        for flow_id in [*active, *self.predicted_flows]:
            for step in self.index.collect_steps(flow_id):
                if step.collect != name:
                    continue
                if not step.ask_before_filling:
                    return True, ("", "")
                asked_later = flow_id
        if asked_later:
            return False, (
                "CT419",
                f"{name!r} is only filled when {asked_later!r} asks for it (ask_before_filling)",
            )
        where = ", ".join(dict.fromkeys([*active, *self.predicted_flows])) or "no flow is active"
        return False, ("CT402", f"{name!r} is not collected by the active flow ({where})")

    def correct_slots(self, command: CorrectSlots) -> bool:
        tracker, index = self.tracker, self.index
        top = top_flow_frame(tracker.stack)
        on_stack = {f.flow_id for f in tracker.stack}
        collected: set[str] = set()
        for flow_id in on_stack:
            collected |= index.collect_slots(flow_id)
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
            where = "no flow on the stack collects " + ", ".join(
                repr(s.name) for s in command.slots
            )
            self._ignore(command, "CT411", where)
            return False
        user = top_user_frame(tracker.stack)
        reset = earliest_collect_step(index, tracker.stack, user, set(proposed)) if user else None
        fields: dict[str, Any] = {
            "is_reset_only": all(
                s.ask_before_filling
                for f in index.flows.values()
                for s in f.collect_steps()
                if s.collect in proposed
            ),
            "corrected_slots": {
                n: {"value": v, "filled_by": filled_by[n]} for n, v in proposed.items()
            },
            "new_slot_values": dict(proposed),
            "reset_flow_id": reset[0] if reset else (user.flow_id if user else None),
            "reset_step_id": reset[1].id if reset else None,
        }
        insert_at: int | None = None
        if top.flow_id == F.CORRECTION:
            # A correction while one is running: the running one (and what it started) is wrapped
            # up first, and the new one waits below it.
            insert_at = tracker.index_of(top.frame_id)
            stack_ops.end_frames_down_to(tracker, top.frame_id)
        stack_ops.push_pattern(tracker, F.CORRECTION, fields, insert_at)
        return True

    # -- cancel ---------------------------------------------------------------------------------
    def cancel_flow(self) -> bool:
        user = F.cancelable_user_frame(self.original_stack)
        if user is None:  # cleanup turns this into CannotHandle
            return False
        stack_ops.push_cancel(
            self.tracker, self.index, user, stack_ops.canceled_frames(self.original_stack)
        )
        return True


def earliest_collect_step(
    index: ProjectIndex, stack: Sequence[Frame], frame: FlowFrame, slots: set[str]
) -> tuple[str, CollectStep] | None:
    """The earliest collect step up to the frame's current step that asks for one of `slots`,
    with the id of the flow it belongs to. Steps of flows the frame called count as its own
    (FORMATS.md c.6): a finished call contributes all its questions, a running one those up to
    its current step."""
    for flow_id, step in collect_steps_before(index, stack, frame, ()):
        if step.collect in slots:
            return flow_id, step
    return None


def collect_steps_before(
    index: ProjectIndex, stack: Sequence[Frame], frame: FlowFrame, path: tuple[str, ...]
) -> list[tuple[str, CollectStep]]:
    """Collect steps that can lead to the frame's current step, in flow order, calls inlined."""
    flow = index.flow(frame.flow_id)
    if flow is None or flow.id in path:
        return []
    current = frame.step_id.removeprefix(CONTINUE_PREFIX)
    seen = _steps_leading_to(flow, current)
    result: list[tuple[str, CollectStep]] = []
    for step in flow.steps:
        if step.id not in seen:
            continue
        if isinstance(step, CollectStep):
            result.append((flow.id, step))
        elif isinstance(step, CallStep):
            running = _call_frame_above(stack, frame, step.call) if step.id == current else None
            if running is not None:
                result.extend(collect_steps_before(index, stack, running, (*path, flow.id)))
            else:
                result.extend(_all_collect_steps(index, step.call, (*path, flow.id)))
    return result


def _all_collect_steps(
    index: ProjectIndex, flow_id: str, path: tuple[str, ...]
) -> list[tuple[str, CollectStep]]:
    flow = index.flow(flow_id)
    if flow is None or flow_id in path:
        return []
    result: list[tuple[str, CollectStep]] = []
    for step in flow.steps:
        if isinstance(step, CollectStep):
            result.append((flow_id, step))
        elif isinstance(step, CallStep):
            result.extend(_all_collect_steps(index, step.call, (*path, flow_id)))
    return result


def _call_frame_above(stack: Sequence[Frame], frame: FlowFrame, flow_id: str) -> FlowFrame | None:
    """The frame a `call` step of `frame` started, if it is still running."""
    position = next((i for i, f in enumerate(stack) if f.frame_id == frame.frame_id), len(stack))
    for above in stack[position + 1 :]:
        if isinstance(above, FlowFrame) and above.frame_type == "call":
            return above if above.flow_id == flow_id else None
    return None


def previous_collect_steps(flow: Flow, step_id: str) -> list[CollectStep]:
    """Collect steps that can lead to `step_id` (including it), in flow order."""
    seen = _steps_leading_to(flow, step_id)
    return [s for s in flow.steps if isinstance(s, CollectStep) and s.id in seen]


def _steps_leading_to(flow: Flow, step_id: str) -> set[str]:
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
    return seen
