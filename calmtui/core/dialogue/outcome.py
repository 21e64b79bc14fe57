"""What a custom action gives back to the engine, typed: the events it asks for, the messages it
sends, or why it failed.

Action runners speak the action-server format (rasa-sdk JSON: `{"event": "slot", ...}`); the
actions layer parses that into these types at its boundary (`calmtui.actions.results.
parse_outcome`), so the engine never interprets raw JSON. In its own module so that the action
layer and the session can use it without importing the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calmtui.core.model.domain import Button


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionSlotSet:
    """`{"event": "slot"}`: set a slot (coerced to its type; an unknown name is noted)."""

    name: object  # what the action sent; anything but a known slot name is reported as such
    value: Any = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionSlotsReset:
    """`{"event": "reset_slots"}`: every slot back to its initial value."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionRestarted:
    """`{"event": "restart"}`: the conversation starts over (as `action_restart`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionBotUttered:
    """`{"event": "bot"}`: a message the action sends as an event rather than a response."""

    text: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict[str, Any])


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionFollowup:
    """`{"event": "followup"}`: run this action next, at the same flow step."""

    name: object


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionUnsupportedEvent:
    """Any other event (`active_loop`, `pause`, ...): CALM flows do not use it; it is noted."""

    kind: str


ActionEvent = (
    ActionSlotSet
    | ActionSlotsReset
    | ActionRestarted
    | ActionBotUttered
    | ActionFollowup
    | ActionUnsupportedEvent
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionMessage:
    """`dispatcher.utter_message(text=..., buttons=..., ...)`: a message written by the action."""

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: Any = None
    attachment: Any = None
    elements: Any = None
    quick_replies: Any = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionUtterance:
    """`dispatcher.utter_message(response="utter_x", **kwargs)`: a response of the domain.

    `parts` are the message's own parts sent with it (e.g. `buttons=`): as in the reference,
    the message's buttons follow the response's, and every other non-empty part the response
    does not set is kept."""

    name: str
    kwargs: Mapping[str, Any] = field(default_factory=dict[str, Any])
    parts: ActionMessage = field(default_factory=ActionMessage)


ActionResponse = ActionUtterance | ActionMessage


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionResult:
    """How a custom action went. `error` set means failure: the internal-error pattern follows."""

    events: tuple[ActionEvent, ...] = ()
    responses: tuple[ActionResponse, ...] = ()
    error: str | None = None
    detail: str = ""


GENERATED_KINDS = ("say", "utter", "cannot_handle", "error", "fallback")


@dataclass(frozen=True, slots=True, kw_only=True)
class GeneratedReply:
    """What a generative built-in action (`action_trigger_search`, `action_trigger_chitchat`)
    produced outside the engine: the engine cannot read documents or call an LLM, so it pauses
    at such an action like at a custom action, and the session hands back one of these.

    `say`: send `text` (a search answer, a free-form chitchat reply); `utter`: send the domain
    response `response` (IntentlessPolicy picks one); `cannot_handle`: the frame that ran the
    action ends and pattern_cannot_handle runs with `reason` (no relevant answer); `error`: the
    internal-error pattern (the LLM failed); `fallback`: the engine's own built-in behaviour
    (the fixed response), e.g. when no LLM may be used. `metadata` goes onto the bot message
    (`utter_source`, `search_query`, `search_results`, ...), as Rasa's policies put it there.
    """

    kind: str
    text: str | None = None
    response: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])
    reason: str | None = None
    error: str | None = None
