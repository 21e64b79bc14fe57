"""The flow executor: advance the stack until the assistant must listen or run a custom action
(FORMATS.md e.2, c.3 to c.8).

A frame's `step_id` is the step it last ran (START before the first one, `NEXT:<id>` to run
`<id>` again). Advancing picks the next step (evaluating branch conditions now), runs it, and
repeats. Utterances and built-in actions run inline; a custom action pauses the loop and is
returned to the caller, which runs it (possibly over HTTP) and resumes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from calmtui.core.conditions import condition_holds, render_template
from calmtui.core.dialogue import frames as F
from calmtui.core.dialogue.frames import FlowFrame, Frame, PatternFrame, with_step
from calmtui.core.dialogue.state import Tracker, checkpoint_key
from calmtui.core.engine import stack_ops
from calmtui.core.engine.builtin_actions import BUILTIN_ACTIONS, options_text
from calmtui.core.engine.runtime import Runtime
from calmtui.core.events import FlowCompleted, FlowStarted, FrameDropped, SlotSet
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

MAX_STEPS_WITHOUT_ACTION = 250  # the reference's FlowPolicy circuit breaker
MAX_ACTIONS_PER_TURN = 1000  # the reference's MAX_NUMBER_OF_PREDICTIONS_CALM
LISTEN = "action_listen"
CORRECT_FLOW_SLOT = "action_correct_flow_slot"

_CONTEXT_PLACEHOLDER = re.compile(r"\{\{\s*context\.([A-Za-z_]\w*)\s*\}\}")


@dataclass(frozen=True, slots=True, kw_only=True)
class PendingAction:
    """An action the executor needs run before it can continue: a custom action, or (with
    `generative` set) a built-in that needs documents or an LLM (`GeneratedReply`)."""

    name: str
    flow_id: str | None
    step_id: str | None
    generative: bool = False


class CircuitBreakerTrippedError(Exception):
    """The flows looped: too many steps without an action (`undo`: what the prediction did is
    discarded) or too many actions in one turn (they ran; nothing is undone)."""

    def __init__(self, message: str, *, undo: bool) -> None:
        super().__init__(message)
        self.undo = undo


TemplateParts = tuple[tuple[str, str | None], ...]
_TEMPLATES: dict[str, TemplateParts | None] = {}
_NO_CONTEXT: Mapping[str, Any] = MappingProxyType({})


def _template_parts(text: str) -> TemplateParts | None:
    """`text` split into (literal, context key) pairs, or None when it needs real Jinja. Cached:
    the same few templates (those of the default patterns) are rendered at nearly every step."""
    if text in _TEMPLATES:
        return _TEMPLATES[text]
    parts: list[tuple[str, str | None]] = []
    position = 0
    for match in _CONTEXT_PLACEHOLDER.finditer(text):
        parts.append((text[position : match.start()], match.group(1)))
        position = match.end()
    parts.append((text[position:], None))
    literal = "".join(p[0] for p in parts)
    result = None if "{{" in literal or "{%" in literal or "{#" in literal else tuple(parts)
    if len(_TEMPLATES) < 4096:
        _TEMPLATES[text] = result
    return result


def fill_template(text: str, lookup: Callable[[str], Any], jinja: Callable[[], str]) -> str:
    """Fill `{{context.x}}` placeholders from `lookup`; anything else goes to `jinja()`."""
    if "{" not in text:
        return text
    parts = _template_parts(text)
    if parts is None:
        return jinja()
    return "".join(
        literal + ("" if key is None else _jinja_str(lookup(key))) for literal, key in parts
    )


def render_names(text: str, context: Mapping[str, Any], slots: Mapping[str, Any]) -> str:
    """Render a templated action name or condition.

    `{{context.x}}` placeholders (what the default patterns use) are filled without Jinja;
    anything else goes through the sandboxed Jinja renderer with `context` and `slots`.
    """
    return fill_template(
        text,
        lambda key: context.get(key, ""),
        lambda: render_template(text, {"context": context, "slots": slots}),
    )


def _jinja_str(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


class Executor:
    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.actions_run = 0
        self.trips = 0
        # Actions a custom action asked to run next (`followup` events), before the flows go on.
        self.followups: list[PendingAction] = []
        # Slots action_correct_flow_slot set: validated once the next action has run.
        self.corrected: list[str] = []
        self._validate_after_pending: list[str] = []

    @property
    def tracker(self) -> Tracker:
        return self.rt.tracker

    def advance(self) -> PendingAction | None:
        """Run until a custom action is needed (returned) or the assistant listens (None)."""
        while True:
            savepoint = self.tracker.savepoint()
            try:
                return self._advance()
            except CircuitBreakerTrippedError as exc:
                if exc.undo:
                    self.tracker.rollback(savepoint)
                self._recover_from_loop(str(exc))

    def _advance(self) -> PendingAction | None:
        while self.followups:
            follow = self.followups.pop(0)
            pending = self._dispatch(follow.name, follow.flow_id, follow.step_id)
            if pending is not None:
                return pending
        steps = 0
        tracker = self.tracker
        while True:
            steps += 1
            if steps > MAX_STEPS_WITHOUT_ACTION:
                raise CircuitBreakerTrippedError(
                    f"more than {MAX_STEPS_WITHOUT_ACTION} steps without an action", undo=True
                )
            top = tracker.top
            if top is None:
                self.rt.executed(LISTEN)
                self._validate_corrected(self._take_corrected())
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
            started = top.step_id == START
            top = with_step(top, step.id)
            tracker.update(top)
            if started:
                self._flow_started(top)
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
            return self._lookup(frame, flow, step_id.removeprefix(CONTINUE_PREFIX))
        if step_id == END:
            return END
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
                slots = self.tracker.slots
                for branch in branches:
                    condition = branch.condition
                    context = _NO_CONTEXT
                    if isinstance(condition, str):
                        condition = self._render_condition(condition)
                        if "context" in condition:  # the condition reads the stack context itself
                            context = self.rt.context()
                    if condition_holds(condition, slots=slots, context=context):
                        return branch.target
                return else_target

    def _render(self, text: str) -> str:
        """A templated action name or condition, rendered with the current stack context."""
        stack = self.tracker.stack
        return fill_template(
            text,
            lambda key: F.context_value(stack, key, ""),
            lambda: render_template(
                text, {"context": self.rt.context(), "slots": self.tracker.slots}
            ),
        )

    def _render_condition(self, condition: str) -> str:
        try:
            return self._render(condition)
        except Exception:  # condition_holds reports a broken template as false
            return condition

    def _drop(self, frame: Frame, reason: str) -> None:
        """Remove a frame whose flow or step vanished, with the frames that belong to it."""
        doomed = [frame]
        if isinstance(frame, FlowFrame) and frame.frame_type != "call":
            doomed = stack_ops.segment_of(self.tracker.stack, frame)
        for f in doomed:
            self.tracker.emit(FrameDropped(flow_id=f.flow_id, step_id=f.step_id, reason=reason))
        self.tracker.remove(f.frame_id for f in doomed)

    def _flow_started(self, frame: Frame) -> None:
        metadata: dict[str, Any] = {k: v for k, v in frame.context().items() if k != "step_id"}
        if isinstance(frame, FlowFrame) and frame.frame_type == "call":
            position = self.tracker.index_of(frame.frame_id)
            if position > 0:
                parent = self.tracker.stack[position - 1]
                metadata["parent_flow_id"] = parent.flow_id
                metadata["parent_step_id"] = parent.step_id
        self.tracker.emit(FlowStarted(flow_id=frame.flow_id, metadata=metadata))

    # -- running a step ------------------------------------------------------------------------
    def _run_step(self, frame: Frame, flow: Flow, step: Step) -> object:
        match step:
            case ActionStep():
                return self._run_action_step(flow, step)
            case CollectStep():
                self._run_collect(flow, step)
            case LinkStep(link=target):
                self._run_link(target)
            case CallStep(call=target):
                self.tracker.push(
                    FlowFrame(
                        frame_id=self.tracker.new_frame_id(), flow_id=target, frame_type="call"
                    )
                )
            case SetSlotsStep(slot_values=pairs):
                for name, value in pairs:
                    slot = self.rt.index.slots.get(name)
                    if self.rt.refused(name, value, f"{flow.id}: set_slots"):
                        continue
                    coerced = slot.coerce(value)[0] if slot else value
                    self.tracker.set_slot(name, coerced, filled_by="CUSTOM")
            case NoopStep():
                pass
        return None

    def _run_action_step(self, flow: Flow, step: ActionStep) -> object:
        name = step.action
        templated = "{" in name
        if templated:
            try:
                name = self._render(name).strip()
            except Exception:  # a bad template is a skipped step, never a crash
                self.rt.note(
                    "unknown_action",
                    f"{flow.id}: the action name {step.action!r} cannot be rendered; skipped",
                )
                return None
        if not name:
            return None
        if name == LISTEN:
            self.rt.executed(LISTEN, flow.id, step.id)
            self._validate_corrected(self._take_corrected())
            return _LISTENED
        if not self.rt.index.is_known_action(name):
            if not templated:  # conventions such as validate_<slot>: absent means "nothing to do"
                self.rt.note(
                    "unknown_action",
                    f"{flow.id}: step {step.id!r} names unknown action {name!r}; skipped",
                )
            return None
        return self._dispatch(name, flow.id, step.id) or _ACTED

    def _dispatch(
        self, name: str, flow_id: str | None, step_id: str | None
    ) -> PendingAction | None:
        """Run a known action: built-ins and responses here, custom actions by the caller."""
        self._count_action()
        corrected = self._take_corrected()
        if name in self.rt.index.generative_actions:
            self._validate_after_pending = corrected
            return PendingAction(name=name, flow_id=flow_id, step_id=step_id, generative=True)
        builtin = BUILTIN_ACTIONS.get(name)
        if builtin is not None:
            self.rt.executed(name, flow_id, step_id)
            mark = len(self.tracker.events)
            builtin(self.rt)
            if name == CORRECT_FLOW_SLOT:
                self.corrected = [
                    e.name for e in self.tracker.events[mark:] if isinstance(e, SlotSet)
                ]
            self._validate_corrected(corrected)
            return None
        if name in self.rt.index.domain.responses:
            self.rt.executed(name, flow_id, step_id)
            self.rt.utter_or_error(name)
            self._validate_corrected(corrected)
            return None
        if name in self.rt.index.builtin_actions:
            self.rt.executed(name, flow_id, step_id)
            self._validate_corrected(corrected)
            return None
        if name in self.rt.index.domain.forms and name not in self.rt.index.custom_actions:
            # A form is an action name, but its loop belongs to NLU-based assistants.
            self.rt.note("form_not_run", f"form {name!r} is not run by calmtui; skipped")
            self._validate_corrected(corrected)
            return None
        self._validate_after_pending = corrected
        return PendingAction(name=name, flow_id=flow_id, step_id=step_id)

    def _take_corrected(self) -> list[str]:
        corrected, self.corrected = self.corrected, []
        return corrected

    def _validate_corrected(self, names: list[str]) -> None:
        """As the reference's processor does, slots that action_correct_flow_slot changed go
        through their domain-level validation once the action after it has run."""
        if names:
            stack_ops.push_slot_validations(self.tracker, self.rt.index, names)

    def custom_action_done(self, *, failed: bool) -> None:
        """The caller ran the pending custom action: validations waiting for it start now."""
        names, self._validate_after_pending = self._validate_after_pending, []
        if not failed:
            self._validate_corrected(names)

    def _count_action(self) -> None:
        self.actions_run += 1
        if self.actions_run > MAX_ACTIONS_PER_TURN:
            raise CircuitBreakerTrippedError(
                f"more than {MAX_ACTIONS_PER_TURN} actions in one turn", undo=False
            )

    def _run_collect(self, flow: Flow, step: CollectStep) -> None:
        tracker, index = self.tracker, self.rt.index
        tracker.checkpoints[checkpoint_key(flow.id, step.id)] = tuple(tracker.stack)
        has_utter = step.utter in index.domain.responses
        ask_action = index.collect_action(step.collect)
        slot = index.slots.get(step.collect)
        if not has_utter and ask_action is None and (slot is None or slot.initial_value is None):
            self.rt.note(
                "no_question",
                f"{flow.id}: nothing can ask for slot {step.collect!r} (no {step.utter!r})",
            )
            stack_ops.cancel_with_internal_error(tracker, index)
            return
        fields = {
            "collect": step.collect,
            "utter": step.utter if has_utter else "",
            "collect_action": ask_action or "",
            "rejections": [{"if": r.condition, "utter": r.utter} for r in step.rejections],
        }
        tracker.push(
            PatternFrame(frame_id=tracker.new_frame_id(), flow_id=F.COLLECT, fields=fields)
        )
        if step.ask_before_filling:
            tracker.set_slot(step.collect, None)

    def _run_link(self, target: str) -> None:
        """The linked flow goes below the current frame, which then ends (FORMATS.md c.6)."""
        tracker = self.tracker
        frame_id = tracker.new_frame_id()
        below_top = len(tracker.stack) - 1
        flow = self.rt.index.flow(target)
        if flow is not None and flow.is_pattern:
            tracker.push(PatternFrame(frame_id=frame_id, flow_id=target), below_top)
        else:
            tracker.push(FlowFrame(frame_id=frame_id, flow_id=target, frame_type="link"), below_top)

    # -- the end of a flow -------------------------------------------------------------------------
    def _end_flow(self, frame: Frame, flow: Flow) -> None:
        """FORMATS.md c.8: pop, pattern_completed / continue_interrupted, slot reset, then
        FlowCompleted (the reference's event order)."""
        tracker = self.tracker
        tracker.pop()
        is_user = isinstance(frame, FlowFrame)
        is_call = is_user and frame.frame_type == "call"
        if (
            not tracker.stack
            and (is_user or frame.flow_id == F.SEARCH)
            and flow.run_pattern_completed
        ):
            stack_ops.push_pattern(
                tracker, F.COMPLETED, {"previous_flow_name": self._readable(flow.id)}
            )
        if (is_user and frame.frame_type == "interrupt") or frame.flow_id == F.SEARCH:
            self._offer_to_continue()
        if not is_call:
            self._reset_slots(flow)
        tracker.emit(
            FlowCompleted(
                flow_id=frame.flow_id, step_id=frame.step_id.removeprefix(CONTINUE_PREFIX)
            )
        )
        if is_user and not is_call:  # a called flow's questions belong to its caller
            self._forget_checkpoints(frame.flow_id)

    def _offer_to_continue(self) -> None:
        stack = self.tracker.stack
        paused = F.paused_user_frames(stack)
        if not paused:
            return
        names = [self._readable(f.flow_id) for f in paused]
        fields = {
            "interrupted_flow_names": names,
            "interrupted_flow_ids": [f.flow_id for f in paused],
            "interrupted_flow_options": options_text(names),
            "multiple_flows_interrupted": len(names) > 1,
        }
        # A flow the interrupting flow linked to runs first (FORMATS.md c.8).
        top = stack[-1] if stack else None
        index = len(stack) - 1 if isinstance(top, FlowFrame) and top.frame_type == "link" else None
        stack_ops.push_pattern(self.tracker, F.CONTINUE_INTERRUPTED, fields, index)

    def _readable(self, flow_id: str) -> str:
        return self.rt.index.flow_name(flow_id, self.tracker.slots)

    def _reset_slots(self, flow: Flow) -> None:
        """Every slot the flow (and the flows it called) collected or set, except persisted
        ones, goes back to its initial value — always recorded, as the reference does."""
        index, tracker = self.rt.index, self.tracker
        for name in index.slots_reset_at_end(flow.id):
            tracker.set_slot(name, index.slots[name].initial_value, reset=True)

    def _forget_checkpoints(self, flow_id: str) -> None:
        """The flow ended: forget where its questions (and those of the flows it called) were
        asked, unless another frame of the same flow is still on the stack."""
        on_stack = {f.flow_id for f in self.tracker.stack}
        for ended in (flow_id, *self.rt.index.called_flows(flow_id)):
            if ended in on_stack:
                continue
            prefix = checkpoint_key(ended, "")
            for key in [k for k in self.tracker.checkpoints if k.startswith(prefix)]:
                del self.tracker.checkpoints[key]

    # -- loops ------------------------------------------------------------------------------------
    def _recover_from_loop(self, why: str) -> None:
        """The circuit breaker: like the reference, forget what the runaway prediction did, end
        the flow the user is in and report an internal error. If that trips again, the stack is
        cleared: a turn always ends listening."""
        self.trips += 1
        self.actions_run = 0
        tracker = self.tracker
        self.rt.note("circuit_breaker", f"the flows looped ({why})")
        if self.trips == 1:
            user = F.top_user_frame(tracker.stack, skip_call_and_link=False)
            bottom = (
                user.frame_id if user else (tracker.stack[0].frame_id if tracker.stack else None)
            )
            if bottom is not None:
                stack_ops.end_frames_down_to(tracker, bottom)
            stack_ops.push_pattern(
                tracker,
                F.INTERNAL_ERROR,
                {"error_type": stack_ops.INTERNAL_ERROR_DEFAULT, "info": {}},
            )
            return
        for frame in reversed(tracker.stack):
            tracker.emit(
                FrameDropped(
                    flow_id=frame.flow_id, step_id=frame.step_id, reason="the flows looped"
                )
            )
        tracker.replace_stack([])
        self.rt.utter_or_error("utter_internal_error_rasa")


_LISTENED = object()
_ACTED = object()
