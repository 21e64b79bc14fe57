"""Carrying a conversation over to a new project version (hot reload, resuming a saved one).

A pure function of (state, old index, new index). The rules, in the order they apply:

1. **Re-anchoring.** Every frame (and every correction checkpoint) names the step it is at. That
   step is looked up in the new version of its flow: first *by id* — a step with the same id
   that does the same kind of thing (a collect of the same slot, a call or link of the same
   flow; an action or `set_slots` step may have changed) — then *by position*: the steps that
   did not keep their id are aligned in document order by what they do (kind and target, a
   diff of the two step lists), so inserting a step above the current one, which renumbers the
   default ids (`<flow>_<index>_<kind>`), moves the frame to its step's new id. A frame that
   moved is reported as `FrameMoved`. A state saved under a version that is gone (resuming
   after an edit) has no old flow to align with; a default id then finds the step of the same
   kind and target nearest to its old index.
2. **Dropping.** A frame whose flow is gone, or whose step cannot be re-anchored, is dropped
   together with the frames that belong to it (the question it was asking, the flows it
   called, the patterns it triggered), each reported as a `FrameDropped`.
3. **Slots of dropped flows.** A dropped flow is treated as cancelled: the slots it would reset
   when it ends (`ProjectIndex.slots_reset_at_end`: what it and the flows it calls collect or
   set, except `persisted_slots` and collects with `reset_after_flow_ends: false`) go back to
   their initial value, so its next run asks its questions again instead of skipping them. Both
   versions of the flow count (the old one collected them, the new one will ask), and what the
   new version keeps (`persisted_slots`, `reset_after_flow_ends: false`) keeps its value.
   Slots a flow still on the stack collects or sets keep their value (that flow asked for them
   and goes on), and a slot already at its initial value is not reported.
4. **Checkpoints.** The places where questions were asked (corrections rewind to them) move with
   their steps; those of dropped flows, or with a step that cannot be re-anchored, are forgotten.
5. **Slots and the domain.** Slots the new domain lacks are forgotten; new ones start at their
   initial value. The stored flow fingerprints are updated so the next turn does not treat the
   edit as a code change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any

from calmtui.core.dialogue.frames import Frame, Stack, is_primary, with_step
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.state import DialogueState
from calmtui.core.events import FrameDropped
from calmtui.core.model.flows import (
    CONTINUE_PREFIX,
    END,
    START,
    ActionStep,
    CallStep,
    CollectStep,
    Flow,
    LinkStep,
    SetSlotsStep,
    Step,
)

CHECKPOINT_SEPARATOR = "\x1f"  # `state.checkpoint_key`


@dataclass(frozen=True, slots=True, kw_only=True)
class FrameMoved:
    """A frame re-anchored to its step's new id: steps were inserted or removed above it."""

    flow_id: str
    old_step_id: str
    new_step_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReloadReport:
    changed_flows: tuple[str, ...]
    added_flows: tuple[str, ...]
    removed_flows: tuple[str, ...]
    dropped: tuple[FrameDropped, ...]
    moved: tuple[FrameMoved, ...] = ()
    reset_slots: tuple[str, ...] = ()  # slots of dropped flows set back to their initial value


def carry_over(
    state: DialogueState, old: ProjectIndex, new: ProjectIndex
) -> tuple[DialogueState, ReloadReport]:
    """The state as it goes on under the `new` version, and what changed."""
    old_ids, new_ids = set(old.flows), set(new.flows)
    changed = sorted(f for f in old_ids & new_ids if old.flow_hash(f) != new.flow_hash(f))
    anchors = StepAnchors(old, new)
    kept, dropped, moved = surviving_frames(state.stack, new, anchors)
    kept_flows = {f.flow_id for f in kept}
    reset = [
        name
        for name in slots_to_reset(dropped, kept, old, new)
        if state.slots.get(name) != new.slots[name].initial_value
    ]
    slots = {name: state.slots.get(name, slot.initial_value) for name, slot in new.slots.items()}
    slots.update((name, new.slots[name].initial_value) for name in reset)
    gone = {d.flow_id for d in dropped} - kept_flows
    carried = replace(
        state,
        stack=tuple(kept),
        slots=slots,
        slots_set=frozenset(n for n in state.slots_set if n in slots),
        filled_by={k: v for k, v in state.filled_by.items() if k in slots and k not in reset},
        checkpoints=carried_checkpoints(state.checkpoints, anchors, gone, old),
        flow_hashes={f.flow_id: new.flow_hash(f.flow_id) for f in kept},
    )
    report = ReloadReport(
        changed_flows=tuple(changed),
        added_flows=tuple(sorted(new_ids - old_ids)),
        removed_flows=tuple(sorted(old_ids - new_ids)),
        dropped=tuple(dropped),
        moved=tuple(moved),
        reset_slots=tuple(reset),
    )
    return carried, report


