"""Reading one e2e test file or conftest.yml into typed, still unresolved declarations.

`parse_test_file` never raises: every problem is a CT5xx (or the loader's CT1xx) diagnostic with
its line. References to fixtures, metadata and stubs stay as names here; `loader.py` resolves them
across the conftest chain and the other files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calmtui.actions.stubs import ActionStub, parse_stubs
from calmtui.core.diagnostics import Span
from calmtui.core.source import YamlFile, YMap
from calmtui.testing.parse_assertions import parse_assertion, parse_command_lines
from calmtui.testing.reading import MISSING_KEY, WRONG_VALUE, FileReader, plain
from calmtui.testing.spec import (
    Assertion,
    BotTextStep,
    JudgeConfig,
    SlotExpectation,
    SlotNotSetStep,
    SlotSetStep,
    Step,
    StepStyle,
    UserStep,
    UtterStep,
)

WRONG_SHAPE = "CT500"
BAD_STEP = "CT503"
MIXED_STYLES = "CT504"
EMPTY_USER = "CT518"
REPEATED_MESSAGE = "CT517"

FILE_KEYS = (
    "test_cases",
    "fixtures",
    "metadata",
    "stub_custom_actions",
    "version",
    "llm_judge",
    "llm_e2e_test_conversion",
)
CONFTEST_KEYS = ("fixtures", "metadata", "llm_judge", "llm_e2e_test_conversion", "version")
CASE_KEYS = ("test_case", "steps", "fixtures", "metadata")
USER_KEYS = ("user", "metadata", "assertions", "assertion_order_enabled", "commands")
STEP_KINDS = ("user", "bot", "utter", "slot_was_set", "slot_was_not_set")


@dataclass(frozen=True, slots=True, kw_only=True)
class FixtureDef:
    name: str
    slots: tuple[tuple[str, Any, Span], ...]
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class MetadataDef:
    name: str
    values: Mapping[str, Any]
    span: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedCase:
    name: str
    span: Span
    steps: tuple[Step, ...]
    style: StepStyle
    fixture_refs: tuple[tuple[str, Span], ...] = ()
    metadata_ref: tuple[str, Span] | None = None
    # (index into steps, metadata name, span) for user steps that name metadata
    step_metadata_refs: tuple[tuple[int, str, Span], ...] = ()
    raw_steps: tuple[Any, ...] = ()


@dataclass(slots=True, kw_only=True)
class ParsedFile:
    path: str
    cases: list[ParsedCase] = field(default_factory=list[ParsedCase])
    fixtures: dict[str, FixtureDef] = field(default_factory=dict[str, FixtureDef])
    metadata: dict[str, MetadataDef] = field(default_factory=dict[str, MetadataDef])
    stubs: list[ActionStub] = field(default_factory=list[ActionStub])
    judge: JudgeConfig | None = None
    # Every item of `test_cases:`, read or not, with its name when it has one: a problem inside
    # one is that case's alone.
    case_items: list[tuple[Span, str | None]] = field(default_factory=list[tuple[Span, str | None]])


def parse_test_file(parsed: YamlFile, *, conftest: bool = False) -> tuple[ParsedFile, FileReader]:
    """Declarations of one file; the reader holds the diagnostics found while reading it."""
    r = FileReader(parsed.path, parsed.text)
    result = ParsedFile(path=parsed.path)
    data = parsed.data
    if data is None:
        return result, r
    if not isinstance(data, YMap):
        r.error(
            WRONG_SHAPE,
            "a test file must be a mapping with a top-level 'test_cases:' list",
            Span(parsed.path, 1, 1),
        )
        return result, r
    r.check_keys(
        data,
        CONFTEST_KEYS if conftest else FILE_KEYS,
        "conftest.yml" if conftest else "a test file",
    )
    if "fixtures" in data:
        result.fixtures = _fixtures(data, r)
    if "metadata" in data:
        result.metadata = _metadata(data, r)
    if "llm_judge" in data:
        result.judge = _judge(data, r)
    if not conftest:
        if "stub_custom_actions" in data:
            result.stubs = _stubs(data, r)
        cases = data.get("test_cases")
        seq = (
            r.sequence(cases, "'test_cases'", data.value_span("test_cases"))
            if cases is not None
            else None
        )
        for i, item in enumerate(seq or []):
            span = seq.item_span(i) if seq is not None else data.span
            name = item.get("test_case") if isinstance(item, YMap) else None
            result.case_items.append((span, name if isinstance(name, str) else None))
            case = _case(item, span, r)
            if case is not None:
                result.cases.append(case)
    return result, r


# -- declarations ------------------------------------------------------------------------------
def _named_items(data: YMap, key: str, r: FileReader, example: str) -> list[tuple[str, Any, Span]]:
    """`- name: value` list items (fixtures, metadata) as (name, value, span)."""
    value = data[key]
    if value is None:
        return []
    seq = r.sequence(value, f"'{key}'", data.value_span(key), f"e.g. {example}")
    items: list[tuple[str, Any, Span]] = []
    for i, item in enumerate(seq or []):
        span = seq.item_span(i) if seq is not None else data.span
        if not isinstance(item, YMap) or len(item) != 1:
            r.error(
                WRONG_VALUE,
                f"each item of '{key}' must be a mapping with one name",
                span,
                f"e.g. {example}",
            )
            continue
        name = next(iter(item))
        items.append((name, item[name], item.value_span(name)))
    return items


def _fixtures(data: YMap, r: FileReader) -> dict[str, FixtureDef]:
    fixtures: dict[str, FixtureDef] = {}
    for name, value, span in _named_items(
        data, "fixtures", r, "`- low_balance: [{current_balance: 20}]`"
    ):
        seq = r.sequence(value, f"fixture {name!r}", span, "a list of `- slot_name: value` items")
        slots: list[tuple[str, Any, Span]] = []
        for i, item in enumerate(seq or []):
            item_span = seq.item_span(i) if seq is not None else span
            if not isinstance(item, YMap) or not item:
                r.error(
                    WRONG_VALUE,
                    f"fixture {name!r}: each item must be `slot_name: value`",
                    item_span,
                )
                continue
            slots.extend((slot, item[slot], item.key_span(slot)) for slot in item)
        fixtures[name] = FixtureDef(name=name, slots=tuple(slots), span=span)
    return fixtures


def _metadata(data: YMap, r: FileReader) -> dict[str, MetadataDef]:
    entries: dict[str, MetadataDef] = {}
    for name, value, span in _named_items(data, "metadata", r, "`- mobile: {channel: app}`"):
        values = r.mapping(value, f"metadata {name!r}", span) if value is not None else YMap()
        if values is not None:
            entries[name] = MetadataDef(name=name, values=plain(values), span=span)
    return entries


def _stubs(data: YMap, r: FileReader) -> list[ActionStub]:
    stubs, problems = parse_stubs(
        data["stub_custom_actions"], r.path, data.value_span("stub_custom_actions")
    )
    r.diagnostics.extend(problems)
    return list(stubs.stubs)


def _judge(data: YMap, r: FileReader) -> JudgeConfig | None:
    body = r.mapping(
        data["llm_judge"],
        "'llm_judge'",
        data.value_span("llm_judge"),
        "e.g. `llm: {provider: openai, model: gpt-4.1-mini}`",
    )
    if body is None:
        return None
    llm = body.get("llm", body)
    if not isinstance(llm, YMap):
        r.wrong_type("llm_judge 'llm'", "a mapping", llm, body.value_span("llm"))
        return None
    known = ("provider", "type", "model", "model_group", "api_base")
    return JudgeConfig(
        model=r.string(llm, "model", "llm_judge"),
        provider=r.string(llm, "provider", "llm_judge") or r.string(llm, "type", "llm_judge"),
        model_group=r.string(llm, "model_group", "llm_judge"),
        api_base=r.string(llm, "api_base", "llm_judge"),
        extra={k: plain(v) for k, v in llm.items() if k not in (*known, "llm", "embeddings")},
        span=data.key_span("llm_judge"),
    )


# -- test cases --------------------------------------------------------------------------------
def _case(item: Any, span: Span, r: FileReader) -> ParsedCase | None:
    data = r.mapping(
        item, "a test case", span, "write `- test_case: <name>` with `steps:` below it"
    )
    if data is None:
        return None
    r.check_keys(data, CASE_KEYS, "a test case")
    name = r.string(data, "test_case", "a test case", required=True)
    if not r.require(data, "steps", f"test case {name!r}" if name else "a test case"):
        return None
    seq = r.sequence(data["steps"], "'steps'", data.value_span("steps"))
    if not name or seq is None:
        return None
    if not seq:
        r.error(MISSING_KEY, f"test case {name!r} has no steps", data.value_span("steps"))
        return None
    steps: list[Step] = []
    metadata_refs: list[tuple[int, str, Span]] = []
    for i, raw in enumerate(seq):
        for step, ref in _steps(raw, seq.item_span(i), r):
            if ref is not None:
                metadata_refs.append((len(steps), *ref))
            steps.append(step)
    style = _style(name, steps, r)
    fixture_refs = (
        tuple(r.string_list(data, "fixtures", "a test case")) if "fixtures" in data else ()
    )
    metadata = r.string(data, "metadata", "a test case")
    return ParsedCase(
        name=name,
        span=span,
        steps=tuple(steps),
        style=style,
        fixture_refs=fixture_refs,
        metadata_ref=(metadata, data.value_span("metadata")) if metadata else None,
        step_metadata_refs=tuple(metadata_refs),
        raw_steps=tuple(plain(s) for s in seq),
    )


def _style(name: str, steps: list[Step], r: FileReader) -> StepStyle:
    """A case with `assertions:` on any step is judged by its assertions (FORMATS.md g.3).

    Rasa accepts `bot`/`utter`/`slot_was_set`/`slot_was_not_set` steps beside them and skips
    them when it evaluates such a case; calmtui does the same and says so (CT504, a warning).
    """
    if not any(isinstance(s, UserStep) and s.assertions for s in steps):
        return "steps"
    seen: set[tuple[str, str | None]] = set()
    for step in steps:
        if not isinstance(step, UserStep):
            r.warning(
                MIXED_STYLES,
                f"the {step.kind!r} step of test case {name!r} is not checked, as in Rasa: "
                "the case uses assertions, and they decide its result",
                step.span,
                "move this check into the `assertions:` of the user step before it",
            )
            continue
        key = (step.text, step.metadata_name)
        if key in seen and step.assertions:
            r.warning(
                REPEATED_MESSAGE,
                f"user message {step.text!r} appears twice in {name!r} with the same metadata",
                step.span,
                "give each a distinct `metadata:` name: Rasa finds a step's turn by text and metadata "
                "(calmtui uses each step's own turn)",
            )
        seen.add(key)
    return "assertions"


def _steps(raw: Any, span: Span, r: FileReader) -> list[tuple[Step, tuple[str, Span] | None]]:
    """One YAML step; a multi-item slot list becomes one step per item (as in Rasa)."""
    data = r.mapping(raw, "a step", span, "e.g. `- user: hello` or `- utter: utter_greet`")
    if data is None:
        return []
    kinds = [k for k in STEP_KINDS if k in data]
    if len(kinds) != 1:
        unknown = [k for k in data if k not in USER_KEYS]
        if not kinds and unknown:
            r.check_keys(data, STEP_KINDS, "a step")
        else:
            found = ", ".join(kinds) if kinds else "none"
            r.error(
                BAD_STEP,
                f"a step needs exactly one of {', '.join(STEP_KINDS)} (found: {found})",
                span,
            )
        return []
    match kinds[0]:
        case "user":
            return _user_step(data, span, r)
        case "bot":
            r.check_keys(data, ("bot",), "a bot step")
            text = r.string(data, "bot", "a bot step")
            return [(BotTextStep(text=text.strip(), span=span), None)] if text is not None else []
        case "utter":
            r.check_keys(data, ("utter",), "an utter step")
            name = r.string(data, "utter", "an utter step")
            return [(UtterStep(name=name, span=span), None)] if name else []
        case kind:
            r.check_keys(data, (kind,), f"a {kind} step")
            return [(step, None) for step in _slot_steps(kind, data, r)]


def _slot_steps(kind: str, data: YMap, r: FileReader) -> list[Step]:
    hint = "a list of slot names or `- slot_name: value` items"
    seq = r.sequence(data[kind], kind, data.value_span(kind), hint)
    steps: list[Step] = []
    for i, item in enumerate(seq or []):
        span = seq.item_span(i) if seq is not None else data.span
        if isinstance(item, str) and item:
            expectation = SlotExpectation(name=item, span=span)
        elif isinstance(item, YMap) and len(item) == 1:
            name = next(iter(item))
            expectation = SlotExpectation(name=name, value=item[name], span=span)
        else:
            r.error(
                WRONG_VALUE,
                f"each item of {kind} must be a slot name or `slot_name: value`",
                span,
                hint,
            )
            continue
        steps.append(
            SlotSetStep(slot=expectation, span=span)
            if kind == "slot_was_set"
            else SlotNotSetStep(slot=expectation, span=span)
        )
    return steps


def _user_step(data: YMap, span: Span, r: FileReader) -> list[tuple[Step, tuple[str, Span] | None]]:
    r.check_keys(data, USER_KEYS, "a user step")
    text = r.string(data, "user", "a user step")
    if text is None:
        return []
    assertions: list[Assertion] = []
    if "assertions" in data:
        seq = r.sequence(data["assertions"], "'assertions'", data.value_span("assertions"))
        for i, item in enumerate(seq or []):
            parsed = parse_assertion(item, seq.item_span(i) if seq is not None else span, r)
            if parsed is not None:
                assertions.append(parsed)
    order = data.get("assertion_order_enabled", False)
    if not isinstance(order, bool):
        r.wrong_type(
            "assertion_order_enabled",
            "true or false",
            order,
            data.value_span("assertion_order_enabled"),
        )
        order = False
    if order and "assertions" not in data:
        r.error(
            MISSING_KEY,
            "assertion_order_enabled needs `assertions:` in the same step",
            data.key_span("assertion_order_enabled"),
        )
    commands = None
    if "commands" in data:
        parsed_commands = parse_command_lines(
            data["commands"], data.value_span("commands"), r, "commands"
        )
        commands = parsed_commands[0] if parsed_commands else None
    if not text.strip():
        r.warning(
            EMPTY_USER,
            "empty user message: this step is skipped (as Rasa does)",
            span,
            "write the message text",
        )
        return []
    metadata = r.string(data, "metadata", "a user step")
    step = UserStep(
        text=text.strip(),
        metadata_name=metadata,
        assertions=tuple(assertions),
        assertion_order_enabled=order,
        commands=commands,
        span=span,
    )
    return [(step, (metadata, data.value_span("metadata")) if metadata else None)]
