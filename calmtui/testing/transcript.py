"""Events as short readable lines, for failure reports and Rasa's `actual_events_transcript`.

SlotSet amount = 80.0
BotUttered utter_ask_amount "How much would you like to send?"
FlowStarted transfer_money
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from calmtui.core.events import (
    ActionExecuted,
    ActionFailed,
    BotUttered,
    CommandIgnored,
    CommandRewritten,
    Event,
    FlowCancelled,
    FlowCompleted,
    FlowInterrupted,
    FlowResumed,
    FlowStarted,
    SlotSet,
    UserUttered,
)

MAX_TEXT = 120


def short(value: Any, limit: int = MAX_TEXT) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(text: str | None) -> str:
    if text is None:
        return "(no text)"
    escaped = short(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def slot_value(value: Any) -> str:
    """`80.0`, `'Anna'`, `True`, `None`: Python spelling, so types are visible in a diff."""
    return short(repr(value))


def bot_line(event: BotUttered) -> str:
    parts = ["BotUttered"]
    if event.utter_action:
        parts.append(event.utter_action)
    parts.append(quoted(event.text))
    template = event.metadata.get("rephrased_from")
    if isinstance(template, str):
        # A rephrased response: what the user read, then the response's own text.
        parts.append(f"(rephrased from {quoted(template)})")
    if event.buttons:
        titles = ", ".join(str(b.get("title")) for b in event.buttons)
        parts.append(f"[{short(titles, 60)}]")
    return " ".join(parts)


def describe_event(event: Event) -> str | None:  # noqa: PLR0911 - one line per event type
    """A one-line description, or None for bookkeeping events (stack updates, notes)."""
    match event:
        case UserUttered(text=text):
            return f"UserUttered {quoted(text)}"
        case BotUttered():
            return bot_line(event)
        case SlotSet(name=name, value=value):
            return f"SlotSet {name} = {slot_value(value)}"
        case ActionExecuted(name=name):
            return f"ActionExecuted {name}"
        case FlowStarted(flow_id=flow_id):
            return f"FlowStarted {flow_id}"
        case FlowCompleted(flow_id=flow_id, step_id=step_id):
            return f"FlowCompleted {flow_id} at {step_id}"
        case FlowCancelled(flow_id=flow_id, step_id=step_id):
            return f"FlowCancelled {flow_id} at {step_id}"
        case FlowInterrupted(flow_id=flow_id):
            return f"FlowInterrupted {flow_id}"
        case FlowResumed(flow_id=flow_id):
            return f"FlowResumed {flow_id}"
        case CommandIgnored(command=command, reason=reason, detail=detail):
            return f"CommandIgnored {command!r} ({reason}{': ' + detail if detail else ''})"
        case CommandRewritten(command=command, rewritten_to=to, reason=reason):
            return f"CommandRewritten {command!r} -> {to!r} ({reason})"
        case ActionFailed(name=name, error=error):
            return f"ActionFailed {name}: {short(error, 80)}"
        case _:
            return None


def describe_events(events: Iterable[Event], *, hide_listen: bool = True) -> list[str]:
    lines: list[str] = []
    for event in events:
        if hide_listen and isinstance(event, ActionExecuted) and event.name == "action_listen":
            continue
        line = describe_event(event)
        if line is not None:
            lines.append(line)
    return lines
