"""The typed model of e2e test files (FORMATS.md g): test cases, steps and assertions.

Everything keeps the `Span` it was read from, so a failure or a diagnostic can point at the exact
YAML line. References (fixtures, metadata, stubs) are resolved at load time: a `TestCase` carries
the slot values, user-message metadata and action stubs it runs with, so the runner needs nothing
but the case and the project.

Assertions are a discriminated union on `kind` (STYLE.md 3.3); `ASSERTION_KINDS` lists the Rasa
ones and calmtui's extensions, which are documented as such in docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from calmtui.actions.stubs import ActionStub
from calmtui.core.commands import Command
from calmtui.core.diagnostics import Span

Operator = Literal["any", "all"]
StepStyle = Literal["steps", "assertions"]


class _Unset:
    """The value of a slot expectation that names no value (`- slot_name` or `{name: x}`)."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


@dataclass(frozen=True, slots=True, kw_only=True)
class SlotExpectation:
    """One slot in `slot_was_set`/`slot_was_not_set` (either style); `value` may be UNSET."""

    name: str
    value: Any = UNSET
    span: Span | None = None

    @property
    def has_value(self) -> bool:
        return self.value is not UNSET


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonSpec:
    title: str | None = None
    payload: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BotMessageSpec:
    """An expected bot message of `bot_uttered_exactly`: each given property must be equal."""

    text: str | None = None
    utter_name: str | None = None
    buttons: tuple[ButtonSpec, ...] | None = None


# -- assertions (style B) ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class FlowStartedAssertion:
    kind: Literal["flow_started"] = "flow_started"
    flow_ids: tuple[str, ...]
    operator: Operator = "any"
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowNotStartedAssertion:
    """Extension: the negation of `flow_started` with the same fields."""

    kind: Literal["flow_not_started"] = "flow_not_started"
    flow_ids: tuple[str, ...]
    operator: Operator = "any"
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowCompletedAssertion:
    kind: Literal["flow_completed"] = "flow_completed"
    flow_id: str
    flow_step_id: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowCancelledAssertion:
    kind: Literal["flow_cancelled"] = "flow_cancelled"
    flow_id: str
    flow_step_id: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PatternClarificationAssertion:
    """Either readable `names` (deprecated list form) or `flow_ids` with an operator."""

    kind: Literal["pattern_clarification_contains"] = "pattern_clarification_contains"
    names: tuple[str, ...] | None = None
    flow_ids: tuple[str, ...] | None = None
    operator: Operator = "all"
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionExecutedAssertion:
    kind: Literal["action_executed"] = "action_executed"
    action: str
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SlotWasSetAssertion:
    kind: Literal["slot_was_set"] = "slot_was_set"
    slots: tuple[SlotExpectation, ...]
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SlotWasNotSetAssertion:
    kind: Literal["slot_was_not_set"] = "slot_was_not_set"
    slots: tuple[SlotExpectation, ...]
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BotUtteredAssertion:
    kind: Literal["bot_uttered"] = "bot_uttered"
    utter_name: str | None = None
    text_matches: str | None = None
    buttons: tuple[ButtonSpec, ...] = ()
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BotDidNotUtterAssertion:
    kind: Literal["bot_did_not_utter"] = "bot_did_not_utter"
    utter_name: str | None = None
    text_matches: str | None = None
    buttons: tuple[ButtonSpec, ...] = ()
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BotUtteredExactlyAssertion:
    """Extension: the bot's messages of the turn, exactly and in order."""

    kind: Literal["bot_uttered_exactly"] = "bot_uttered_exactly"
    messages: tuple[BotMessageSpec, ...]
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandsIssuedAssertion:
    """Extension: understanding produced every listed command in this turn."""

    kind: Literal["commands_issued"] = "commands_issued"
    commands: tuple[Command, ...]
    lines: tuple[str, ...] = ()
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandNotIssuedAssertion:
    """Extension: understanding produced none of the listed commands in this turn."""

    kind: Literal["command_not_issued"] = "command_not_issued"
    commands: tuple[Command, ...]
    lines: tuple[str, ...] = ()
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerativeAssertion:
    """`generative_response_is_relevant` / `_is_grounded`: scored by an LLM judge."""

    kind: Literal["generative_response_is_relevant", "generative_response_is_grounded"]
    threshold: float
    utter_name: str | None = None
    utter_source: str | None = None
    ground_truth: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UnsupportedAssertion:
    """A Rasa 3.21 agent assertion (`skill_*`, `tool_executed`, ...): reported as skipped."""

    kind: Literal["unsupported"] = "unsupported"
    name: str
    span: Span | None = None


