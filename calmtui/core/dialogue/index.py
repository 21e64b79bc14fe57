"""Facts about a project that the engine asks every turn, computed once per project version."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cached_property
from typing import Any, ClassVar

from calmtui.core.languages import conversation_language
from calmtui.core.model.config import ENTERPRISE_SEARCH_POLICY, INTENTLESS_POLICY
from calmtui.core.model.flows import CallStep, CollectStep, Flow, SetSlotsStep, Step
from calmtui.core.model.project import Project
from calmtui.core.model.slots import Slot
from calmtui.core.patterns import default_action_names

TRIGGER_SEARCH = "action_trigger_search"
TRIGGER_CHITCHAT = "action_trigger_chitchat"


class ProjectIndex:
    """Per-project facts (slot defaults, collect steps with calls inlined, flow fingerprints).

    `ProjectIndex.of(project)` shares one index among all engines of the same project object,
    so a session per conversation does not recompute them.
    """

    _shared: ClassVar[dict[int, tuple[Project, ProjectIndex]]] = {}
    _SHARED_LIMIT: ClassVar[int] = 16

    @classmethod
    def of(cls, project: Project) -> ProjectIndex:
        found = cls._shared.get(id(project))
        if found is not None and found[0] is project:
            return found[1]
        index = cls(project)
        if len(cls._shared) >= cls._SHARED_LIMIT:
            cls._shared.pop(next(iter(cls._shared)))
        cls._shared[id(project)] = (project, index)
        return index

    def __init__(self, project: Project) -> None:
        self.project = project
        self.flows = project.flows
        self.domain = project.domain
        self.slots: dict[str, Slot] = dict(project.domain.slots)
        self.builtin_actions = default_action_names()
        self.custom_actions = (
            frozenset(name for name, action in project.domain.actions.items() if not action.builtin)
            - self.builtin_actions
        )
        self._collects: dict[str, list[CollectStep]] = {}
        self._hashes: dict[str, str] = {}

    @cached_property
    def slot_defaults(self) -> dict[str, Any]:
        return {name: slot.initial_value for name, slot in self.slots.items()}

    @cached_property
    def generative_actions(self) -> frozenset[str]:
        """Built-in actions the engine pauses at (like custom actions) because they need
        documents or an LLM: `action_trigger_search` with the EnterpriseSearchPolicy and
        `action_trigger_chitchat` with the IntentlessPolicy, as Rasa's policies take them over.
        Without the policy they keep their fixed built-in response."""
        config = self.project.config
        names: set[str] = set()
        if config.has_component(ENTERPRISE_SEARCH_POLICY):
            names.add(TRIGGER_SEARCH)
        if config.has_component(INTENTLESS_POLICY):
            names.add(TRIGGER_CHITCHAT)
        return frozenset(names)

    @cached_property
    def every_turn_actions(self) -> tuple[str, ...]:
        """The custom actions of slot mappings' `run_action_every_turn` (older key: `action`), in
        domain order, each once: Rasa's action_extract_slots runs them after every user message."""
        names: dict[str, None] = {}
        for slot in self.slots.values():
            for mapping in slot.mappings:
                action = mapping.run_action_every_turn
                if action and mapping.type in ("controlled", "custom"):
                    names[action] = None
        return tuple(names)

    @cached_property
    def user_flow_ids(self) -> frozenset[str]:
        return frozenset(f.id for f in self.flows.values() if not f.is_pattern)

    def flow(self, flow_id: str) -> Flow | None:
        return self.flows.get(flow_id)

    def language_of(self, slots: Mapping[str, Any]) -> str:
        """The conversation's language: the built-in `language` slot when it holds a
        configured language, else the default one (docs/languages.md)."""
        config = self.project.config
        return conversation_language(slots, config.language, config.languages)

    def flow_name(self, flow_id: str, slots: Mapping[str, Any]) -> str:
        """The flow's name as the user sees it, in the conversation's language (clarification,
        cancellation, continuing an interrupted flow, pattern_completed)."""
        flow = self.flows.get(flow_id)
        return flow.name_in(self.language_of(slots)) if flow is not None else flow_id

    def is_known_action(self, name: str) -> bool:
        return (
            name in self.domain.responses
            or name in self.domain.actions
            or name in self.builtin_actions
            or name in self.domain.forms
        )

    def collect_steps(self, flow_id: str) -> list[CollectStep]:
        """Collect steps of a flow with called flows inlined at their call step (FORMATS.md
        c.6), in document order, cycle-safe."""
        cached = self._collects.get(flow_id)
        if cached is None:
            unique = {
                id(s): s for s in self._steps_with_calls(flow_id) if isinstance(s, CollectStep)
            }
            cached = list(unique.values())
            self._collects[flow_id] = cached
        return cached

    def collect_slots(self, flow_id: str) -> set[str]:
        return {s.collect for s in self.collect_steps(flow_id)}

    def set_slots_of(self, flow_id: str) -> list[str]:
        """Slots set by set_slots steps of a flow and the flows it calls, in order."""
        names: dict[str, None] = {}
        for step in self._steps_with_calls(flow_id):
            if isinstance(step, SetSlotsStep):
                names.update((name, None) for name, _ in step.slot_values)
        return list(names)

    def _steps_with_calls(self, flow_id: str) -> list[Step]:
        result: list[Step] = []

        def visit(current: str, path: tuple[str, ...]) -> None:
            flow = self.flows.get(current)
            if flow is None or current in path:
                return
            for step in flow.steps:
                result.append(step)
                if isinstance(step, CallStep):
                    visit(step.call, (*path, current))

        visit(flow_id, ())
        return result

    def slots_reset_at_end(self, flow_id: str) -> list[str]:
        """The slots a flow resets when it ends (completed or cancelled, FORMATS.md c.8): those
        it and the flows it calls collect (unless `reset_after_flow_ends: false`) or set in a
        `set_slots` step, except its `persisted_slots`; slots the domain lacks are left out."""
        flow = self.flows.get(flow_id)
        if flow is None:
            return []
        keep = set(flow.persisted_slots)
        names: dict[str, None] = {}
        for step in self.collect_steps(flow_id):
            if step.reset_after_flow_ends and step.collect not in keep:
                names[step.collect] = None
            else:
                keep.add(step.collect)
        names.update((name, None) for name in self.set_slots_of(flow_id) if name not in keep)
        return [name for name in names if name not in keep and name in self.slots]

    def called_flows(self, flow_id: str) -> list[str]:
        """Flows a flow calls, directly or through the flows it calls (cycle-safe)."""
        return [s.call for s in self._steps_with_calls(flow_id) if isinstance(s, CallStep)]

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
    dataclass_fields = getattr(value, "__dataclass_fields__", None)
    if dataclass_fields is not None:
        return tuple(
            (name, _stable(getattr(value, name)))
            for name, spec in dataclass_fields.items()
            if spec.compare and not _is_position(name)
        )
    if isinstance(value, list | tuple):
        return tuple(_stable(v) for v in value)  # type: ignore[misc]
    if isinstance(value, dict):
        return tuple(sorted((str(k), _stable(v)) for k, v in value.items()))  # type: ignore[misc]
    return value


def _is_position(field_name: str) -> bool:
    return field_name == "span" or field_name.endswith(("_span", "_spans"))
