"""The actions layer's boundary: an action-server outcome parsed into the engine's typed result.

    result = parse_outcome(outcome)     # ActionOutcome (rasa-sdk JSON) -> ActionResult (typed)

The session calls this between the runner and the engine, so the engine only ever sees typed
events and messages (`calmtui/core/dialogue/outcome.py`), never rasa-sdk JSON. Runners build the
outcome with `outcomes.py`, which has already checked its shape.
"""

from __future__ import annotations

from collections.abc import Mapping
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
        return ActionUtterance(name=name, kwargs=dict(variables), parts=_message(response))
    return _message(response)


def _message(response: Mapping[str, Any]) -> ActionMessage:
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
