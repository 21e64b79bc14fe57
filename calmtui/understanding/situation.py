"""Where the conversation stands, as understanding needs it: the active flow, the question being
asked (if any) and which flows may start now. Both the offline generator and the prompt builder
read the dialogue stack through this one view."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calmtui.core.conditions import condition_holds
from calmtui.core.dialogue.frames import COLLECT, FlowFrame, context_of
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.model.flows import CollectStep
from calmtui.core.model.slots import Slot
from calmtui.understanding.base import UnderstandingContext


@dataclass(frozen=True, slots=True, kw_only=True)
class AskedSlot:
    """The slot the assistant just asked for, and what asked it."""

    name: str
    slot: Slot | None
    step: CollectStep | None
    utter: str | None
    asking_flow: str
    asking_context: Mapping[str, Any] = field(default_factory=dict[str, Any])

    @property
    def fillable(self) -> bool:
        return self.slot is not None and self.slot.llm_fillable


@dataclass(frozen=True, slots=True, kw_only=True)
class Situation:
    active_flow: str | None
    flows_on_stack: frozenset[str]
    asked: AskedSlot | None
    slots: Mapping[str, Any]
    slots_set: frozenset[str]
    context: Mapping[str, Any]
    index: ProjectIndex

    def can_start(self, flow_id: str) -> bool:
        """A flow whose guard holds now; a flow already on the stack always may (FORMATS c.1)."""
        if flow_id in self.flows_on_stack:
            return True
        flow = self.index.flow(flow_id)
        if flow is None or flow.is_pattern or flow.is_link_only:
            return False
        return condition_holds(flow.guard, slots=self.slots, context=self.context)

    def is_filled(self, slot: str) -> bool:
        return slot in self.slots_set and self.slots.get(slot) is not None


def situation_of(context: UnderstandingContext) -> Situation:
    state, index = context.state, context.index
    stack = state.stack
    active: str | None = None
    for frame in reversed(stack):
        if isinstance(frame, FlowFrame) and frame.frame_type != "call":
            active = frame.flow_id
            break
    return Situation(
        active_flow=active,
        flows_on_stack=frozenset(f.flow_id for f in stack if isinstance(f, FlowFrame)),
        asked=_asked(stack, index),
        slots=state.slots,
        slots_set=state.slots_set,
        context=context_of(stack),
        index=index,
    )


def _asked(stack: tuple[Any, ...], index: ProjectIndex) -> AskedSlot | None:
    if not stack or stack[-1].flow_id != COLLECT:
        return None
    top = stack[-1]
    name = top.context().get("collect")
    if not isinstance(name, str) or not name:
        return None
    below = stack[-2] if len(stack) > 1 else None
    step = None
    if below is not None:
        flow = index.flow(below.flow_id)
        candidate = flow.step(below.step_id) if flow is not None else None
        step = candidate if isinstance(candidate, CollectStep) else None
    utter = top.context().get("utter")
    return AskedSlot(
        name=name,
        slot=index.slots.get(name),
        step=step,
        utter=utter if isinstance(utter, str) else None,
        asking_flow=below.flow_id if below is not None else "",
        asking_context=below.context() if below is not None else {},
    )
