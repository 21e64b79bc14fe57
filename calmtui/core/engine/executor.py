"""The flow executor: advance the stack until the assistant must listen or run a custom action
(FORMATS.md e.2, c.3–c.8).

A frame's `step_id` is the step it last ran (START before the first one, `NEXT:<id>` to run
`<id>` again). Advancing picks the next step (evaluating branch conditions now), runs it, and
repeats. Utterances and built-in actions run inline; a custom action pauses the loop and is
returned to the caller, which runs it (possibly over HTTP) and resumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calmtui.core.conditions import condition_holds, render_template
from calmtui.core.engine import frames as F
from calmtui.core.engine.apply import end_frames_down_to, frames_down_to
from calmtui.core.engine.builtin_actions import BUILTIN_ACTIONS
from calmtui.core.engine.frames import FlowFrame, Frame, PatternFrame, with_step
from calmtui.core.engine.runtime import Runtime
from calmtui.core.engine.state import checkpoint_key
from calmtui.core.events import FlowCompleted, FlowStarted, FrameDropped
from calmtui.core.model.flows import (
    CONTINUE_PREFIX,
    END,
    START,
    ActionStep,
    BranchNext,
    CallStep,
    CollectStep,
    Flow,
    LinkStep,
    NoopStep,
    SetSlotsStep,
    StaticNext,
    Step,
)

MAX_STEPS_WITHOUT_ACTION = 250
MAX_ACTIONS_PER_TURN = 500
LISTEN = "action_listen"


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingAction:
    """A custom action the executor needs run before it can continue."""

    name: str
    flow_id: str | None
    step_id: str | None


class CircuitBreakerTripped(Exception):
    pass


class Executor:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.actions_run = 0
        self.tripped = 0

    @property
    def tracker(self):  # noqa: ANN201 - shorthand
        return self.rt.tracker

    def advance(self) -> PendingAction | None:
        """Run until a custom action is needed (returned) or the assistant listens (None)."""
        while True:
            try:
                return self._advance()
            except CircuitBreakerTripped as exc:
                self._recover_from_loop(str(exc))

    def _advance(self) -> PendingAction | None:
        steps = 0
        while True:
            steps += 1
            if steps > MAX_STEPS_WITHOUT_ACTION:
                raise CircuitBreakerTripped(f"more than {MAX_STEPS_WITHOUT_ACTION} steps without an action")
            top = self.tracker.top
            if top is None:
                self.rt.executed(LISTEN)
                return None
            flow = self.rt.index.flow(top.flow_id)
            if flow is None:
                self._drop(top, f"flow {top.flow_id!r} no longer exists")
                continue
            step = self._select_next(top, flow)
            if step is None:
                continue
            if step == END:
                self._end_flow(top, flow)
                continue
            assert not isinstance(step, str)
            if top.step_id == START:
                self._flow_started(top)
            top = with_step(top, step.id)
            self.tracker.update(top)
            result = self._run_step(top, flow, step)
            if result is _LISTENED:
                return None
            if isinstance(result, PendingAction):
                return result
            if result is _ACTED:
                steps = 0

    # -- choosing the next step ----------------------------------------------------------------
    def _select_next(self, frame: Frame, flow: Flow) -> Step | str | None:
        step_id = frame.step_id
        if step_id == START:
            return flow.first_step or END
        if step_id.startswith(CONTINUE_PREFIX):
            target = step_id.removeprefix(CONTINUE_PREFIX)
            return self._lookup(frame, flow, target)
        current = flow.step(step_id)
        if current is None:
            self._drop(frame, f"step {step_id!r} no longer exists in {flow.id!r}")
            return None
        return self._lookup(frame, flow, self._next_target(current))

    def _lookup(self, frame: Frame, flow: Flow, target: str) -> Step | str | None:
        if target == END:
            return END
        step = flow.step(target)
        if step is None:
            self._drop(frame, f"step {target!r} no longer exists in {flow.id!r}")
        return step

    def _next_target(self, step: Step) -> str:
        match step.next:
            case StaticNext(target=target):
                return target
            case BranchNext(branches=branches, else_target=else_target):
                slots, context = self.tracker.slots, self.rt.context()
                for branch in branches:
                    if condition_holds(branch.condition, slots=slots, context=context):
                        return branch.target
                return else_target

    def _drop(self, frame: Frame, reason: str) -> None:
        self.tracker.emit(FrameDropped(flow_id=frame.flow_id, step_id=frame.step_id, reason=reason))
        self.tracker.remove([frame.frame_id])

    def _flow_started(self, frame: Frame) -> None:
        metadata: dict[str, Any] = {k: v for k, v in frame.context().items() if k not in ("step_id",)}
        if isinstance(frame, FlowFrame) and frame.frame_type in ("call", "link"):
            stack = self.tracker.stack
            position = self.tracker.index_of(frame.frame_id)
            parent = stack[position - 1] if frame.frame_type == "call" and position > 0 else None
            if parent is not None:
                metadata["parent_flow_id"] = parent.flow_id
                metadata["parent_step_id"] = parent.step_id
        self.tracker.emit(FlowStarted(flow_id=frame.flow_id, metadata=metadata))

    # -- running a step ------------------------------------------------------------------------
    def _run_step(self, frame: Frame, flow: Flow, step: Step) -> object:
        match step:
            case ActionStep():
                return self._run_action_step(frame, flow, step)
            case CollectStep():
                self._run_collect(frame, flow, step)
            case LinkStep(link=target):
                self._run_link(target)
            case CallStep(call=target):
                self.tracker.push(
                    FlowFrame(frame_id=self.tracker.new_frame_id(), flow_id=target, frame_type="call")
                )
            case SetSlotsStep(slot_values=pairs):
                for name, value in pairs:
                    slot = self.rt.index.slots.get(name)
                    coerced = slot.coerce(value)[0] if slot else value
                    self.tracker.set_slot(name, coerced, filled_by="CUSTOM")
            case NoopStep():
                pass
        return None

    def _run_action_step(self, frame: Frame, flow: Flow, step: ActionStep) -> object:
        name = step.action
        templated = "{" in name
        if templated:
            try:
                name = render_template(name, {"context": self.rt.context(), "slots": self.tracker.slots}).strip()
            except Exception:  # noqa: BLE001 - a bad template is a skipped step, never a crash
                name = ""
        if not name:
            return None
        if name == LISTEN:
            self.rt.executed(LISTEN, flow.id, step.id)
            return _LISTENED
        if not self.rt.index.is_known_action(name):
            if templated:  # conventions such as validate_<slot>: absent means "nothing to do"
                return None
            self.rt.note("unknown_action", f"{flow.id}: step {step.id!r} names unknown action {name!r}; skipped")
            return None
        self._count_action()
        builtin = BUILTIN_ACTIONS.get(name)
        if builtin is not None:
            self.rt.executed(name, flow.id, step.id)
            builtin(self.rt)
            return _ACTED
        if name in self.rt.index.domain.responses:
            self.rt.executed(name, flow.id, step.id)
            self.rt.utter_or_error(name)
            return _ACTED
        if name in self.rt.index.builtin_actions:
            self.rt.executed(name, flow.id, step.id)
            return _ACTED
        return PendingAction(name=name, flow_id=flow.id, step_id=step.id)

    def _count_action(self) -> None:
        self.actions_run += 1
        if self.actions_run > MAX_ACTIONS_PER_TURN:
            raise CircuitBreakerTripped(f"more than {MAX_ACTIONS_PER_TURN} actions in one turn")

    def _run_collect(self, frame: Frame, flow: Flow, step: CollectStep) -> None:
        tracker, index = self.tracker, self.rt.index
        tracker.checkpoints[checkpoint_key(flow.id, step.id)] = tuple(tracker.stack)
        has_utter = step.utter in index.domain.responses
        ask_action = index.collect_action(step.collect)
        slot = index.slots.get(step.collect)
        if not has_utter and ask_action is None and (slot is None or slot.initial_value is None):
            self.rt.note("no_question", f"{flow.id}: nothing can ask for slot {step.collect!r}")
            self._cancel_and_report(frame)
            return
        if step.ask_before_filling:
            tracker.set_slot(step.collect, None)
        fields = {
            "collect": step.collect,
            "utter": step.utter if has_utter else "",
            "collect_action": ask_action or "",
            "rejections": [{"if": r.condition, "utter": r.utter} for r in step.rejections],
        }
        tracker.push(PatternFrame(frame_id=tracker.new_frame_id(), flow_id=F.COLLECT, fields=fields))

    def _run_link(self, target: str) -> None:
        tracker = self.tracker
        frame_id = tracker.new_frame_id()
        below_top = len(tracker.stack) - 1
        if target == F.HUMAN_HANDOFF:
            tracker.push(PatternFrame(frame_id=frame_id, flow_id=target), below_top)
        else:
            tracker.push(FlowFrame(frame_id=frame_id, flow_id=target, frame_type="link"), below_top)

    def _cancel_and_report(self, frame: Frame) -> None:
        """End the user flow that contains `frame` and report an internal error."""
        user = F.top_user_frame(self.tracker.stack)
        if user is not None:
            end_frames_down_to(self.tracker, user.frame_id)
        self.push_pattern(F.INTERNAL_ERROR, {"error_type": "rasa_internal_error_default", "info": {}})

    def push_pattern(self, flow_id: str, fields: dict[str, Any], index: int | None = None) -> None:
        self.tracker.push(PatternFrame(frame_id=self.tracker.new_frame_id(), flow_id=flow_id, fields=fields), index)

    # -- the end of a flow -------------------------------------------------------------------------
    def _end_flow(self, frame: Frame, flow: Flow) -> None:
        tracker = self.tracker
        tracker.pop()
        last = frame.step_id.removeprefix(CONTINUE_PREFIX)
        tracker.emit(FlowCompleted(flow_id=frame.flow_id, step_id=last))
        is_call = isinstance(frame, FlowFrame) and frame.frame_type == "call"
        if not is_call and frame.flow_id not in (F.COLLECT, F.VALIDATE_SLOT):
            self._reset_slots(flow)
        if isinstance(frame, FlowFrame):
            self._forget_checkpoints(frame.flow_id)
        user_like = (isinstance(frame, FlowFrame) and not is_call) or frame.flow_id == F.SEARCH
        if not tracker.stack and user_like and flow.run_pattern_completed:
            self.push_pattern(F.COMPLETED, {"previous_flow_name": flow.readable_name})
        interrupting = (isinstance(frame, FlowFrame) and frame.frame_type == "interrupt") or frame.flow_id == F.SEARCH
        if interrupting:
            self._offer_to_continue()

    def _offer_to_continue(self) -> None:
        stack = self.tracker.stack
        paused = [
            f
            for f in reversed(stack)
            if isinstance(f, FlowFrame) and f.frame_type in ("regular", "interrupt") and f.step_id != CONTINUE_PREFIX + END
        ]
        if not paused:
            return
        names = [self._readable(f.flow_id) for f in paused]
        fields = {
            "interrupted_flow_names": names,
            "interrupted_flow_ids": [f.flow_id for f in paused],
            "interrupted_flow_options": _options_text(names),
            "multiple_flows_interrupted": len(names) > 1,
            "previous_flow_name": names[0],
        }
        top = stack[-1] if stack else None
        index = len(stack) - 1 if isinstance(top, FlowFrame) and top.frame_type == "link" else None
        self.push_pattern(F.CONTINUE_INTERRUPTED, fields, index)

    def _readable(self, flow_id: str) -> str:
        flow = self.rt.index.flow(flow_id)
        return flow.readable_name if flow else flow_id

    def _reset_slots(self, flow: Flow) -> None:
        index, tracker = self.rt.index, self.tracker
        keep = set(flow.persisted_slots)
        names: dict[str, None] = {}
        for step in index.collect_steps(flow.id):
            if step.reset_after_flow_ends:
                names[step.collect] = None
            else:
                keep.add(step.collect)
        for name in index.set_slots_of(flow.id):
            names[name] = None
        for name in names:
            if name in keep or name not in index.slots:
                continue
            initial = index.slots[name].initial_value
            if tracker.slots.get(name) != initial:
                tracker.set_slot(name, initial, reset=True)

    def _forget_checkpoints(self, flow_id: str) -> None:
        if any(f.flow_id == flow_id for f in self.tracker.stack):
            return
        prefix = checkpoint_key(flow_id, "")
        for key in [k for k in self.tracker.checkpoints if k.startswith(prefix)]:
            del self.tracker.checkpoints[key]

    # -- loops ------------------------------------------------------------------------------------
    def _recover_from_loop(self, why: str) -> None:
        """The circuit breaker (FORMATS.md c.8): drop everything, report, never hang."""
        self.tripped += 1
        tracker = self.tracker
        self.rt.note("circuit_breaker", f"the flows looped ({why}); the conversation was reset to a safe state")
        for frame in frames_down_to(tracker.stack, tracker.stack[0].frame_id) if tracker.stack else []:
            tracker.emit(FrameDropped(flow_id=frame.flow_id, step_id=frame.step_id, reason="step limit reached"))
        tracker.replace_stack([])
        self.actions_run = 0
        if self.tripped == 1:
            self.push_pattern(F.INTERNAL_ERROR, {"error_type": "rasa_internal_error_default", "info": {}})


def _options_text(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


_LISTENED = object()
_ACTED = object()
