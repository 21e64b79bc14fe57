"""Turning what an action returned — by any runner — into one checked `ActionOutcome`, and that
into the engine's typed `ActionResult`.

Every runner ends here, so an action gives the same events and messages whether it ran
in-process, on a rasa_sdk server or from a stub: messages are cleaned the same way (rasa_sdk's
dispatcher fills every field with None or an empty value; we keep only what was said), and a
malformed reply is one clear error, never a crash or a silently dropped event. `parse_outcome`
is the boundary: past it, the engine only sees typed events and messages, never rasa-sdk JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from calmtui.actions.protocol import ActionOutcome
from calmtui.core.dialogue.outcome import (
    ActionBotUttered,
    ActionEvent,
    ActionFollowup,
    ActionMessage,
    ActionResponse,
    ActionRestarted,
    ActionResult,
    ActionSlotSet,
    ActionSlotsReset,
    ActionUnsupportedEvent,
    ActionUtterance,
)
from calmtui.core.model.domain import Button


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


# -- the boundary: action-server JSON -> typed results ---------------------------------------------


def parse_outcome(outcome: ActionOutcome) -> ActionResult:
    """The engine's view of an outcome: every event and message typed (unknown event kinds
    become `ActionUnsupportedEvent`, which the engine notes)."""
    return ActionResult(
        events=tuple(parse_event(e) for e in outcome.events),
        responses=tuple(parse_response(r) for r in outcome.responses),
        error=outcome.error,
        detail=outcome.detail,
    )


def parse_event(event: Mapping[str, Any]) -> ActionEvent:
    kind = event.get("event")
    match kind:
        case "slot":
            return ActionSlotSet(name=event.get("name"), value=event.get("value"))
        case "reset_slots":
            return ActionSlotsReset()
        case "restart":
            return ActionRestarted()
        case "bot":
            text = event.get("text")
            data = event.get("data")
            return ActionBotUttered(
                text=text if isinstance(text, str) else None,
                data=dict(cast(Mapping[str, Any], data)) if isinstance(data, Mapping) else {},
            )
        case "followup":
            return ActionFollowup(name=event.get("name"))
        case _:
            return ActionUnsupportedEvent(kind=str(kind))


def parse_response(response: Mapping[str, Any]) -> ActionResponse:
    """A response by name (`response`/`template`, with its template variables: `kwargs`, or the
    message's other fields), else a message written by the action."""
    name = response.get("response") or response.get("template")
    if isinstance(name, str) and name:
        kwargs = {k: v for k, v in response.items() if k not in ("response", "template")}
        nested = kwargs.get("kwargs")
        variables = cast(Mapping[str, Any], nested) if isinstance(nested, Mapping) else kwargs
        return ActionUtterance(name=name, kwargs=dict(variables))
    text, image, buttons = response.get("text"), response.get("image"), response.get("buttons")
    return ActionMessage(
        text=text if isinstance(text, str) else None,
        buttons=tuple(
            _button(cast(Mapping[str, Any], b))
            for b in (cast(list[Any], buttons) if isinstance(buttons, list | tuple) else [])
            if isinstance(b, Mapping)
        ),
        image=image if isinstance(image, str) else None,
        custom=response.get("custom"),
        attachment=response.get("attachment"),
        elements=response.get("elements"),
        quick_replies=response.get("quick_replies"),
    )


def _button(data: Mapping[str, Any]) -> Button:
    title = data.get("title")
    payload = data.get("payload")
    return Button(
        title=str(title) if title is not None else "",
        payload=str(payload) if payload is not None else None,
    )


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and not value)


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