Assertion = (
    FlowStartedAssertion
    | FlowNotStartedAssertion
    | FlowCompletedAssertion
    | FlowCancelledAssertion
    | PatternClarificationAssertion
    | ActionExecutedAssertion
    | SlotWasSetAssertion
    | SlotWasNotSetAssertion
    | BotUtteredAssertion
    | BotDidNotUtterAssertion
    | BotUtteredExactlyAssertion
    | CommandsIssuedAssertion
    | CommandNotIssuedAssertion
    | GenerativeAssertion
    | UnsupportedAssertion
)

RASA_ASSERTIONS: tuple[str, ...] = (
    "flow_started",
    "flow_completed",
    "flow_cancelled",
    "pattern_clarification_contains",
    "action_executed",
    "slot_was_set",
    "slot_was_not_set",
    "bot_uttered",
    "bot_did_not_utter",
    "generative_response_is_relevant",
    "generative_response_is_grounded",
)
EXTENSION_ASSERTIONS: tuple[str, ...] = (
    "flow_not_started",
    "commands_issued",
    "command_not_issued",
    "bot_uttered_exactly",
)
ASSERTION_KINDS: tuple[str, ...] = RASA_ASSERTIONS + EXTENSION_ASSERTIONS
GENERATIVE_KINDS = frozenset({"generative_response_is_relevant", "generative_response_is_grounded"})
AGENT_ASSERTION_PREFIXES = ("skill_", "memory_", "ordered_block_")
AGENT_ASSERTIONS = frozenset({"tool_executed", "tools_within_one_turn"})


def is_agent_assertion(name: str) -> bool:
    """Rasa 3.21's agent (Mantle) assertions, which calmtui accepts but cannot evaluate."""
    return name in AGENT_ASSERTIONS or name.startswith(AGENT_ASSERTION_PREFIXES)


# -- steps ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class UserStep:
    """A user message. `commands` (extension) bypasses understanding for this turn."""

    kind: Literal["user"] = "user"
    text: str
    metadata_name: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])
    assertions: tuple[Assertion, ...] = ()
    assertion_order_enabled: bool = False
    commands: tuple[Command, ...] | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BotTextStep:
    """Style A `bot: "text"`: some bot message of the current turn has exactly this text."""

    kind: Literal["bot"] = "bot"
    text: str
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UtterStep:
    """Style A `utter: name`: some bot message of the current turn came from this response."""

    kind: Literal["utter"] = "utter"
    name: str
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SlotSetStep:
    """Style A `slot_was_set` item (a multi-item list becomes one step per item, as in Rasa)."""

    kind: Literal["slot_was_set"] = "slot_was_set"
    slot: SlotExpectation
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SlotNotSetStep:
    kind: Literal["slot_was_not_set"] = "slot_was_not_set"
    slot: SlotExpectation
    span: Span | None = None


ExpectationStep = BotTextStep | UtterStep | SlotSetStep | SlotNotSetStep
Step = UserStep | ExpectationStep


# -- the test case ---------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class JudgeConfig:
    """`llm_judge` from conftest.yml: which model scores generative responses."""

    model: str | None = None
    provider: str | None = None
    model_group: str | None = None
    api_base: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict[str, Any])
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TestCase:
    """One test case, with everything it references resolved.

    `path` is relative to the project root (as in every Span); `raw` keeps the case as plain
    data for Rasa's results file (`expected_steps`).
    """

    __test__ = False  # not a pytest class

    name: str
    path: str
    span: Span
    steps: tuple[Step, ...]
    style: StepStyle
    fixture_names: tuple[str, ...] = ()
    fixture_slots: tuple[tuple[str, Any], ...] = ()
    metadata_name: str | None = None
    stubs: Mapping[str, ActionStub] = field(default_factory=dict[str, ActionStub])
    judge: JudgeConfig | None = None
    raw_steps: tuple[Any, ...] = ()

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def node_id(self) -> str:
        """`path::name`, the id used for selection, --last-failed and pytest."""
        return f"{self.path}::{self.name}"

    @property
    def user_steps(self) -> list[UserStep]:
        return [s for s in self.steps if isinstance(s, UserStep)]
