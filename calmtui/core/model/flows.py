"""Flows and their steps (FORMATS.md c).

Steps are stored flat, in the depth-first document order that also numbers default step ids
(`<flow_id>_<index>_<postfix>`); nested `then`/`else` lists are resolved at load time into step
ids, so every step's `next` is either a step id, `END`, or a list of guarded branches.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from calmtui.core.diagnostics import Span
from calmtui.core.model.slots import Rejection

START = "START"
END = "END"
CONTINUE_PREFIX = "NEXT:"
PATTERN_PREFIX = "pattern_"


@dataclass(frozen=True, slots=True, kw_only=True)
class Branch:
    condition: str | bool
    target: str
    span: Span | None = None  # the `if` value
    target_span: Span | None = None  # the `then` value


@dataclass(frozen=True, slots=True, kw_only=True)
class StaticNext:
    kind: Literal["static"] = "static"
    target: str
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BranchNext:
    kind: Literal["branches"] = "branches"
    branches: tuple[Branch, ...]
    else_target: str
    span: Span | None = None
    else_span: Span | None = None  # the `else` value


Next = StaticNext | BranchNext


@dataclass(frozen=True, slots=True, kw_only=True)
class StepBase:
    id: str
    index: int
    next: Next
    has_custom_id: bool = False
    description: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])
    span: Span | None = None
    # Where the step's type value is (the action, slot or flow name), for precise diagnostics.
    value_span: Span | None = None
    # Properties the step has that calmtui reads but does not act on (voice, MCP), with where
    # each is: `calmtui validate` says so once (CT371).
    unsupported_spans: tuple[tuple[str, Span], ...] = ()

    def targets(self) -> Iterator[str]:
        """Every step id (or END) this step can continue with."""
        for target, _span in self.targets_with_spans():
            yield target

    def targets_with_spans(self) -> Iterator[tuple[str, Span | None]]:
        """Every target with the span of the value that names it (for diagnostics)."""
        match self.next:
            case StaticNext(target=target, span=span):
                yield target, span
            case BranchNext(branches=branches, else_target=else_target, span=span):
                for b in branches:
                    yield b.target, b.target_span or span
                yield else_target, self.next.else_span or span


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionStep(StepBase):
    kind: Literal["action"] = "action"
    action: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectStep(StepBase):
    kind: Literal["collect"] = "collect"
    collect: str
    utter: str
    has_custom_utter: bool = False
    utter_span: Span | None = None
    ask_before_filling: bool = False
    reset_after_flow_ends: bool = True
    force_slot_filling: bool = False
    rejections: tuple[Rejection, ...] = ()
    silence_timeout: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkStep(StepBase):
    kind: Literal["link"] = "link"
    link: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CallStep(StepBase):
    kind: Literal["call"] = "call"
    call: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SetSlotsStep(StepBase):
    kind: Literal["set_slots"] = "set_slots"
    slot_values: tuple[tuple[str, Any], ...] = ()
    # One span per entry of `slot_values` (same order), where the loader knows it.
    slot_spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class NoopStep(StepBase):
    kind: Literal["noop"] = "noop"


Step = ActionStep | CollectStep | LinkStep | CallStep | SetSlotsStep | NoopStep


@dataclass(frozen=True, slots=True, kw_only=True)
class NluTrigger:
    intent: str
    confidence_threshold: float | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Flow:
    id: str
    description: str = ""
    name: str = ""
    guard: str | bool | None = None
    guard_span: Span | None = None
    always_include_in_prompt: bool = False
    nlu_triggers: tuple[NluTrigger, ...] = ()
    persisted_slots: tuple[str, ...] = ()
    persisted_slot_spans: tuple[Span, ...] = ()
    run_pattern_completed: bool = True
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])
    # `translation: {de: {name: ...}}`: the flow's name per language (docs/languages.md).
    translation: Mapping[str, str] = field(default_factory=dict[str, str])
    translation_spans: Mapping[str, Span] = field(default_factory=dict[str, Span])
    steps: tuple[Step, ...] = ()
    span: Span | None = None
    builtin: bool = False
    # Flow properties calmtui reads but does not act on (`on_activate`, an nlu_trigger's
    # `confidence_threshold`), with where each is (CT371).
    unsupported_spans: tuple[tuple[str, Span], ...] = ()
    step_index: Mapping[str, Step] = field(
        default_factory=dict[str, Step], compare=False, repr=False
    )

    def __post_init__(self) -> None:
        if not self.step_index and self.steps:
            object.__setattr__(self, "step_index", {s.id: s for s in self.steps})

    @property
    def is_pattern(self) -> bool:
        return self.id.startswith(PATTERN_PREFIX)

    @property
    def readable_name(self) -> str:
        return self.name or readable_flow_name(self.id)

    def name_in(self, language: str | None) -> str:
        """The name shown to a user speaking `language`: its translation when there is one
        (Rasa's `readable_name(language)`), else the name, else the id made readable."""
        if language is not None:
            translated = self.translation.get(language)
            if translated:
                return translated
        return self.readable_name

    @property
    def first_step(self) -> Step | None:
        return self.steps[0] if self.steps else None

    def step(self, step_id: str) -> Step | None:
        return self.step_index.get(step_id)

    def collect_steps(self) -> list[CollectStep]:
        return [s for s in self.steps if isinstance(s, CollectStep)]

    def set_slots_steps(self) -> list[SetSlotsStep]:
        return [s for s in self.steps if isinstance(s, SetSlotsStep)]

    @property
    def is_link_only(self) -> bool:
        """A guard that is literally false: reachable only through link or call (FORMATS c.1)."""
        if self.guard is False:
            return True
        return isinstance(self.guard, str) and self.guard.strip().lower() == "false"


def readable_flow_name(flow_id: str) -> str:
    return flow_id.replace("_", " ").replace("-", " ")
