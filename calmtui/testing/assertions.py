"""One small function per assertion type, with Rasa's exact semantics (FORMATS.md g.3).

Each check looks at the events of one turn (`TurnView.events`, already narrowed when
`assertion_order_enabled` is on) and returns a `Check`: passed or not, Rasa's error message, the
expected/actual lines of the diff, and the index of the event it matched (the runner moves
everything up to that event into the past when order checking is on; checks that assert an
absence match nothing, exactly as in Rasa).

Rasa details kept on purpose: values compare with Python `==` (50 matches 50.0), `slot_was_set`
without a value matches the first SlotSet, `bot_uttered` checks each given property on its own
(possibly different messages) and compares buttons pairwise with `zip`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from calmtui.core.commands import Clarify, Command, CorrectSlots, SetSlot, StartFlow
from calmtui.core.diagnostics import Span
from calmtui.core.dsl import to_dsl
from calmtui.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    FlowCancelled,
    FlowCompleted,
    FlowStarted,
    SlotSet,
)
from calmtui.core.model.slots import Slot
from calmtui.core.safe_regex import compile_pattern
from calmtui.testing.spec import (
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
    PatternClarificationAssertion,
    SlotExpectation,
    SlotWasNotSetAssertion,
    SlotWasSetAssertion,
)
from calmtui.testing.transcript import bot_line, quoted, slot_value

_E = TypeVar("_E")
CLARIFICATION = "pattern_clarification"
ORDER_NOTE = (
    " You have enabled assertion order, you should check the order in which the assertions "
    "are listed for this user step."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnView:
    """What one user step's assertions see: its events and the commands understanding produced."""

    events: Sequence[Event]
    produced: Sequence[Command] = ()
    slots: dict[str, Slot] = field(default_factory=dict[str, Slot])
    order_enabled: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    passed: bool
    message: str = ""
    expected: tuple[str, ...] = ()
    actual: tuple[str, ...] = ()
    matched: int | None = None
    span: Span | None = None  # a more precise place than the assertion's (e.g. one slot item)

    @classmethod
    def ok(cls, matched: int | None = None) -> Check:
        return cls(passed=True, matched=matched)


def _fail(
    view: TurnView,
    message: str,
    expected: Sequence[str],
    actual: Sequence[str],
    span: Span | None = None,
) -> Check:
    note = ORDER_NOTE if view.order_enabled else ""
    return Check(
        passed=False,
        message=message + note,
        expected=tuple(expected),
        actual=tuple(actual),
        span=span,
    )


def _first(view: TurnView, test: Callable[[Event], bool]) -> int | None:
    return next((i for i, e in enumerate(view.events) if test(e)), None)


def _of_type(view: TurnView, kind: type[_E]) -> list[_E]:
    return [e for e in view.events if isinstance(e, kind)]


def _none_or(lines: list[str], nothing: str) -> list[str]:
    return lines or [nothing]


# -- flows ------------------------------------------------------------------------------------
def _started(view: TurnView, ids: Sequence[str], operator: str) -> tuple[bool, int | None]:
    firsts = [
        _first(view, lambda e, f=f: isinstance(e, FlowStarted) and e.flow_id == f) for f in ids
    ]
    found = [i for i in firsts if i is not None]
    if operator == "all":
        return (len(found) == len(ids), max(found) if len(found) == len(ids) else None)
    return (bool(found), min(found) if found else None)


def _started_lines(view: TurnView) -> list[str]:
    return _none_or(
        [f"FlowStarted {e.flow_id}" for e in _of_type(view, FlowStarted)],
        "(no flow started in this turn)",
    )


