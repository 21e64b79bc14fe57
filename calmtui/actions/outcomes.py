"""Turning what an action returned — by any runner — into one checked `ActionOutcome`.

Every runner ends here, so an action gives the same events and messages whether it ran
in-process, on a rasa_sdk server or from a stub: messages are cleaned the same way (rasa_sdk's
dispatcher fills every field with None or an empty value; we keep only what was said), and a
malformed reply is one clear error, never a crash or a silently dropped event. The action SDK
imports this module inside user code, so it stays light (`ActionOutcome` is imported only where
one is built); `results.parse_outcome` then types the outcome for the engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calmtui.actions.protocol import ActionOutcome


class ActionResultError(ValueError):
    """An action returned something that is not slot values, events or None."""


def events_from_result(result: Any, action: str) -> list[dict[str, Any]]:
    """A native action's return value as action-server events.

    A mapping is `{slot: value}`; a list holds event dicts (`{"event": "slot", ...}`, as
    `rasa_sdk.events` builds them); None means nothing happened.
    """
    if result is None:
        return []
    if isinstance(result, Mapping):
        return [{"event": "slot", "name": str(k), "value": v} for k, v in result.items()]  # type: ignore[misc]
    if isinstance(result, Sequence) and not isinstance(result, str | bytes):
        return check_events(result, f"action {action!r}")  # type: ignore[arg-type]
    raise ActionResultError(
        f"action {action!r} returned {type(result).__name__}; return a dict of slot values, "
        "a list of event dicts, or None"
    )


def check_events(events: Sequence[Any], source: str) -> list[dict[str, Any]]:
    checked: list[dict[str, Any]] = []
    for index, event in enumerate(events):
        if not isinstance(event, Mapping) or not isinstance(event.get("event"), str):  # type: ignore[union-attr]
            raise ActionResultError(
                f"{source} returned an invalid event at position {index + 1}: {_short(event)} "
                "(an event is a dict with an 'event' name, e.g. {'event': 'slot', 'name': ..., 'value': ...})"
            )
        checked.append(dict(event))  # type: ignore[arg-type]
    return checked


def check_responses(responses: Sequence[Any], source: str) -> list[dict[str, Any]]:
    checked: list[dict[str, Any]] = []
    for index, message in enumerate(responses):
        if not isinstance(message, Mapping):
            raise ActionResultError(
                f"{source} returned an invalid message at position {index + 1}: {_short(message)}"
            )
        checked.append(clean_response(message))  # type: ignore[arg-type]
    return checked


def clean_response(message: Mapping[str, Any]) -> dict[str, Any]:
    """A dispatcher message without its empty fields; `template`/`json_message` renamed to
    `response`/`custom` (the older rasa_sdk spellings)."""
    cleaned = {k: v for k, v in message.items() if not _is_empty(v)}
    template = cleaned.pop("template", None)
    if template is not None and "response" not in cleaned:
        cleaned["response"] = template
    json_message = cleaned.pop("json_message", None)
    if json_message is not None and "custom" not in cleaned:
        cleaned["custom"] = json_message
    return cleaned


def outcome_from_reply(reply: Any, source: str) -> ActionOutcome:
    """`{"events": [...], "responses": [...]}` from a server or a stub, checked."""
    from calmtui.actions.protocol import ActionOutcome

    if not isinstance(reply, Mapping):
        return ActionOutcome(
            error=f"{source} replied with {_short(reply)} instead of {{'events': [...], 'responses': [...]}}"
        )
    events = reply.get("events") or []  # type: ignore[union-attr]
    responses = reply.get("responses") or []  # type: ignore[union-attr]
    try:
        if not isinstance(events, list | tuple):
            raise ActionResultError(
                f"{source} replied with 'events' that is not a list: {_short(events)}"
            )
        if not isinstance(responses, list | tuple):
            raise ActionResultError(
                f"{source} replied with 'responses' that is not a list: {_short(responses)}"
            )
        return ActionOutcome(
            events=check_events(events, source),  # type: ignore[arg-type]
            responses=check_responses(responses, source),  # type: ignore[arg-type]
        )
    except ActionResultError as exc:
        return ActionOutcome(error=str(exc))


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and not value)


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
