"""Carrying a conversation over to a new project version (hot reload, resuming a saved one).

A pure function of (state, old index, new index): frames whose flow or current step vanished are
dropped together with the frames that belong to them (the question a dropped flow was asking, the
flows it called, the patterns it triggered), each reported as a `FrameDropped`; the stored flow
fingerprints are updated so the next turn does not treat the edit as a code change. Slots keep
their values; slots the new domain lacks are forgotten, new ones start at their initial value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from calmtui.core.dialogue.frames import Frame, is_primary
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.state import DialogueState
from calmtui.core.events import FrameDropped
from calmtui.core.model.flows import CONTINUE_PREFIX, END, START


@dataclass(frozen=True, slots=True, kw_only=True)
class ReloadReport:
    changed_flows: tuple[str, ...]
    added_flows: tuple[str, ...]
    removed_flows: tuple[str, ...]
    dropped: tuple[FrameDropped, ...]


def carry_over(
    state: DialogueState, old: ProjectIndex, new: ProjectIndex
) -> tuple[DialogueState, ReloadReport]:
    """The state as it goes on under the `new` version, and what changed."""
    old_ids, new_ids = set(old.flows), set(new.flows)
    changed = sorted(f for f in old_ids & new_ids if old.flow_hash(f) != new.flow_hash(f))
    kept, dropped = surviving_frames(state.stack, new)
    slots = {name: state.slots.get(name, slot.initial_value) for name, slot in new.slots.items()}
    hashes = {f.flow_id: new.flow_hash(f.flow_id) for f in kept}
    carried = replace(
        state,
        stack=tuple(kept),
        slots=slots,
        slots_set=frozenset(n for n in state.slots_set if n in slots),
        filled_by={k: v for k, v in state.filled_by.items() if k in slots},
        flow_hashes=hashes,
    )
    report = ReloadReport(
        changed_flows=tuple(changed),
        added_flows=tuple(sorted(new_ids - old_ids)),
        removed_flows=tuple(sorted(old_ids - new_ids)),
        dropped=tuple(dropped),
    )
    return carried, report


def surviving_frames(
    stack: Sequence[Frame], index: ProjectIndex
) -> tuple[list[Frame], list[FrameDropped]]:
    """The frames that can go on under a new project version, and FrameDropped for the rest.

    A dropped frame takes the frames above it with it up to the next flow the user started
    (regular or interrupt): a question, a called flow or a pattern left without the flow it
    served would otherwise run on its own.
    """
    kept: list[Frame] = []
    dropped: list[FrameDropped] = []
    dropping_for: str | None = None
    for frame in stack:
        if dropping_for is not None and not is_primary(frame):
            dropped.append(
                FrameDropped(
                    flow_id=frame.flow_id,
                    step_id=frame.step_id,
                    reason=f"it belonged to {dropping_for!r}",
                )
            )
            continue
        dropping_for = None
        flow = index.flow(frame.flow_id)
        step_id = frame.step_id.removeprefix(CONTINUE_PREFIX)
        if flow is None:
            reason = "the flow was removed"
        elif step_id not in (START, END) and flow.step(step_id) is None:
            reason = f"its step {step_id!r} was removed"
        else:
            kept.append(frame)
            continue
        dropped.append(FrameDropped(flow_id=frame.flow_id, step_id=frame.step_id, reason=reason))
        dropping_for = frame.flow_id
    return kept, dropped
