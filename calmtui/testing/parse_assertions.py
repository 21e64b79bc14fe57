"""Reading the `assertions:` of a user step (FORMATS.md g.3 style B, plus calmtui's extensions).

One small reader per assertion type, dispatched by the assertion's single key. Anything that
cannot be read becomes a CT5xx diagnostic at the exact item and the assertion is dropped (the
loader then refuses to run the file, so nothing passes by accident).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from calmtui.core.commands import Command
from calmtui.core.diagnostics import Span, did_you_mean
from calmtui.core.dsl import parse_dsl
from calmtui.core.safe_regex import compile_pattern
from calmtui.core.source import YMap, YSeq
from calmtui.testing.reading import MISSING_KEY, WRONG_VALUE, FileReader, type_name
from calmtui.testing.spec import (
    ASSERTION_KINDS,
    UNSET,
    ActionExecutedAssertion,
    Assertion,
    BotDidNotUtterAssertion,
    BotMessageSpec,
    BotUtteredAssertion,
    BotUtteredExactlyAssertion,
    ButtonSpec,
    CommandNotIssuedAssertion,
    CommandsIssuedAssertion,
    FlowCancelledAssertion,
    FlowCompletedAssertion,
    FlowNotStartedAssertion,
    FlowStartedAssertion,
    GenerativeAssertion,
    Operator,
    PatternClarificationAssertion,
    SlotExpectation,
    SlotWasNotSetAssertion,
    SlotWasSetAssertion,
    UnsupportedAssertion,
    is_agent_assertion,
)

UNKNOWN_ASSERTION = "CT502"
BAD_COMMAND = "CT515"
BAD_REGEX = "CT519"

_FLOW_IDS_HINT = "write the flow id, or `flow_ids: [a, b]` with `operator: any` or `all`"


def parse_assertion(item: Any, span: Span, r: FileReader) -> Assertion | None:
    """One item of an `assertions:` list: a mapping with exactly one assertion key."""
    if not isinstance(item, YMap) or len(item) != 1:
        shown = type_name(item) if not isinstance(item, YMap) else f"{len(item)} keys"
        r.error(
            WRONG_VALUE,
            f"an assertion must be a mapping with exactly one key, not {shown}",
            span,
            "one assertion per list item, e.g. `- flow_started: transfer_money`",
        )
        return None
    name = next(iter(item))
    reader = _READERS.get(name)
    if reader is None:
        if is_agent_assertion(name):
            return UnsupportedAssertion(name=name, span=span)
        hint = (
            did_you_mean(name, ASSERTION_KINDS) or f"known assertions: {', '.join(ASSERTION_KINDS)}"
        )
        r.error(UNKNOWN_ASSERTION, f"unknown assertion {name!r}", item.key_span(name), hint)
        return None
    return reader(item[name], item.value_span(name), span, r)


# -- flows ------------------------------------------------------------------------------------
def _flow_ids(
    value: Any, at: Span, r: FileReader, what: str
) -> tuple[tuple[str, ...], Operator] | None:
    if isinstance(value, str) and value:
        return (value,), "any"
    data = r.mapping(value, what, at, _FLOW_IDS_HINT)
    if data is None:
        return None
    r.check_keys(data, ("flow_ids", "operator"), what)
    if not r.require(data, "flow_ids", what, _FLOW_IDS_HINT):
        return None
    ids = [name for name, _ in r.string_list(data, "flow_ids", what)]
    if not ids:
        r.error(MISSING_KEY, f"{what} needs at least one flow id", data.value_span("flow_ids"))
        return None
    operator = _operator(data, r, what, "any")
    return (tuple(ids), operator) if operator else None


def _operator(data: YMap, r: FileReader, what: str, default: Operator) -> Operator | None:
    value = data.get("operator", default)
    if value in ("any", "all"):
        return value
    r.error(
        WRONG_VALUE,
        f"{what} operator must be 'any' or 'all', not {value!r}",
        data.value_span("operator"),
    )
    return None


def _flow_started(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    parsed = _flow_ids(value, at, r, "flow_started")
    return (
        FlowStartedAssertion(flow_ids=parsed[0], operator=parsed[1], span=span) if parsed else None
    )


def _flow_not_started(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    parsed = _flow_ids(value, at, r, "flow_not_started")
    return (
        FlowNotStartedAssertion(flow_ids=parsed[0], operator=parsed[1], span=span)
        if parsed
        else None
    )


def _flow_event(value: Any, at: Span, r: FileReader, what: str) -> tuple[str, str | None] | None:
    hint = (
        f"write `{what}:` with `flow_id: <id>` (and optionally `flow_step_id: <step id>`) below it"
    )
    data = r.mapping(value, what, at, hint)
    if data is None:
        return None
    r.check_keys(data, ("flow_id", "flow_step_id"), what)
    flow_id = r.string(data, "flow_id", what, required=True)
    step_id = r.string(data, "flow_step_id", what)
    return (flow_id, step_id) if flow_id else None


def _flow_completed(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    parsed = _flow_event(value, at, r, "flow_completed")
    return (
        FlowCompletedAssertion(flow_id=parsed[0], flow_step_id=parsed[1], span=span)
        if parsed
        else None
    )


def _flow_cancelled(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    parsed = _flow_event(value, at, r, "flow_cancelled")
    return (
        FlowCancelledAssertion(flow_id=parsed[0], flow_step_id=parsed[1], span=span)
        if parsed
        else None
    )


def _clarification(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    what = "pattern_clarification_contains"
    if isinstance(value, YSeq):
        names = tuple(str(v) for v in value if v is not None)
        if not names:
            r.error(MISSING_KEY, f"{what} needs at least one flow name", at)
            return None
        return PatternClarificationAssertion(names=names, span=span)
    data = r.mapping(value, what, at, "a list of flow names, or `flow_ids: [...]` with `operator`")
    if data is None:
        return None
    r.check_keys(data, ("flow_ids", "operator"), what)
    if not r.require(data, "flow_ids", what):
        return None
    ids = tuple(name for name, _ in r.string_list(data, "flow_ids", what))
    operator = _operator(data, r, what, "all")
    if not ids or operator is None:
        return None
    return PatternClarificationAssertion(flow_ids=ids, operator=operator, span=span)


def _action_executed(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    if isinstance(value, str) and value:
        return ActionExecutedAssertion(action=value, span=span)
    r.wrong_type("action_executed", "an action name", value, at)
    return None


# -- slots ------------------------------------------------------------------------------------
def _slot_items(
    value: Any, at: Span, r: FileReader, what: str
) -> tuple[SlotExpectation, ...] | None:
    hint = "a list of `- name: <slot>` items, each with an optional `value:`"
    seq = r.sequence(value, what, at, hint)
    if seq is None:
        return None
    slots: list[SlotExpectation] = []
    for i, item in enumerate(seq):
        item_span = seq.item_span(i)
        data = r.mapping(item, f"each item of {what}", item_span, hint)
        if data is None:
            continue
        r.check_keys(data, ("name", "value"), f"a {what} item")
        name = r.string(data, "name", f"a {what} item", required=True)
        if name:
            slots.append(SlotExpectation(name=name, value=data.get("value", UNSET), span=item_span))
    if not slots and not seq:
        r.error(MISSING_KEY, f"{what} needs at least one slot", at, hint)
    return tuple(slots) if slots else None


def _slot_was_set(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    slots = _slot_items(value, at, r, "slot_was_set")
    return SlotWasSetAssertion(slots=slots, span=span) if slots else None


def _slot_was_not_set(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    slots = _slot_items(value, at, r, "slot_was_not_set")
    return SlotWasNotSetAssertion(slots=slots, span=span) if slots else None


# -- bot messages -----------------------------------------------------------------------------
def _buttons(data: YMap, r: FileReader, what: str) -> tuple[ButtonSpec, ...] | None:
    seq = r.sequence(data["buttons"], f"{what} buttons", data.value_span("buttons"))
    if seq is None:
        return None
    buttons: list[ButtonSpec] = []
    for i, item in enumerate(seq):
        button = r.mapping(
            item, "a button", seq.item_span(i), "write `- title: ...` and `payload: ...`"
        )
        if button is None:
            return None
        r.check_keys(button, ("title", "payload"), "a button")
        buttons.append(
            ButtonSpec(
                title=r.string(button, "title", "a button"),
                payload=r.string(button, "payload", "a button"),
            )
        )
    return tuple(buttons)


def _regex(data: YMap, r: FileReader) -> str | None:
    pattern = r.string(data, "text_matches", "text_matches")
    if pattern is None:
        return None
    try:
        compile_pattern(pattern)
    except ValueError as exc:
        r.error(
            BAD_REGEX,
            f"text_matches is not a valid regular expression: {exc}",
            data.value_span("text_matches"),
        )
        return None
    return pattern


def _bot_message(
    value: Any, at: Span, r: FileReader, what: str
) -> tuple[str | None, str | None, tuple[ButtonSpec, ...]] | None:
    hint = "give at least one of utter_name, text_matches, buttons"
    data = r.mapping(value, what, at, hint)
    if data is None:
        return None
    r.check_keys(data, ("utter_name", "text_matches", "buttons"), what)
    if not any(k in data for k in ("utter_name", "text_matches", "buttons")):
        r.error(MISSING_KEY, f"{what} is empty", at, hint)
        return None
    buttons = _buttons(data, r, what) if "buttons" in data else ()
    if buttons is None:
        return None
    return r.string(data, "utter_name", what), _regex(data, r), buttons


def _bot_uttered(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    parsed = _bot_message(value, at, r, "bot_uttered")
    if parsed is None:
        return None
    return BotUtteredAssertion(
        utter_name=parsed[0], text_matches=parsed[1], buttons=parsed[2], span=span
    )


def _bot_did_not_utter(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    parsed = _bot_message(value, at, r, "bot_did_not_utter")
    if parsed is None:
        return None
    return BotDidNotUtterAssertion(
        utter_name=parsed[0], text_matches=parsed[1], buttons=parsed[2], span=span
    )


def _exact_message(item: Any, at: Span, r: FileReader) -> BotMessageSpec | None:
    if isinstance(item, str):
        return BotMessageSpec(text=item)
    data = r.mapping(
        item,
        "a bot_uttered_exactly message",
        at,
        "the message text, or `utter_name`/`text`/`buttons`",
    )
    if data is None:
        return None
    r.check_keys(data, ("utter_name", "text", "buttons"), "a bot_uttered_exactly message")
    if not data:
        r.error(MISSING_KEY, "a bot_uttered_exactly message is empty", at)
        return None
    buttons = _buttons(data, r, "bot_uttered_exactly") if "buttons" in data else None
    return BotMessageSpec(
        text=r.string(data, "text", "bot_uttered_exactly"),
        utter_name=r.string(data, "utter_name", "bot_uttered_exactly"),
        buttons=buttons,
    )


def _bot_uttered_exactly(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    items: list[tuple[Any, Span]]
    if isinstance(value, YSeq):
        items = [(v, value.item_span(i)) for i, v in enumerate(value)]
    elif value is None:
        items = []  # `bot_uttered_exactly: []`-like: the bot says nothing
    else:
        items = [(value, at)]
    messages = [_exact_message(v, s, r) for v, s in items]
    if any(m is None for m in messages):
        return None
    return BotUtteredExactlyAssertion(
        messages=tuple(m for m in messages if m is not None), span=span
    )


# -- commands ---------------------------------------------------------------------------------
def parse_command_lines(
    value: Any, at: Span, r: FileReader, what: str
) -> tuple[tuple[Command, ...], tuple[str, ...]] | None:
    """DSL lines (a string, possibly multi-line, or a list of strings) to commands."""
    items: list[tuple[Any, Span]]
    if isinstance(value, YSeq):
        items = [(v, value.item_span(i)) for i, v in enumerate(value)]
    else:
        items = [(value, at)]
    commands: list[Command] = []
    lines: list[str] = []
    ok = True
    for item, item_span in items:
        if not isinstance(item, str) or not item.strip():
            r.wrong_type(
                f"each line of {what}",
                "a command such as 'start flow transfer_money'",
                item,
                item_span,
            )
            ok = False
            continue
        for line in (text.strip() for text in item.splitlines()):
            if not line:
                continue
            parsed, problems = parse_dsl(line)
            if problems or not parsed:
                hint = problems[0].hint if problems else None
                r.error(BAD_COMMAND, f"{what}: {line!r} is not a command", item_span, hint)
                ok = False
                continue
            commands.extend(parsed)
            lines.append(line)
    if ok and not commands:
        r.error(MISSING_KEY, f"{what} needs at least one command", at)
        ok = False
    return (tuple(commands), tuple(lines)) if ok else None


def _commands_issued(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    parsed = parse_command_lines(value, at, r, "commands_issued")
    return (
        CommandsIssuedAssertion(commands=parsed[0], lines=parsed[1], span=span) if parsed else None
    )


def _command_not_issued(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
    parsed = parse_command_lines(value, at, r, "command_not_issued")
    return (
        CommandNotIssuedAssertion(commands=parsed[0], lines=parsed[1], span=span)
        if parsed
        else None
    )


# -- generative -------------------------------------------------------------------------------
def _generative(kind: str) -> Callable[[Any, Span, Span, FileReader], Assertion | None]:
    allowed = ("threshold", "utter_name", "utter_source") + (
        ("ground_truth",) if kind.endswith("grounded") else ()
    )

    def read(value: Any, at: Span, span: Span, r: FileReader) -> Assertion | None:
        data = r.mapping(
            value, kind, at, "write `threshold: 0.8` (and optionally utter_name) below it"
        )
        if data is None:
            return None
        r.check_keys(data, allowed, kind)
        if not r.require(data, "threshold", kind):
            return None
        threshold = data["threshold"]
        if (
            isinstance(threshold, bool)
            or not isinstance(threshold, int | float)
            or not 0 <= threshold <= 1
        ):
            r.error(
                WRONG_VALUE,
                f"{kind} threshold must be a number from 0 to 1, not {threshold!r}",
                data.value_span("threshold"),
            )
            return None
        return GenerativeAssertion(
            kind=kind,  # type: ignore[arg-type]
            threshold=float(threshold),
            utter_name=r.string(data, "utter_name", kind),
            utter_source=r.string(data, "utter_source", kind),
            ground_truth=r.string(data, "ground_truth", kind),
            span=span,
        )

    return read


_READERS: dict[str, Callable[[Any, Span, Span, FileReader], Assertion | None]] = {
    "flow_started": _flow_started,
    "flow_not_started": _flow_not_started,
    "flow_completed": _flow_completed,
    "flow_cancelled": _flow_cancelled,
    "pattern_clarification_contains": _clarification,
    "action_executed": _action_executed,
    "slot_was_set": _slot_was_set,
    "slot_was_not_set": _slot_was_not_set,
    "bot_uttered": _bot_uttered,
    "bot_did_not_utter": _bot_did_not_utter,
    "bot_uttered_exactly": _bot_uttered_exactly,
    "commands_issued": _commands_issued,
    "command_not_issued": _command_not_issued,
    "generative_response_is_relevant": _generative("generative_response_is_relevant"),
    "generative_response_is_grounded": _generative("generative_response_is_grounded"),
}