def check_flow_started(a: FlowStartedAssertion, view: TurnView) -> Check:
    passed, matched = _started(view, a.flow_ids, a.operator)
    if passed:
        return Check.ok(matched)
    if len(a.flow_ids) == 1:
        message = f"Flow with id '{a.flow_ids[0]}' did not start."
    else:
        which = "All" if a.operator == "all" else "Any"
        message = f"{which} of the flows {', '.join(repr(f) for f in a.flow_ids)} expected to start, but not."
    joiner = " and " if a.operator == "all" else " or "
    return _fail(view, message, [f"FlowStarted {joiner.join(a.flow_ids)}"], _started_lines(view))


def check_flow_not_started(a: FlowNotStartedAssertion, view: TurnView) -> Check:
    passed, _ = _started(view, a.flow_ids, a.operator)
    if not passed:
        return Check.ok()
    started = [f for f in a.flow_ids if any(e.flow_id == f for e in _of_type(view, FlowStarted))]
    message = (
        f"Flow with id '{started[0]}' started, but it should not have."
        if started
        else "A flow started."
    )
    return _fail(
        view,
        message,
        [f"no FlowStarted {' / '.join(a.flow_ids)}"],
        [f"FlowStarted {f}" for f in started],
    )


def _flow_event(
    view: TurnView,
    kind: type[FlowCompleted] | type[FlowCancelled],
    flow_id: str,
    step_id: str | None,
    verb: str,
) -> Check:
    name = kind.__name__
    matched = _first(view, lambda e: isinstance(e, kind) and e.flow_id == flow_id)
    actual = _none_or(
        [f"{name} {e.flow_id} at {e.step_id}" for e in view.events if isinstance(e, kind)],
        f"(no {name} in this turn)",
    )
    expected = [f"{name} {flow_id}" + (f" at {step_id}" if step_id else "")]
    if matched is None:
        return _fail(view, f"Flow with id '{flow_id}' {verb}.", expected, actual)
    event = view.events[matched]
    assert isinstance(event, FlowCompleted | FlowCancelled)
    if step_id is not None and event.step_id != step_id:
        message = (
            f"Flow with id '{flow_id}' {verb} at expected step id '{step_id}'. "
            f"The actual step id was '{event.step_id}'."
        )
        return _fail(view, message, expected, actual)
    return Check.ok(matched)


def check_flow_completed(a: FlowCompletedAssertion, view: TurnView) -> Check:
    return _flow_event(view, FlowCompleted, a.flow_id, a.flow_step_id, "did not complete")


def check_flow_cancelled(a: FlowCancelledAssertion, view: TurnView) -> Check:
    return _flow_event(view, FlowCancelled, a.flow_id, a.flow_step_id, "was not cancelled")


def check_pattern_clarification(a: PatternClarificationAssertion, view: TurnView) -> Check:
    matched = _first(view, lambda e: isinstance(e, FlowStarted) and e.flow_id == CLARIFICATION)
    if matched is None:
        expected = f"FlowStarted {CLARIFICATION}"
        return _fail(
            view, f"'{CLARIFICATION}' pattern did not trigger.", [expected], _started_lines(view)
        )
    event = view.events[matched]
    assert isinstance(event, FlowStarted)
    if a.names is not None:
        names: list[Any] = event.metadata.get("names") or []
        actual_set = {str(n) for n in names}
        wanted, passed = set(a.names), actual_set == set(a.names)
        label = "names"
    else:
        ids: list[Any] = event.metadata.get("clarification_ids") or []
        actual_set = {str(n) for n in ids}
        wanted = set(a.flow_ids or ())
        passed = actual_set == wanted if a.operator == "all" else bool(actual_set & wanted)
        label = "flow ids"
    if passed:
        return Check.ok(matched)
    message = f"'{CLARIFICATION}' pattern did not contain the expected options. Expected options: {sorted(wanted)}. "
    return _fail(
        view,
        message.rstrip(),
        [f"clarification {label} {sorted(wanted)}"],
        [f"clarification {label} {sorted(actual_set)}"],
    )


