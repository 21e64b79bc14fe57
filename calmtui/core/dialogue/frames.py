"""Dialogue stack frames (FORMATS.md e.1) and the queries the engine asks of a stack.

Frames are immutable; a stack is a tuple of frames, bottom first. User flow frames carry a
`frame_type`; every pattern frame is one `PatternFrame` whose pattern-specific fields live in
`fields` (Rasa has a class per pattern; one data shape is simpler to store and show).

The queries follow the reference's vocabulary: the *top user frame* skips frames started by
`call` and `link` steps (they belong to the flow that started them), the *top flow frame* skips
the collect pattern and call frames (what the user is "in").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from calmtui.core.model.flows import CONTINUE_PREFIX, END, START

FrameType = Literal["regular", "interrupt", "link", "call"]

COLLECT = "pattern_collect_information"
VALIDATE_SLOT = "pattern_validate_slot"
CORRECTION = "pattern_correction"
CANCEL = "pattern_cancel_flow"
CLARIFICATION = "pattern_clarification"
CONTINUE_INTERRUPTED = "pattern_continue_interrupted"
COMPLETED = "pattern_completed"
CANNOT_HANDLE = "pattern_cannot_handle"
INTERNAL_ERROR = "pattern_internal_error"
CHITCHAT = "pattern_chitchat"
SEARCH = "pattern_search"
SKIP_QUESTION = "pattern_skip_question"
REPEAT = "pattern_repeat_bot_messages"
HUMAN_HANDOFF = "pattern_human_handoff"
RESTART = "pattern_restart"
SESSION_START = "pattern_session_start"
SESSION_END = "pattern_session_end"
CODE_CHANGE = "pattern_code_change"
USER_SILENCE = "pattern_user_silence"

ENDED = CONTINUE_PREFIX + END  # a frame told to finish at its next advance


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowFrame:
    """A user flow on the stack."""

    kind: Literal["flow"] = "flow"
    frame_id: str
    flow_id: str
    step_id: str = START
    frame_type: FrameType = "regular"

    def context(self) -> dict[str, Any]:
        return {
            "frame_id": self.frame_id,
            "flow_id": self.flow_id,
            "step_id": self.step_id,
            "frame_type": self.frame_type,
            "type": "flow",
        }

    def to_json(self) -> dict[str, Any]:
        return self.context()


@dataclass(frozen=True, slots=True, kw_only=True)
class PatternFrame:
    """A pattern flow on the stack, with its pattern-specific context fields."""

    kind: Literal["pattern"] = "pattern"
    frame_id: str
    flow_id: str
    step_id: str = START
    fields: Mapping[str, Any] = field(default_factory=dict[str, Any])

    def context(self) -> dict[str, Any]:
        return {
            **self.fields,
            "frame_id": self.frame_id,
            "flow_id": self.flow_id,
            "step_id": self.step_id,
            "type": self.flow_id,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "frame_id": self.frame_id,
            "flow_id": self.flow_id,
            "step_id": self.step_id,
            "type": self.flow_id,
            "fields": dict(self.fields),
        }

    def list_field(self, name: str) -> list[Any]:
        return as_list(self.fields.get(name))

    def map_field(self, name: str) -> dict[str, Any]:
        return as_dict(self.fields.get(name))


def as_list(value: Any) -> list[Any]:
    """A context value as a list (pattern fields come back from JSON as plain data)."""
    return list(cast(Iterable[Any], value)) if isinstance(value, list | tuple) else []


def as_dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): v for k, v in cast(Mapping[Any, Any], value).items()}


Frame = FlowFrame | PatternFrame
Stack = tuple[Frame, ...]


def frame_from_json(data: Mapping[str, Any]) -> Frame:
    if data.get("type") == "flow":
        return FlowFrame(
            frame_id=data["frame_id"],
            flow_id=data["flow_id"],
            step_id=data.get("step_id", START),
            frame_type=data.get("frame_type", "regular"),
        )
    return PatternFrame(
        frame_id=data["frame_id"],
        flow_id=data["flow_id"],
        step_id=data.get("step_id", START),
        fields=dict(data.get("fields", {})),
    )


def with_step(frame: Frame, step_id: str) -> Frame:
    """The frame at another step (built directly: this runs for every step the engine takes)."""
    if isinstance(frame, FlowFrame):
        return FlowFrame(
            frame_id=frame.frame_id,
            flow_id=frame.flow_id,
            step_id=step_id,
            frame_type=frame.frame_type,
        )
    return PatternFrame(
        frame_id=frame.frame_id, flow_id=frame.flow_id, step_id=step_id, fields=frame.fields
    )


def is_primary(frame: Frame) -> bool:
    """A user flow started by a command (regular or interrupt), not by a link or call step."""
    return isinstance(frame, FlowFrame) and frame.frame_type in ("regular", "interrupt")


def top_user_frame(stack: Sequence[Frame], *, skip_call_and_link: bool = True) -> FlowFrame | None:
    """The topmost user flow frame; by default the one a call or link started from."""
    for frame in reversed(stack):
        if isinstance(frame, FlowFrame):
            if skip_call_and_link and frame.frame_type in ("call", "link"):
                continue
            return frame
    return None


def cancelable_user_frame(stack: Sequence[Frame]) -> FlowFrame | None:
    """The user flow a 'cancel' ends: the topmost one that was not started by a call step.

    Rasa skips linked flows here too, which makes a linked flow impossible to cancel; calmtui
    cancels the linked flow (docs/engine.md).
    """
    for frame in reversed(stack):
        if isinstance(frame, FlowFrame) and frame.frame_type != "call":
            return frame
    return None


def top_flow_frame(
    stack: Sequence[Frame], *, skip_collect: bool = True, skip_call: bool = True
) -> Frame | None:
    """The topmost frame the user is 'in': the collect pattern and called flows are part of the
    frame below them."""
    for frame in reversed(stack):
        if skip_collect and frame.flow_id == COLLECT:
            continue
        if skip_call and isinstance(frame, FlowFrame) and frame.frame_type == "call":
            continue
        return frame
    return None


def pattern_above_user_flow(stack: Sequence[Frame], flow_id: str) -> PatternFrame | None:
    """The pattern frame `flow_id` if it sits above the topmost user flow (it is 'active')."""
    for frame in reversed(stack):
        if isinstance(frame, PatternFrame) and frame.flow_id == flow_id:
            return frame
        if isinstance(frame, FlowFrame):
            return None
    return None


def is_continue_interrupted_active(stack: Sequence[Frame]) -> bool:
    return pattern_above_user_flow(stack, CONTINUE_INTERRUPTED) is not None


def user_flow_ids(stack: Sequence[Frame]) -> list[str]:
    return [f.flow_id for f in stack if isinstance(f, FlowFrame)]


def is_ending(frame: Frame) -> bool:
    return frame.step_id in (END, ENDED)


def paused_user_frames(stack: Sequence[Frame]) -> list[FlowFrame]:
    """Regular and interrupt flows that have not reached their end, bottom first."""
    return [f for f in stack if isinstance(f, FlowFrame) and is_primary(f) and not is_ending(f)]


_MISSING: Any = object()


def context_value(stack: Sequence[Frame], key: str, default: Any = None) -> Any:
    """`context_of(stack).get(key, default)` without building the mapping (the engine looks up
    `{{context.collect}}` and friends at nearly every step)."""
    if not stack:
        return default
    top = stack[-1]
    found = _frame_value(top, key)
    if found is _MISSING and top.flow_id == COLLECT and len(stack) > 1:
        found = _frame_value(stack[-2], key)
    return default if found is _MISSING else found


def _frame_value(frame: Frame, key: str) -> Any:
    match key:
        case "flow_id":
            return frame.flow_id
        case "step_id":
            return frame.step_id
        case "frame_id":
            return frame.frame_id
        case "type":
            return "flow" if isinstance(frame, FlowFrame) else frame.flow_id
        case _:
            if isinstance(frame, FlowFrame):
                return frame.frame_type if key == "frame_type" else _MISSING
            return frame.fields.get(key, _MISSING)


def context_of(stack: Sequence[Frame]) -> dict[str, Any]:
    """The context conditions and templates see: the top frame's fields, and for the collect
    pattern also those of the frame beneath it (FORMATS.md e.1)."""
    if not stack:
        return {}
    top = stack[-1]
    context = top.context()
    if top.flow_id == COLLECT and len(stack) > 1:
        context = {**stack[-2].context(), **context}
    return context


def describe(stack: Sequence[Frame]) -> tuple[str, ...]:
    return tuple(f"{f.flow_id}@{f.step_id}" for f in stack)
