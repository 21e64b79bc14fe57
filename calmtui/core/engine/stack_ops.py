"""Stack surgery shared by command application, the executor and the built-in actions.

Each operation changes the tracker's stack and records the events the reference records for it
(FlowCancelled, FlowResumed, FlowCompleted of removed patterns), so every caller gets the same
behaviour for "cancel", "resume" and "remove a finished pattern".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from calmtui.core.dialogue import frames as F
from calmtui.core.dialogue.frames import ENDED, FlowFrame, Frame, PatternFrame, is_primary
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.state import Tracker
from calmtui.core.events import FlowCancelled, FlowCompleted, FlowResumed

INTERNAL_ERROR_DEFAULT = "rasa_internal_error_default"


def frames_down_to(stack: Sequence[Frame], frame_id: str) -> list[Frame]:
    """Frames from the top down to and including the frame with `frame_id`."""
    result: list[Frame] = []
    for frame in reversed(stack):
        result.append(frame)
        if frame.frame_id == frame_id:
            break
    return result


def end_frames(tracker: Tracker, frame_ids: Sequence[str]) -> None:
    """Let these frames finish at their next advance (`NEXT:END`): slots reset as usual."""
    wanted = set(frame_ids)
    for frame in list(tracker.stack):
        if frame.frame_id in wanted:
            tracker.update(F.with_step(frame, ENDED))


def end_frames_down_to(tracker: Tracker, frame_id: str) -> None:
    end_frames(tracker, [f.frame_id for f in frames_down_to(tracker.stack, frame_id)])


def canceled_frames(stack: Sequence[Frame]) -> list[str]:
    """What a cancel ends: every frame from the top down to the first user flow that was not
    started by a call step (its patterns and the flows it called go with it)."""
    user = F.cancelable_user_frame(stack)
    return [f.frame_id for f in frames_down_to(stack, user.frame_id)] if user else []


def segment_of(stack: Sequence[Frame], frame: FlowFrame) -> list[Frame]:
    """A user flow frame and everything above it up to the next regular/interrupt user flow:
    its questions, the flows it called or linked, the patterns it triggered."""
    start = next(i for i, f in enumerate(stack) if f.frame_id == frame.frame_id)
    segment: list[Frame] = [stack[start]]
    for f in stack[start + 1 :]:
        if is_primary(f):
            break
        segment.append(f)
    return segment


def move_to_top(tracker: Tracker, segment: Sequence[Frame], *, below: Frame | None = None) -> None:
    """Move `segment` to the top of the stack (or just below the frame `below`)."""
    ids = {f.frame_id for f in segment}
    rest = [f for f in tracker.stack if f.frame_id not in ids]
    if below is not None and rest and rest[-1].frame_id == below.frame_id:
        tracker.replace_stack([*rest[:-1], *segment, rest[-1]])
    else:
        tracker.replace_stack([*rest, *segment])


def resume(tracker: Tracker, frame: FlowFrame, *, below: Frame | None = None) -> None:
    """Bring a paused flow back on top (FlowResumed).

    A resumed flow that now sits above other unfinished flows is marked `interrupt`, so that
    finishing it offers to continue those (Rasa keeps the old frame type and silently falls back
    into the flow below; docs/engine.md).
    """
    segment = [
        f for f in segment_of(tracker.stack, frame) if below is None or f.frame_id != below.frame_id
    ]
    others = [
        f
        for f in tracker.stack
        if is_primary(f) and f.frame_id != frame.frame_id and not F.is_ending(f)
    ]
    if others and frame.frame_type == "regular":
        promoted = FlowFrame(
            frame_id=frame.frame_id,
            flow_id=frame.flow_id,
            step_id=frame.step_id,
            frame_type="interrupt",
        )
        segment = [promoted if f.frame_id == frame.frame_id else f for f in segment]
    move_to_top(tracker, segment, below=below)
    tracker.emit(FlowResumed(flow_id=frame.flow_id, step_id=frame.step_id))


def remove_patterns(tracker: Tracker, flow_ids: tuple[str, ...]) -> None:
    """Remove these pattern frames and the questions they were asking (FlowCompleted for each,
    as the reference records when a StartFlow clears pattern_completed/continue_interrupted)."""
    doomed: list[Frame] = []
    stack = tracker.stack
    for i, frame in enumerate(stack):
        if isinstance(frame, PatternFrame) and frame.flow_id in flow_ids:
            doomed.append(frame)
            for above in stack[i + 1 :]:
                if above.flow_id != F.COLLECT:
                    break
                doomed.append(above)
    if not doomed:
        return
    for frame in reversed(doomed):
        tracker.emit(FlowCompleted(flow_id=frame.flow_id, step_id=frame.step_id))
    tracker.remove(f.frame_id for f in doomed)


def push_pattern(
    tracker: Tracker, flow_id: str, fields: dict[str, Any], index: int | None = None
) -> PatternFrame:
    frame = PatternFrame(frame_id=tracker.new_frame_id(), flow_id=flow_id, fields=fields)
    tracker.push(frame, index)
    return frame


def push_slot_validations(tracker: Tracker, index: ProjectIndex, names: Sequence[str]) -> None:
    """Slots with domain-level `validation:` among `names` are checked by pattern_validate_slot
    (unless that check is already waiting for the slot)."""
    for name in dict.fromkeys(names):
        slot = index.slots.get(name)
        if slot is None or slot.validation is None:
            continue
        top = tracker.top
        if (
            isinstance(top, PatternFrame)
            and top.flow_id == F.VALIDATE_SLOT
            and top.fields.get("validate") == name
        ):
            continue
        fields = {
            "validate": name,
            "refill_utter": slot.validation.refill_utter or f"utter_ask_{name}",
            "refill_action": index.collect_action(name) or "",
            "rejections": [
                {"if": r.condition, "utter": r.utter} for r in slot.validation.rejections
            ],
        }
        push_pattern(tracker, F.VALIDATE_SLOT, fields)


def push_cancel(
    tracker: Tracker, index: ProjectIndex, user: FlowFrame, frame_ids: list[str]
) -> None:
    """Push pattern_cancel_flow for `user` (and the frames above it) and record FlowCancelled."""
    name = index.flow_name(user.flow_id, tracker.slots)
    push_pattern(tracker, F.CANCEL, {"canceled_name": name, "canceled_frames": frame_ids})
    tracker.emit(FlowCancelled(flow_id=user.flow_id, step_id=user.step_id))


def cancel_with_internal_error(
    tracker: Tracker, index: ProjectIndex, info: dict[str, Any] | None = None
) -> None:
    """Something in the running flow cannot go on: cancel the flow the user is in (if any) and
    tell the user (pattern_internal_error runs first, then the cancellation)."""
    user = F.cancelable_user_frame(tracker.stack)
    if user is not None:
        push_cancel(tracker, index, user, canceled_frames(tracker.stack))
    else:
        end_frames(tracker, [f.frame_id for f in tracker.stack])
    push_pattern(
        tracker, F.INTERNAL_ERROR, {"error_type": INTERNAL_ERROR_DEFAULT, "info": info or {}}
    )