def check_action_executed(a: ActionExecutedAssertion, view: TurnView) -> Check:
    matched = _first(view, lambda e: isinstance(e, ActionExecuted) and e.name == a.action)
    if matched is not None:
        return Check.ok(matched)
    actual = [
        f"ActionExecuted {e.name}"
        for e in _of_type(view, ActionExecuted)
        if e.name != "action_listen"
    ]
    return _fail(
        view,
        f"Action '{a.action}' did not execute.",
        [f"ActionExecuted {a.action}"],
        _none_or(actual, "(no action in this turn)"),
    )


# -- slots ------------------------------------------------------------------------------------
def _slot_sets(view: TurnView, name: str) -> list[tuple[int, SlotSet]]:
    return [(i, e) for i, e in enumerate(view.events) if isinstance(e, SlotSet) and e.name == name]


def _expected_slot(slot: SlotExpectation) -> str:
    return f"SlotSet {slot.name}" + (f" = {slot_value(slot.value)}" if slot.has_value else "")


def check_slot_was_set(a: SlotWasSetAssertion, view: TurnView) -> Check:
    matched: int | None = None
    for slot in a.slots:
        sets = _slot_sets(view, slot.name)
        if not sets:
            return _fail(
                view,
                f"Slot '{slot.name}' was not set.",
                [_expected_slot(slot)],
                [f"(no SlotSet for {slot.name} in this turn)"],
                slot.span,
            )
        if not slot.has_value:
            matched = sets[0][0]
            continue
        hit = next((i for i, e in sets if e.value == slot.value), None)
        if hit is None:
            message = f"Slot '{slot.name}' was set to a different value '{sets[-1][1].value}' than the expected '{slot.value}' value."
            return _fail(
                view,
                message,
                [_expected_slot(slot)],
                [f"SlotSet {slot.name} = {slot_value(e.value)}" for _, e in sets],
                slot.span,
            )
        matched = hit
    return Check.ok(matched)


def check_slot_was_not_set(a: SlotWasNotSetAssertion, view: TurnView) -> Check:
    matched: int | None = None
    for slot in a.slots:
        sets = _slot_sets(view, slot.name)
        if not sets:
            continue
        matched, last = sets[-1]
        expected = [
            f"no SlotSet {slot.name}"
            + (f" = {slot_value(slot.value)}" if slot.has_value else " (other than None)")
        ]
        actual = [f"SlotSet {slot.name} = {slot_value(last.value)}"]
        if not slot.has_value and last.value is not None:
            return _fail(
                view,
                f"Slot '{slot.name}' was set to '{last.value}' but it should not have been set.",
                expected,
                actual,
                slot.span,
            )
        if slot.has_value and last.value == slot.value:
            return _fail(
                view,
                f"Slot '{slot.name}' was set to '{slot.value}' but it should not have been set.",
                expected,
                actual,
                slot.span,
            )
    return Check.ok(matched)


# -- bot messages -----------------------------------------------------------------------------
def _search(pattern: str, event: BotUttered) -> bool:
    """Time-limited (`safe_regex`): a pattern that would backtrack for minutes fails the check."""
    return event.text is not None and _matches(pattern, event.text)


def _matches(pattern: str, text: str) -> bool:
    try:
        return compile_pattern(pattern).search(text) is not None
    except (ValueError, TimeoutError):
        return False


def _rephrased_hint(pattern: str, view: TurnView) -> str:
    """When only a rephrased message's template text matches: say so (as in Rasa,
    `text_matches` checks the text the user read; `utter_name` survives rephrasing)."""
    for event in view.events:
        template = event.metadata.get("rephrased_from") if isinstance(event, BotUttered) else None
        if isinstance(template, str) and _matches(pattern, template):
            name = event.utter_action if isinstance(event, BotUttered) else None
            return (
                f" The template text of the rephrased response '{name}' matches; "
                "text_matches checks the rephrased text, utter_name matches either."
            )
    return ""


def _button_equal(actual: Any, expected: ButtonSpec) -> bool:
    if not isinstance(actual, dict):
        return False
    button = cast(dict[str, Any], actual)
    return button.get("title") == expected.title and button.get("payload") == expected.payload


