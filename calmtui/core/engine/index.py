"""Facts about a project that the engine asks every turn, computed once per project version."""

from __future__ import annotations

import hashlib
from functools import cached_property
from typing import Any

from calmtui.core.model.flows import CollectStep, Flow, SetSlotsStep
from calmtui.core.model.project import Project
from calmtui.core.model.slots import Slot
from calmtui.core.patterns import default_action_names


class ProjectIndex:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.flows = project.flows
        self.domain = project.domain
        self.slots: dict[str, Slot] = dict(project.domain.slots)
        self.builtin_actions = default_action_names()
        self.custom_actions = frozenset(
            name for name, action in project.domain.actions.items() if not action.builtin
        ) - self.builtin_actions
        self._collects: dict[str, list[CollectStep]] = {}
        self._hashes: dict[str, str] = {}

    @cached_property
    def slot_defaults(self) -> dict[str, Any]:
        return {name: slot.initial_value for name, slot in self.slots.items()}

    @cached_property
    def user_flow_ids(self) -> frozenset[str]:
        return frozenset(f.id for f in self.flows.values() if not f.is_pattern)

    def flow(self, flow_id: str) -> Flow | None:
        return self.flows.get(flow_id)

    def is_known_action(self, name: str) -> bool:
        return name in self.domain.responses or name in self.domain.actions or name in self.builtin_actions

    def collect_steps(self, flow_id: str) -> list[CollectStep]:
        """Collect steps of a flow with called flows inlined (FORMATS.md c.6), cycle-safe."""
        cached = self._collects.get(flow_id)
        if cached is not None:
            return cached
        result: list[CollectStep] = []
        seen: set[str] = set()
        todo = [flow_id]
        while todo:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.add(current)
            flow = self.flows.get(current)
            if flow is None:
                continue
            result.extend(flow.collect_steps())
            todo.extend(flow.called_flow_ids())
        self._collects[flow_id] = result
        return result

    def collect_slots(self, flow_id: str) -> set[str]:
        return {s.collect for s in self.collect_steps(flow_id)}

    def set_slots_of(self, flow_id: str) -> set[str]:
        """Slots set by set_slots steps of a flow and the flows it calls."""
        names: set[str] = set()
        seen: set[str] = set()
        todo = [flow_id]
        while todo:
            current = todo.pop()
            if current in seen or (flow := self.flows.get(current)) is None:
                continue
            seen.add(current)
            for step in flow.steps:
                if isinstance(step, SetSlotsStep):
                    names.update(name for name, _ in step.slot_values)
            todo.extend(flow.called_flow_ids())
        return names

    def collect_action(self, slot: str) -> str | None:
        name = f"action_ask_{slot}"
        return name if name in self.domain.actions else None

    def flow_hash(self, flow_id: str) -> str:
        """A fingerprint of a flow's behaviour (not its positions), for code-change detection."""
        cached = self._hashes.get(flow_id)
        if cached is not None:
            return cached
        flow = self.flows.get(flow_id)
        if flow is None:
            return ""
        parts = [repr((flow.guard, flow.persisted_slots, flow.run_pattern_completed))]
        parts.extend(repr(_stable(step)) for step in flow.steps)
        digest = hashlib.sha1("\n".join(parts).encode(), usedforsecurity=False).hexdigest()[:16]
        self._hashes[flow_id] = digest
        return digest


def _stable(value: Any) -> Any:
    """A value with every source position removed, so moving lines does not change a hash."""
    names = getattr(value, "__dataclass_fields__", None)
    if names is not None:
        return tuple((n, _stable(getattr(value, n))) for n in names if n != "span")
    if isinstance(value, list | tuple):
        return tuple(_stable(v) for v in value)  # type: ignore[misc]
    if isinstance(value, dict):
        return tuple(sorted((str(k), _stable(v)) for k, v in value.items()))  # type: ignore[misc]
    return value
