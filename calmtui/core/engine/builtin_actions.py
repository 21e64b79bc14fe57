"""The built-in actions the default patterns use (FORMATS.md b.3, e.3, l.5).

Each is a plain function of the turn's `Runtime`; they run inline in the executor loop and may
change slots, the stack, or utter responses. The explicit table at the bottom is the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from calmtui.core.conditions import condition_holds
from calmtui.core.engine import frames as F
from calmtui.core.engine.apply import end_frames_down_to, move_segment_to_top, segment_of
from calmtui.core.engine.frames import FlowFrame, Frame, PatternFrame, top_user_frame
from calmtui.core.engine.runtime import Runtime
from calmtui.core.engine.state import checkpoint_key
from calmtui.core.events import BotUttered, FlowCancelled, FlowResumed, Restarted, SessionStarted
from calmtui.core.model.flows import CONTINUE_PREFIX, END, START

TYPE_REJECTIONS = {
    "bool": "utter_boolean_slot_rejection",
    "float": "utter_float_slot_rejection",
    "categorical": "utter_categorical_slot_rejection",
}


def _top_pattern(rt: Runtime, *flow_ids: str) -> PatternFrame | None:
    top = rt.tracker.top
    return top if isinstance(top, PatternFrame) and top.flow_id in flow_ids else None


def _set_fields(rt: Runtime, frame: PatternFrame, **changes: Any) -> None:
    rt.tracker.update(PatternFrame(frame_id=frame.frame_id, flow_id=frame.flow_id, step_id=frame.step_id, fields={**frame.fields, **changes}))


def run_slot_rejections(rt: Runtime) -> None:
    """Type check and `rejections` of the slot being collected or validated (FORMATS.md c.4)."""
    frame = _top_pattern(rt, F.COLLECT, F.VALIDATE_SLOT)
    if frame is None:
        return
    tracker = rt.tracker
    name = frame.fields.get("collect") or frame.fields.get("validate")
    if not isinstance(name, str) or name not in tracker.slots_set:
        return
    value = tracker.slots.get(name)
    slot = rt.index.slots.get(name)
    if value is None or slot is None:
        return
    coerced, valid = slot.coerce(value)
    if not valid:
        rt.utter_or_error(TYPE_REJECTIONS.get(slot.type, "utter_ask_rephrase"), {"value": value})
        tracker.set_slot(name, None)
        return
    rejections = frame.fields.get("rejections") or []
    slots = {**tracker.slots, name: coerced}
    for rejection in rejections:
        if isinstance(rejection, Mapping) and condition_holds(
            rejection.get("if"), slots=slots, context=rt.context()  # type: ignore[arg-type]
        ):
            rt.utter_or_error(str(rejection.get("utter")), {"value": coerced})  # type: ignore[arg-type]
            tracker.set_slot(name, None)
            return
    if coerced != value or type(coerced) is not type(value):
        tracker.set_slot(name, coerced)


def cancel_flow(rt: Runtime) -> None:
    """Let every canceled frame finish at END (slots reset as usual), reporting FlowCancelled."""
    frame = _top_pattern(rt, F.CANCEL)
    if frame is None:
        return
    canceled = set(frame.fields.get("canceled_frames") or [])
    for f in reversed(rt.tracker.stack):
        if f.frame_id not in canceled:
            continue
        if isinstance(f, FlowFrame):
            rt.tracker.emit(FlowCancelled(flow_id=f.flow_id, step_id=f.step_id.removeprefix(CONTINUE_PREFIX)))
        rt.tracker.update(F.with_step(f, CONTINUE_PREFIX + END))


def correct_flow_slot(rt: Runtime) -> None:
    """Rewind the corrected flow to the earliest question of a corrected slot, then set the new
    values; later questions whose slots are filled are skipped and branches re-evaluated."""
    frame = _top_pattern(rt, F.CORRECTION)
    if frame is None:
        return
    flow_id, step_id = frame.fields.get("reset_flow_id"), frame.fields.get("reset_step_id")
    if isinstance(flow_id, str):
        _reset_stack(rt, flow_id, step_id if isinstance(step_id, str) else START)
    values = frame.fields.get("new_slot_values") or {}
    corrected = frame.fields.get("corrected_slots") or {}
    for name, value in dict(values).items():
        info = corrected.get(name) if isinstance(corrected, Mapping) else None
        filled_by = info.get("filled_by") if isinstance(info, Mapping) else None
        rt.tracker.set_slot(str(name), value, filled_by=str(filled_by) if filled_by else "LLM")


def _reset_stack(rt: Runtime, flow_id: str, step_id: str) -> None:
    tracker = rt.tracker
    earlier = tracker.checkpoints.get(checkpoint_key(flow_id, step_id))
    if not earlier:
        return
    target = top_user_frame(earlier)
    if target is None or tracker.index_of(target.frame_id) < 0:
        return
    current = list(tracker.stack)
    position = next(i for i, f in enumerate(current) if f.frame_id == target.frame_id)
    start = next(i for i, f in enumerate(earlier) if f.frame_id == target.frame_id)
    replacement: list[Frame] = [*current[:position], *earlier[start:]]
    for i in range(len(replacement) - 1, -1, -1):
        if replacement[i].step_id != START:
            replacement[i] = F.with_step(replacement[i], CONTINUE_PREFIX + replacement[i].step_id.removeprefix(CONTINUE_PREFIX))
            break
    reused = {f.frame_id for f in replacement}
    for f in current:
        if f.frame_id in reused:
            continue
        if (isinstance(f, FlowFrame) and f.frame_type == "call") or f.flow_id == F.COLLECT:
            f = F.with_step(f, CONTINUE_PREFIX + END)
        replacement.append(f)
    tracker.replace_stack(replacement)


def clarify_flows(rt: Runtime) -> None:
    frame = _top_pattern(rt, F.CLARIFICATION)
    if frame is None:
        return
    limit = rt.tracker.slots.get("max_clarification_options")
    names = list(frame.fields.get("names") or [])
    if isinstance(limit, int | float) and not isinstance(limit, bool) and limit > 0:
        names = names[: int(limit)]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1] if names else ""
    _set_fields(rt, frame, names=names, clarification_options=text)


def _interrupted_frames(rt: Runtime, frame: PatternFrame) -> list[FlowFrame]:
    ids = list(frame.fields.get("interrupted_flow_ids") or [])
    found: list[FlowFrame] = []
    for flow_id in ids:
        for f in reversed(rt.tracker.stack):
            if isinstance(f, FlowFrame) and f.flow_id == flow_id and f not in found:
                found.append(f)
                break
    return found


def continue_interrupted_flow(rt: Runtime) -> None:
    frame = _top_pattern(rt, F.CONTINUE_INTERRUPTED)
    if frame is None:
        return
    candidates = _interrupted_frames(rt, frame)
    chosen = candidates[0] if candidates else None
    if frame.fields.get("multiple_flows_interrupted"):
        wanted = str(rt.tracker.slots.get("interrupted_flow_to_continue") or "").strip().lower()
        for f in candidates:
            flow = rt.index.flow(f.flow_id)
            names = {f.flow_id.lower(), (flow.readable_name.lower() if flow else "")}
            if wanted in names:
                chosen = f
                break
    if chosen is not None:
        move_segment_to_top(rt.tracker, chosen, below_top=True)
        rt.tracker.emit(FlowResumed(flow_id=chosen.flow_id, step_id=chosen.step_id))
    _reset_continue_slots(rt)


def cancel_interrupted_flows(rt: Runtime) -> None:
    frame = _top_pattern(rt, F.CONTINUE_INTERRUPTED)
    if frame is None:
        return
    for f in _interrupted_frames(rt, frame):
        canceled = segment_of(rt.tracker.stack, f)
        flow = rt.index.flow(f.flow_id)
        fields = {
            "canceled_name": flow.readable_name if flow else f.flow_id,
            "canceled_frames": [c.frame_id for c in canceled],
        }
        rt.tracker.push(PatternFrame(frame_id=rt.tracker.new_frame_id(), flow_id=F.CANCEL, fields=fields))
    _reset_continue_slots(rt)


def _reset_continue_slots(rt: Runtime) -> None:
    for name in ("interrupted_flow_to_continue", "continue_interrupted_flow_confirmation"):
        if rt.tracker.slots.get(name) is not None:
            rt.tracker.set_slot(name, None, reset=True)


def clean_stack(rt: Runtime) -> None:
    if rt.tracker.stack:
        end_frames_down_to(rt.tracker, rt.tracker.stack[0].frame_id)


def repeat_bot_messages(rt: Runtime) -> None:
    for message in rt.tracker.previous_bot_messages:
        rt.tracker.emit(BotUttered(text=message.text, data=message.data, metadata=message.metadata))


def restart(rt: Runtime) -> None:
    tracker = rt.tracker
    tracker.emit(Restarted())
    tracker.slots = dict(rt.index.slot_defaults)
    tracker.slots_set = set()
    tracker.filled_by = {}
    tracker.checkpoints = {}
    tracker.transcript = []
    tracker.started_flows = set()
    tracker.replace_stack([])


def session_start(rt: Runtime) -> None:
    tracker = rt.tracker
    tracker.emit(SessionStarted())
    if not rt.index.domain.session_config.carry_over_slots_to_new_session:
        tracker.slots = dict(rt.index.slot_defaults)
        tracker.slots_set = set()


def trigger_search(rt: Runtime) -> None:
    rt.utter_or_error("utter_no_knowledge_base")


def trigger_chitchat(rt: Runtime) -> None:
    rt.utter_or_error("utter_free_chitchat_response")


def _nothing(rt: Runtime) -> None:
    """Actions that only matter on other channels or for analytics."""


BUILTIN_ACTIONS: dict[str, Callable[[Runtime], None]] = {
    "action_run_slot_rejections": run_slot_rejections,
    "action_cancel_flow": cancel_flow,
    "action_correct_flow_slot": correct_flow_slot,
    "action_clarify_flows": clarify_flows,
    "action_continue_interrupted_flow": continue_interrupted_flow,
    "action_cancel_interrupted_flows": cancel_interrupted_flows,
    "action_clean_stack": clean_stack,
    "action_repeat_bot_messages": repeat_bot_messages,
    "action_restart": restart,
    "action_session_start": session_start,
    "action_trigger_search": trigger_search,
    "action_trigger_chitchat": trigger_chitchat,
    "action_handoff_metric": _nothing,
    "action_hangup": _nothing,
    "action_extract_slots": _nothing,
    "action_default_fallback": _nothing,
    "action_deactivate_loop": _nothing,
    "action_reset_routing": _nothing,
    "action_default_capabilities": _nothing,
}