def _buttons_match(event: BotUttered, expected: Sequence[ButtonSpec]) -> bool:
    actual = event.buttons
    return bool(actual) and all(_button_equal(a, e) for a, e in zip(actual, expected, strict=False))


def _bot_lines(view: TurnView) -> list[str]:
    return _none_or(
        [bot_line(e) for e in _of_type(view, BotUttered)], "(the bot said nothing in this turn)"
    )


def _buttons_text(buttons: Sequence[ButtonSpec]) -> str:
    return "[" + ", ".join(f"{b.title} -> {b.payload}" for b in buttons) + "]"


def check_bot_uttered(a: BotUtteredAssertion, view: TurnView) -> Check:
    matched: int | None = None
    errors: list[str] = []
    expected: list[str] = []
    if a.utter_name is not None:
        expected.append(f"BotUttered {a.utter_name}")
        hit = _first(view, lambda e: isinstance(e, BotUttered) and e.utter_action == a.utter_name)
        if hit is None:
            errors.append(f"Bot did not utter '{a.utter_name}' response.")
        matched = hit if hit is not None else matched
    if a.text_matches is not None:
        pattern = a.text_matches
        expected.append(f"BotUttered text matching /{pattern}/")
        hit = _first(view, lambda e: isinstance(e, BotUttered) and _search(pattern, e))
        if hit is None:
            errors.append(
                f"Bot did not utter any response which matches the provided text pattern '{pattern}'."
                + _rephrased_hint(pattern, view)
            )
        matched = hit if hit is not None else matched
    if a.buttons:
        expected.append(f"BotUttered with buttons {_buttons_text(a.buttons)}")
        hit = _first(view, lambda e: isinstance(e, BotUttered) and _buttons_match(e, a.buttons))
        if hit is None:
            errors.append("Bot did not utter any response with the expected buttons.")
        matched = hit if hit is not None else matched
    if errors:
        return _fail(view, " ".join(errors), expected, _bot_lines(view))
    return Check.ok(matched)


def check_bot_did_not_utter(a: BotDidNotUtterAssertion, view: TurnView) -> Check:
    for event in _of_type(view, BotUttered):
        errors: list[str] = []
        if a.utter_name is not None and event.utter_action == a.utter_name:
            errors.append(f"Bot uttered a forbidden utterance '{a.utter_name}'.")
        if a.text_matches is not None and _search(a.text_matches, event):
            errors.append(
                f"Bot uttered a forbidden message matching the pattern '{a.text_matches}'."
            )
        if a.buttons and any(_button_equal(b, f) for b in event.buttons for f in a.buttons):
            errors.append("Bot uttered a forbidden response with specified buttons.")
        if errors:
            parts = [
                p
                for p in (
                    a.utter_name,
                    a.text_matches and f"/{a.text_matches}/",
                    a.buttons and _buttons_text(a.buttons),
                )
                if p
            ]
            return _fail(
                view,
                " ".join(errors),
                [f"no BotUttered {' '.join(str(p) for p in parts)}"],
                [bot_line(event)],
            )
    return Check.ok()


def _message_matches(event: BotUttered, spec: BotMessageSpec) -> bool:
    if spec.text is not None and event.text != spec.text:
        return False
    if spec.utter_name is not None and event.utter_action != spec.utter_name:
        return False
    if spec.buttons is not None:
        actual = event.buttons
        return len(actual) == len(spec.buttons) and all(
            _button_equal(x, y) for x, y in zip(actual, spec.buttons, strict=True)
        )
    return True


def _spec_line(spec: BotMessageSpec) -> str:
    parts = ["BotUttered"]
    if spec.utter_name:
        parts.append(spec.utter_name)
    if spec.text is not None:
        parts.append(quoted(spec.text))
    if spec.buttons is not None:
        parts.append(_buttons_text(spec.buttons))
    return " ".join(parts)


