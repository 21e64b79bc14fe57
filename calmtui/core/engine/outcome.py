"""What a custom action gives back to the engine, in its own module so that action runners and
the action SDK can use it without importing the engine itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionOutcome:
    """What a custom action returned, in the action-server format (events and responses), or
    why it failed. `error` set means failure: the internal-error pattern follows."""

    events: Sequence[Mapping[str, Any]] = ()
    responses: Sequence[Mapping[str, Any]] = ()
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
