"""Style A steps (`bot`, `utter`, `slot_was_set`, `slot_was_not_set`) with Rasa's semantics.

Each step is checked against the events of the latest user turn (before the first user step:
the session-start and fixture events). Order and extra messages are not checked: a step only
needs one matching event. Values compare with Python `==`; `slot_was_not_set` without a value
fails on any SlotSet of the slot in the turn, with a value only on a SlotSet of that value.
"""

from __future__ import annotations

from collections.abc import Sequence

from calmtui.core.events import BotUttered, Event, SlotSet, UserUttered
from calmtui.testing.results import Mismatch
from calmtui.testing.spec import (
    BotTextStep,
    ExpectationStep,
    SlotExpectation,
    SlotNotSetStep,
    SlotSetStep,
    UtterStep,
)
from calmtui.testing.transcript import bot_line, quoted, slot_value

NO_RESPONSE = "* No Bot Response *"
NO_SLOT = "* No Slot Set *"


def _slot_matches(event: SlotSet, slot: SlotExpectation) -> bool:
    return event.name == slot.name and (not slot.has_value or event.value == slot.value)


def step_holds(step: ExpectationStep, events: Sequence[Event]) -> bool:
    match step:
        case BotTextStep(text=text):
            return any(isinstance(e, BotUttered) and e.text == text for e in events)
        case UtterStep(name=name):
            return any(isinstance(e, BotUttered) and e.utter_action == name for e in events)
        case SlotSetStep(slot=slot):
            return any(isinstance(e, SlotSet) and _slot_matches(e, slot) for e in events)
        case SlotNotSetStep(slot=slot):
            return not any(isinstance(e, SlotSet) and _slot_matches(e, slot) for e in events)


def _bots(events: Sequence[Event]) -> list[str]:
    return [bot_line(e) for e in events if isinstance(e, BotUttered)] or [
        "(the bot said nothing in this turn)"
    ]


def _expected_slot(slot: SlotExpectation) -> str:
    return f"SlotSet {slot.name}" + (f" = {slot_value(slot.value)}" if slot.has_value else "")


def step_mismatch(step: ExpectationStep, events: Sequence[Event]) -> Mismatch:
    """Why a step does not hold: Rasa-like message plus the expected/actual lines."""
    match step:
        case BotTextStep(text=text):
            return Mismatch(
                kind="bot",
                message=f"The bot did not say {quoted(text)}.",
                expected=(f"BotUttered {quoted(text)}",),
                actual=tuple(_bots(events)),
                span=step.span,
            )
        case UtterStep(name=name):
            return Mismatch(
                kind="utter",
                message=f"Bot did not utter '{name}' response.",
                expected=(f"BotUttered {name}",),
                actual=tuple(_bots(events)),
                span=step.span,
            )
        case SlotSetStep(slot=slot):
            sets = [
                f"SlotSet {e.name} = {slot_value(e.value)}"
                for e in events
                if isinstance(e, SlotSet) and e.name == slot.name
            ]
            message = f"Slot '{slot.name}' was not set" + (
                f" to {slot_value(slot.value)}." if slot.has_value else "."
            )
            return Mismatch(
                kind="slot_was_set",
                message=message,
                expected=(_expected_slot(slot),),
                actual=tuple(sets or [f"(no SlotSet for {slot.name} in this turn)"]),
                span=step.span,
            )
        case SlotNotSetStep(slot=slot):
            sets = [
                f"SlotSet {e.name} = {slot_value(e.value)}"
                for e in events
                if isinstance(e, SlotSet) and _slot_matches(e, slot)
            ]
            return Mismatch(
                kind="slot_was_not_set",
                message=f"Slot '{slot.name}' was set but it should not have been.",
                expected=(f"no {_expected_slot(slot)}",),
                actual=tuple(sets),
                span=step.span,
            )


def expected_line(step: ExpectationStep) -> str:
    """How Rasa writes a step in its transcript diff."""
    match step:
        case BotTextStep(text=text):
            return f"bot: {text}"
        case UtterStep(name=name):
            return f"bot: {name}"
        case SlotSetStep(slot=slot):
            return f"slot_was_set: {slot.name}" + (
                f": {slot.value} ({type(slot.value).__name__})" if slot.has_value else ""
            )
        case SlotNotSetStep(slot=slot):
            return f"slot_was_not_set: {slot.name}" + (f": {slot.value}" if slot.has_value else "")


def actual_line(step: ExpectationStep, events: Sequence[Event]) -> str:
    """The actual side of Rasa's diff for a failed step."""
    match step:
        case BotTextStep() | UtterStep():
            bot = next((e for e in events if isinstance(e, BotUttered)), None)
            if bot is None:
                return NO_RESPONSE
            return (
                f"bot: {bot.text}" if isinstance(step, BotTextStep) else f"bot: {bot.utter_action}"
            )
        case SlotSetStep(slot=slot) | SlotNotSetStep(slot=slot):
            found = next(
                (e for e in events if isinstance(e, SlotSet) and e.name == slot.name), None
            )
            if found is None:
                return NO_SLOT
            return f"slot_was_set: {found.name}: {found.value} ({type(found.value).__name__})"


def user_line(events: Sequence[Event]) -> str | None:
    user = next((e for e in events if isinstance(e, UserUttered)), None)
    return f"user: {user.text}" if user is not None else None
