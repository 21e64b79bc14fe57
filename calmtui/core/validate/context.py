"""What every check reads: the project plus indexes built once per validation run.

Checks never walk the whole project on their own: the steps of user flows are bucketed by kind
here in one pass, so each check is linear in what it looks at and a 500-flow project validates
in a few milliseconds per check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path

from calmtui.core.conditions import check_condition
from calmtui.core.diagnostics import Diagnostic, Span, closest
from calmtui.core.model.domain import Domain
from calmtui.core.model.flows import (
    ActionStep,
    CallStep,
    CollectStep,
    Flow,
    LinkStep,
    SetSlotsStep,
)
from calmtui.core.model.project import Project
from calmtui.core.model.slots import Slot
from calmtui.core.patterns import builtin_domain, builtin_flows

# Intents every Rasa assistant knows without listing them in the domain.
DEFAULT_INTENTS = frozenset({"restart", "back", "out_of_scope", "session_start", "nlu_fallback"})
FLOW_NAMESPACES: tuple[str, ...] = ("slots", "context")
RESPONSE_NAMESPACES: tuple[str, ...] = ("slots",)


class ValidationContext:
    """The project under validation and the lookups the checks share."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.domain: Domain = project.domain
        self.slots: Mapping[str, Slot] = project.domain.slots
        self.flows: Mapping[str, Flow] = project.flows
        # Flows written by the user (including overridden patterns): the ones checks report on.
        self.user_flows: list[Flow] = [f for f in project.flows.values() if not f.builtin]
        self.builtin_domain: Domain = builtin_domain()
        self.builtin_flow_ids = frozenset(builtin_flows())
        self.known_actions: frozenset[str] = (
            frozenset(self.domain.actions)
            | frozenset(self.domain.responses)
            | frozenset(self.builtin_domain.actions)
            | frozenset(self.domain.forms)  # form names are action names (Rasa's domain)
        )
        self.collects: list[tuple[Flow, CollectStep]] = []
        self.actions: list[tuple[Flow, ActionStep]] = []
        self.links: list[tuple[Flow, LinkStep]] = []
        self.calls: list[tuple[Flow, CallStep]] = []
        self.set_slots: list[tuple[Flow, SetSlotsStep]] = []
        for flow in self.user_flows:
            for step in flow.steps:
                match step:
                    case CollectStep():
                        self.collects.append((flow, step))
                    case ActionStep():
                        self.actions.append((flow, step))
                    case LinkStep():
                        self.links.append((flow, step))
                    case CallStep():
                        self.calls.append((flow, step))
                    case SetSlotsStep():
                        self.set_slots.append((flow, step))
                    case _:
                        pass
        self._clean_conditions: set[tuple[str, tuple[str, ...]]] = set()

    # -- lookups ----------------------------------------------------------------------------------
    @property
    def root(self) -> Path:
        return Path(self.project.root)

    @cached_property
    def user_slot_names(self) -> list[str]:
        return [name for name, slot in self.slots.items() if not slot.builtin]

    @cached_property
    def known_intents(self) -> frozenset[str]:
        return frozenset(self.domain.intents) | DEFAULT_INTENTS

    def slot_hint(self, name: str, fallback: str | None = None) -> str | None:
        """`did you mean 'amount'? (domain.yml:4)` for a misspelled slot name."""
        return self.suggest_in(name, {n: s.span for n, s in self.slots.items()}, fallback)

    def response_hint(self, name: str, fallback: str | None = None) -> str | None:
        return self.suggest_in(
            name, {n: r.span for n, r in self.domain.responses.items()}, fallback
        )

    def action_hint(self, name: str, fallback: str | None = None) -> str | None:
        spans: dict[str, Span | None] = dict.fromkeys(self.known_actions)
        spans.update({n: a.span for n, a in self.domain.actions.items() if not a.builtin})
        spans.update({n: r.span for n, r in self.domain.responses.items() if not r.builtin})
        return self.suggest_in(name, spans, fallback)

    def flow_hint(self, name: str, fallback: str | None = None) -> str | None:
        spans = {f.id: (None if f.builtin else f.span) for f in self.flows.values()}
        return self.suggest_in(name, spans, fallback)

    @staticmethod
    def suggest_in(
        name: str, candidates: Mapping[str, Span | None], fallback: str | None = None
    ) -> str | None:
        """A did-you-mean hint naming where the suggestion is defined, else `fallback`."""
        match = closest(name, candidates)
        if match is None:
            return fallback
        span = candidates[match]
        where = (
            f" ({span.path}:{span.line})"
            if span is not None and not span.path.startswith("<")
            else ""
        )
        return f"did you mean {match!r}?{where}"

    # -- conditions -------------------------------------------------------------------------------
    def check_condition(
        self,
        condition: str | bool,
        span: Span | None,
        namespaces: Sequence[str] = FLOW_NAMESPACES,
    ) -> list[Diagnostic]:
        """`conditions.check_condition`, remembering conditions already found clean.

        Only clean results are cached: diagnostics carry the caller's span, and most
        conditions in a project are fine, so this skips nearly all repeated work.
        """
        if isinstance(condition, bool):
            return []
        key = (condition, tuple(namespaces))
        if key in self._clean_conditions:
            return []
        found = check_condition(
            condition, slots=self.slots, span=span, allowed_namespaces=tuple(namespaces)
        )
        if not found:
            self._clean_conditions.add(key)
        return found


def spans_or(span: Span | None, fallback: Span | None) -> Span | None:
    return span if span is not None else fallback