def surviving_frames(
    stack: Sequence[Frame], index: ProjectIndex, anchors: StepAnchors
) -> tuple[list[Frame], list[FrameDropped], list[FrameMoved]]:
    """The frames that can go on under a new project version (re-anchored where their step
    moved), a FrameDropped for each of the rest, and a FrameMoved for each re-anchored one.

    A dropped frame takes the frames above it with it up to the next flow the user started
    (regular or interrupt): a question, a called flow or a pattern left without the flow it
    served would otherwise run on its own.
    """
    kept: list[Frame] = []
    dropped: list[FrameDropped] = []
    moved: list[FrameMoved] = []
    dropping_for: str | None = None
    for frame in stack:
        if dropping_for is not None and not is_primary(frame):
            reason = f"it belonged to {dropping_for!r}"
            dropped.append(
                FrameDropped(flow_id=frame.flow_id, step_id=frame.step_id, reason=reason)
            )
            continue
        dropping_for = None
        flow = index.flow(frame.flow_id)
        target = anchors.step_id(frame.flow_id, frame.step_id) if flow is not None else None
        if target is not None:
            if target != frame.step_id:
                moved.append(
                    FrameMoved(flow_id=frame.flow_id, old_step_id=frame.step_id, new_step_id=target)
                )
                frame = with_step(frame, target)
            kept.append(frame)
            continue
        step_id = frame.step_id.removeprefix(CONTINUE_PREFIX)
        reason = "the flow was removed" if flow is None else f"its step {step_id!r} was removed"
        dropped.append(FrameDropped(flow_id=frame.flow_id, step_id=frame.step_id, reason=reason))
        dropping_for = frame.flow_id
    return kept, dropped, moved


def slots_to_reset(
    dropped: Sequence[FrameDropped], kept: Sequence[Frame], old: ProjectIndex, new: ProjectIndex
) -> list[str]:
    """Rule 3: the slots the dropped flows would reset if they had been cancelled, except those
    a flow still on the stack collects or sets (whether a slot holds a value is the caller's
    question)."""
    still_used: set[str] = set()
    for frame in kept:
        still_used |= new.collect_slots(frame.flow_id)
        still_used.update(new.set_slots_of(frame.flow_id))
    reset: dict[str, None] = {}
    for gone in dropped:
        reset.update(
            (name, None)
            for name in _reset_at_end(gone.flow_id, old, new)
            if name in new.slots and name not in still_used
        )
    return list(reset)


def _reset_at_end(flow_id: str, old: ProjectIndex, new: ProjectIndex) -> list[str]:
    """What either version of the flow resets at its end, unless the new version keeps it
    (`persisted_slots`, `reset_after_flow_ends: false`): the edit may have added either."""
    names = dict.fromkeys(old.slots_reset_at_end(flow_id))
    flow = new.flow(flow_id)
    if flow is None:
        return list(names)
    now = new.slots_reset_at_end(flow_id)
    names.update(dict.fromkeys(now))
    used = new.collect_slots(flow_id) | set(new.set_slots_of(flow_id))
    keeps = set(flow.persisted_slots) | (used - set(now))
    return [name for name in names if name not in keeps]


def carried_checkpoints(
    checkpoints: Mapping[str, Stack], anchors: StepAnchors, gone: set[str], old: ProjectIndex
) -> dict[str, Stack]:
    """Rule 4: checkpoints move with their steps; those of dropped flows (and of the flows they
    call) and those that cannot be re-anchored are forgotten."""
    forgotten = set(gone)
    for flow_id in gone:
        forgotten.update(old.called_flows(flow_id))
    carried: dict[str, Stack] = {}
    for key, frames in checkpoints.items():
        flow_id, _, step_id = key.partition(CHECKPOINT_SEPARATOR)
        target = anchors.step_id(flow_id, step_id)
        stack = [_anchored(frame, anchors) for frame in frames]
        if flow_id in forgotten or target is None or None in stack:
            continue
        carried[f"{flow_id}{CHECKPOINT_SEPARATOR}{target}"] = tuple(f for f in stack if f)
    return carried


