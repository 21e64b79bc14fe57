"""The built-in actions the default patterns use (FORMATS.md b.3, e.3, l.5).

Each is a plain function of the turn's `Runtime`; they run inline in the executor loop and may
change slots, the stack, or utter responses. The explicit table at the bottom is the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from calmtui.core.conditions import condition_holds
from calmtui.core.dialogue import frames as F
from calmtui.core.dialogue.frames import (
    ENDED,
    FlowFrame,
    Frame,
    PatternFrame,
    as_dict,
    is_primary,
    top_user_frame,
)
from calmtui.core.dialogue.state import checkpoint_key
from calmtui.core.engine import stack_ops
from calmtui.core.engine.runtime import Runtime
from calmtui.core.events import BotUttered, Restarted, SessionStarted
from calmtui.core.languages import LANGUAGE_SLOT, matching_language
from calmtui.core.model.flows import CONTINUE_PREFIX, START
from calmtui.core.model.slots import ROUTING_SLOT

TYPE_REJECTIONS = {
    "bool": "utter_boolean_slot_rejection",
    "float": "utter_float_slot_rejection",
    "categorical": "utter_categorical_slot_rejection",
}
CONTINUE_SLOTS = ("interrupted_flow_to_continue", "continue_interrupted_flow_confirmation")
RESTART_RESPONSE = "utter_restart"
SESSION_METADATA_SLOT = "session_started_metadata"


def _top_pattern(rt: Runtime, *flow_ids: str) -> PatternFrame | None:
    top = rt.tracker.top
    return top if isinstance(top, PatternFrame) and top.flow_id in flow_ids else None


def _set_fields(rt: Runtime, frame: PatternFrame, **changes: Any) -> None:
    rt.tracker.update(
        PatternFrame(
            frame_id=frame.frame_id,
            flow_id=frame.flow_id,
            step_id=frame.step_id,
            fields={**frame.fields, **changes},
        )
    )


def run_slot_rejections(rt: Runtime) -> None:
    """Type check and `rejections` of the slot being collected or validated (FORMATS.md c.4).

    As in the reference, the rejection is rendered with the conversation as it is, then the
    slot is reset (SlotSet None) and then the message is sent; `value` is the value as it was
    set (before this check's own conversion).
    """
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
        _reject(rt, name, TYPE_REJECTIONS.get(slot.type, "utter_ask_rephrase"), value)
        return
    slots = {**tracker.slots, name: coerced}
    context = rt.context()
    for rejection in (as_dict(r) for r in frame.list_field("rejections")):
        condition = rejection.get("if")
        if isinstance(condition, str | bool) and condition_holds(
            condition, slots=slots, context=context
        ):
            _reject(rt, name, str(rejection.get("utter")), value)
            return
    if coerced != value or type(coerced) is not type(value):
        tracker.set_slot(name, coerced)


def _reject(rt: Runtime, slot: str, response: str, value: Any) -> None:
    message = rt.render(response, {"value": value})
    rt.tracker.set_slot(slot, None)
    rt.send_or_error(message, response)


def cancel_flow(rt: Runtime) -> None:
    """Let every canceled frame finish at END (FlowCompleted, slots reset as usual)."""
    frame = _top_pattern(rt, F.CANCEL)
    if frame is None:
        return
    stack_ops.end_frames(rt.tracker, [str(i) for i in frame.list_field("canceled_frames")])


def correct_flow_slot(rt: Runtime) -> None:
    """Rewind the corrected flow to the earliest question of a corrected slot, then set the new
    values; later questions whose slots are filled are skipped and branches re-evaluated."""
    frame = _top_pattern(rt, F.CORRECTION)
    if frame is None:
        return
    flow_id, step_id = frame.fields.get("reset_flow_id"), frame.fields.get("reset_step_id")
    if isinstance(flow_id, str):
        _reset_stack(rt, flow_id, step_id if isinstance(step_id, str) else START)
    corrected = frame.map_field("corrected_slots")
    for name, value in frame.map_field("new_slot_values").items():
        filled_by = as_dict(corrected.get(name)).get("filled_by")
        rt.tracker.set_slot(name, value, filled_by=str(filled_by) if filled_by else "LLM")


def _reset_stack(rt: Runtime, flow_id: str, step_id: str) -> None:
    """The stack becomes: what is below the corrected flow now, the corrected flow as it was
    when it asked the question (continuing at that step), then every other current frame,
    where called flows and open questions are told to end."""
    tracker = rt.tracker
    earlier = tracker.checkpoints.get(checkpoint_key(flow_id, step_id))
    if not earlier:
        return
    target = top_user_frame(earlier)
    if target is None or tracker.index_of(target.frame_id) < 0:
        return
    current = list(tracker.stack)
    position = tracker.index_of(target.frame_id)
    start = next(i for i, f in enumerate(earlier) if f.frame_id == target.frame_id)
    replacement: list[Frame] = [*current[:position], *earlier[start:]]
    for i in range(len(replacement) - 1, -1, -1):
        if replacement[i].step_id != START:
            step = replacement[i].step_id.removeprefix(CONTINUE_PREFIX)
            replacement[i] = F.with_step(replacement[i], CONTINUE_PREFIX + step)
            break
    reused = {f.frame_id for f in replacement}
    for f in current:
        if f.frame_id in reused:
            continue
        if (isinstance(f, FlowFrame) and f.frame_type == "call") or f.flow_id == F.COLLECT:
            f = F.with_step(f, ENDED)
        replacement.append(f)
    tracker.replace_stack(replacement)


def clarify_flows(rt: Runtime) -> None:
    frame = _top_pattern(rt, F.CLARIFICATION)
    if frame is None:
        return
    limit = rt.tracker.slots.get("max_clarification_options")
    names = [str(n) for n in frame.list_field("names")]
    if isinstance(limit, int | float) and not isinstance(limit, bool) and limit > 0:
        names = names[: int(limit)]
    _set_fields(rt, frame, names=names, clarification_options=options_text(names))


def options_text(names: list[str]) -> str:
    """'a', 'a or b', 'a, b or c' (the reference's options string)."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _paused_frame(rt: Runtime, flow_id: str) -> FlowFrame | None:
    for f in reversed(rt.tracker.stack):
        if isinstance(f, FlowFrame) and is_primary(f) and f.flow_id == flow_id:
            return f
    return None


def _chosen_flow(rt: Runtime, frame: PatternFrame) -> str | None:
    ids = [str(i) for i in frame.list_field("interrupted_flow_ids")]
    names = [str(n) for n in frame.list_field("interrupted_flow_names")]
    if not ids:
        return None
    if not frame.fields.get("multiple_flows_interrupted"):
        return ids[0]
    wanted = str(rt.tracker.slots.get("interrupted_flow_to_continue") or "").strip().casefold()
    for flow_id, name in zip(ids, names, strict=False):
        if wanted in (flow_id.casefold(), name.casefold()):
            return flow_id
    return None


def continue_interrupted_flow(rt: Runtime) -> None:
    frame = F.pattern_above_user_flow(rt.tracker.stack, F.CONTINUE_INTERRUPTED)
    if frame is None:
        return
    chosen = _chosen_flow(rt, frame)
    paused = _paused_frame(rt, chosen) if chosen else None
    if paused is None:
        options = frame.fields.get("interrupted_flow_options") or ""
        rt.tracker.emit(
            BotUttered(
                text=f"You haven't selected a valid task to resume. The options are: {options}.",
                metadata={"utter_action": None},
            )
        )
        return
    stack_ops.resume(rt.tracker, paused, below=frame)
    _reset_continue_slots(rt)


def cancel_interrupted_flows(rt: Runtime) -> None:
    frame = F.pattern_above_user_flow(rt.tracker.stack, F.CONTINUE_INTERRUPTED)
    if frame is None:
        return
    # Every segment is taken before any cancel pattern is pushed, so that no cancellation
    # swallows another one's pattern frame.
    targets: list[tuple[FlowFrame, list[str]]] = []
    for flow_id in [str(i) for i in frame.list_field("interrupted_flow_ids")]:
        paused = _paused_frame(rt, flow_id)
        if paused is not None:
            segment = stack_ops.segment_of(rt.tracker.stack, paused)
            targets.append((paused, [f.frame_id for f in segment if f.frame_id != frame.frame_id]))
    for paused, canceled in targets:
        stack_ops.push_cancel(rt.tracker, rt.index, paused, canceled)
    _reset_continue_slots(rt)


def _reset_continue_slots(rt: Runtime) -> None:
    for name in CONTINUE_SLOTS:
        if name in rt.index.slots:
            rt.tracker.set_slot(name, None)


def clean_stack(rt: Runtime) -> None:
    """pattern_code_change: let every flow on the stack finish (FlowCompleted, slots reset)."""
    stack_ops.end_frames(rt.tracker, [f.frame_id for f in rt.tracker.stack])


def repeat_bot_messages(rt: Runtime) -> None:
    """Say the last bot messages again, unless a question is open: asking it again is what the
    collect pattern does next anyway (the reference skips the action then)."""
    stack = rt.tracker.stack
    below = [f for f in stack if f.flow_id not in (F.REPEAT, F.USER_SILENCE)]
    if below and below[-1].flow_id == F.COLLECT:
        return
    for message in rt.tracker.previous_bot_messages:
        rt.tracker.emit(BotUttered(text=message.text, data=message.data, metadata=message.metadata))


def restart(rt: Runtime) -> None:
    """Forget the conversation (slots, stack, history) and say `utter_restart` if defined."""
    tracker = rt.tracker
    tracker.emit(Restarted())
    tracker.slots = dict(rt.index.slot_defaults)
    tracker.slots_set = set()
    tracker.filled_by = {}
    tracker.checkpoints = {}
    tracker.transcript = []
    tracker.started_flows = set()
    tracker.replace_stack([])
    if RESTART_RESPONSE in rt.index.domain.responses:
        rt.utter(RESTART_RESPONSE)


def session_start(rt: Runtime) -> None:
    """SessionStarted; with session-start metadata, the `session_started_metadata` slot and,
    when the metadata names a configured `language`, the conversation's language."""
    tracker = rt.tracker
    tracker.emit(SessionStarted())
    if not rt.index.domain.session_config.carry_over_slots_to_new_session:
        tracker.slots = dict(rt.index.slot_defaults)
        tracker.slots_set = set()
    metadata = rt.session_metadata
    if not metadata:
        return
    if SESSION_METADATA_SLOT in rt.index.slots:
        tracker.set_slot(SESSION_METADATA_SLOT, dict(metadata))
    if LANGUAGE_SLOT in metadata:
        _language_from_metadata(rt, metadata[LANGUAGE_SLOT])


def _language_from_metadata(rt: Runtime, wanted: Any) -> None:
    config = rt.index.project.config
    code = matching_language(wanted, config.languages)
    if code is None:
        rt.note(
            "language_not_configured",
            f"the session start metadata asks for language {wanted!r}, which config.yml does "
            f"not configure ({', '.join(config.languages)}): the conversation is in "
            f"{rt.language!r} (CT708)",
        )
        return
    if LANGUAGE_SLOT in rt.index.slots and rt.tracker.slots.get(LANGUAGE_SLOT) != code:
        rt.tracker.set_slot(LANGUAGE_SLOT, code, filled_by="CUSTOM")


def reset_routing(rt: Runtime) -> None:
    """Coexistence: the router decides again on the next message (None, not the initial value)."""
    if ROUTING_SLOT in rt.index.slots:
        rt.tracker.set_slot(ROUTING_SLOT, None)


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
    "action_reset_routing": reset_routing,
    "action_default_capabilities": _nothing,
}