def check_bot_uttered_exactly(a: BotUtteredExactlyAssertion, view: TurnView) -> Check:
    indexed = [(i, e) for i, e in enumerate(view.events) if isinstance(e, BotUttered)]
    bots = [e for _, e in indexed]
    if len(bots) == len(a.messages) and all(
        _message_matches(e, s) for e, s in zip(bots, a.messages, strict=True)
    ):
        return Check.ok(indexed[-1][0] if indexed else None)
    position = next(
        (
            k
            for k, (e, s) in enumerate(zip(bots, a.messages, strict=False))
            if not _message_matches(e, s)
        ),
        min(len(bots), len(a.messages)),
    )
    message = f"The bot's messages differ from the expected ones at message {position + 1} (expected {len(a.messages)}, got {len(bots)})."
    return _fail(
        view, message, [_spec_line(s) for s in a.messages] or ["(no message)"], _bot_lines(view)
    )


# -- commands ---------------------------------------------------------------------------------
def command_key(command: Command, slots: dict[str, Slot]) -> tuple[Any, ...]:
    """What makes two commands the same for an assertion: values compared in the slot's type."""

    def value(name: str, raw: Any) -> Any:
        slot = slots.get(name)
        coerced = slot.coerce(raw)[0] if slot is not None else raw
        return repr(coerced)

    match command:
        case SetSlot(name=name, value=raw):
            return ("set_slot", name, value(name, raw))
        case CorrectSlots(slots=corrected):
            return (
                "correct_slots",
                tuple(sorted((c.name, value(c.name, c.value)) for c in corrected)),
            )
        case StartFlow(flow=flow):
            return ("start_flow", flow)
        case Clarify(options=options):
            return ("clarify", tuple(sorted(options)))
        case _:
            return ("dsl", to_dsl(command))


def _produced_lines(view: TurnView) -> list[str]:
    return _none_or([to_dsl(c) for c in view.produced], "(understanding produced no command)")


def check_commands_issued(a: CommandsIssuedAssertion, view: TurnView) -> Check:
    produced = {command_key(c, view.slots) for c in view.produced}
    missing = [c for c in a.commands if command_key(c, view.slots) not in produced]
    if not missing:
        return Check.ok()
    message = f"Understanding did not produce {', '.join(repr(to_dsl(c)) for c in missing)}."
    return _fail(view, message, [to_dsl(c) for c in a.commands], _produced_lines(view))


def check_command_not_issued(a: CommandNotIssuedAssertion, view: TurnView) -> Check:
    forbidden = {command_key(c, view.slots): c for c in a.commands}
    found = [c for c in view.produced if command_key(c, view.slots) in forbidden]
    if not found:
        return Check.ok()
    message = f"Understanding produced {', '.join(repr(to_dsl(c)) for c in found)}, which it should not have."
    return _fail(view, message, [f"not {to_dsl(c)}" for c in a.commands], _produced_lines(view))


CHECKS: dict[str, Callable[[Any, TurnView], Check]] = {
    "flow_started": check_flow_started,
    "flow_not_started": check_flow_not_started,
    "flow_completed": check_flow_completed,
    "flow_cancelled": check_flow_cancelled,
    "pattern_clarification_contains": check_pattern_clarification,
    "action_executed": check_action_executed,
    "slot_was_set": check_slot_was_set,
    "slot_was_not_set": check_slot_was_not_set,
    "bot_uttered": check_bot_uttered,
    "bot_did_not_utter": check_bot_did_not_utter,
    "bot_uttered_exactly": check_bot_uttered_exactly,
    "commands_issued": check_commands_issued,
    "command_not_issued": check_command_not_issued,
}


def run_check(assertion: Assertion, view: TurnView) -> Check:
    """The synchronous assertions; generative and unsupported ones are handled by the caller."""
    return CHECKS[assertion.kind](assertion, view)