def _anchored(frame: Frame, anchors: StepAnchors) -> Frame | None:
    target = anchors.step_id(frame.flow_id, frame.step_id)
    if target is None:
        return None
    return frame if target == frame.step_id else with_step(frame, target)


# -- re-anchoring steps ---------------------------------------------------------------------------


class StepAnchors:
    """Where each step of the old version of a flow is in the new one (rule 1), computed once
    per flow and reload."""

    def __init__(self, old: ProjectIndex, new: ProjectIndex) -> None:
        self.old = old
        self.new = new
        self._maps: dict[str, dict[str, str]] = {}

    def step_id(self, flow_id: str, step_id: str) -> str | None:
        """The id a frame at `step_id` of `flow_id` has in the new version (with a `NEXT:`
        prefix kept), or None when the step cannot be re-anchored or the flow is gone."""
        new_flow = self.new.flow(flow_id)
        if new_flow is None:
            return None
        bare = step_id.removeprefix(CONTINUE_PREFIX)
        if bare in (START, END):
            return step_id
        prefix = step_id[: len(step_id) - len(bare)]
        old_flow = self.old.flow(flow_id)
        if old_flow is None or old_flow.step(bare) is None:  # saved under a version now gone
            found = by_default_id(new_flow, bare)
        else:
            found = self._map(flow_id, old_flow, new_flow).get(bare)
        return None if found is None else prefix + found

    def _map(self, flow_id: str, old: Flow, new: Flow) -> dict[str, str]:
        found = self._maps.get(flow_id)
        if found is None:
            found = self._maps[flow_id] = step_map(old, new)
        return found


def step_map(old: Flow, new: Flow) -> dict[str, str]:
    """Old step id -> new step id for every step of `old` that `new` still has: by id (the same
    id doing the same kind of thing), then by position (the rest aligned by what they do)."""
    if old is new:
        return {s.id: s.id for s in old.steps}
    mapping: dict[str, str] = {}
    for step in old.steps:
        twin = new.step(step.id)
        if twin is not None and same_role(step, twin):
            mapping[step.id] = step.id
    taken = set(mapping.values())
    rest_old = [s for s in old.steps if s.id not in mapping]
    rest_new = [s for s in new.steps if s.id not in taken]
    matcher = SequenceMatcher(
        None, [signature(s) for s in rest_old], [signature(s) for s in rest_new], autojunk=False
    )
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapping[rest_old[block.a + k].id] = rest_new[block.b + k].id
    return mapping


def signature(step: Step) -> tuple[str, Any]:
    """What a step does: its kind and target (slot, action, flow, or the slots it sets)."""
    match step:
        case CollectStep(collect=slot):
            return ("collect", slot)
        case ActionStep(action=action):
            return ("action", action)
        case CallStep(call=flow) | LinkStep(link=flow):
            return (step.kind, flow)
        case SetSlotsStep(slot_values=values):
            return ("set_slots", tuple(name for name, _ in values))
        case _:
            return (step.kind, None)


def same_role(old: Step, new: Step) -> bool:
    """Whether a step kept under the same id still fits the frames above it: the same kind, and
    for a collect, call or link the same slot or flow (the question asked, the flow running)."""
    if old.kind != new.kind:
        return False
    if isinstance(old, CollectStep | CallStep | LinkStep):
        return signature(old) == signature(new)
    return True


_DEFAULT_ID = re.compile(r"^(?P<index>\d+)_(?P<postfix>.+)$")


def by_default_id(flow: Flow, step_id: str) -> str | None:
    """`step_id` when the flow still has it; for a default id (`<flow>_<index>_<postfix>`) that
    is gone, the default-id step with the same postfix nearest to that index."""
    if flow.step(step_id) is not None:
        return step_id
    match = _DEFAULT_ID.match(step_id.removeprefix(f"{flow.id}_"))
    if not step_id.startswith(f"{flow.id}_") or match is None:
        return None
    index, postfix = int(match["index"]), match["postfix"]
    candidates = [
        s for s in flow.steps if not s.has_custom_id and s.id == f"{flow.id}_{s.index}_{postfix}"
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda s: (abs(s.index - index), s.index)).id
