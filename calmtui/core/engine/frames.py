"""Dialogue stack frames (FORMATS.md e.1) and the queries the engine asks of a stack.

Frames are immutable; a stack is a tuple of frames, bottom first. User flow frames carry a
`frame_type`; every pattern frame is one `PatternFrame` whose pattern-specific fields live in
`context` (Rasa has a class per pattern; one data shape is simpler to store and show).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from calmtui.core.model.flows import START

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
    return replace(frame, step_id=step_id)


def top_user_frame(stack: Sequence[Frame], *, skip_call_and_link: bool = True) -> FlowFrame | None:
    """The topmost user flow frame; by default the one a call or link started from."""
    for frame in reversed(stack):
        if isinstance(frame, FlowFrame):
            if skip_call_and_link and frame.frame_type in ("call", "link"):
                continue
            return frame
    return None


def top_flow_frame(stack: Sequence[Frame], *, skip_collect: bool = True) -> Frame | None:
    """The topmost frame, ignoring pattern_collect_information (what a user is 'in')."""
    for frame in reversed(stack):
        if skip_collect and frame.flow_id == COLLECT:
            continue
        return frame
    return None


def user_flow_ids(stack: Sequence[Frame]) -> list[str]:
    return [f.flow_id for f in stack if isinstance(f, FlowFrame)]


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
