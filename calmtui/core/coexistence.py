"""Coexistence: which half of a project Rasa's router would hand a message to.

A coexistence project has a router in its pipeline (`IntentBasedRouter` or `LLMBasedRouter`),
an NLU pipeline, and both flows and stories/rules. calmtui runs the CALM half only. So that a
user is never puzzled by what happens next, calmtui decides for each message whether Rasa would
have routed it to the NLU-based half, and says so (the turn's note, the inspector,
`shell --debug`, and e2e cases, which end *skipped* at that message). The decision follows Rasa's
documented rules ("How coexistence works", "Coexistence routers"), precisely as far as calmtui
can know the message's intent:

1. Routing happens only when no routing session is active: the router slot
   `route_session_to_calm` is unset (the first message, or after `action_reset_routing`). Once
   CALM handles a message the session sticks to CALM (calmtui sets the slot to True, as Rasa's
   command generators do), and later messages go to CALM.
2. The message's intent is known in two cases only:
   a. an intent trigger, `/intent` or `/intent{"entity": ...}`: Rasa's NLU pipeline never sees
      it, and with no active routing it goes to CALM when some flow's `nlu_trigger` lists the
      intent, otherwise to the NLU-based half (both routers);
   b. with an `IntentBasedRouter`, a message that is one of an intent's training examples (same
      text, ignoring case, surrounding space and a final `.`, `!` or `?`): that is the intent
      Rasa's classifier predicts for its own training data. The router's rules then decide:
      `nlu_entry.sticky` and `nlu_entry.non_sticky` go to the NLU-based half,
      `calm_entry.sticky` and intents a flow's `nlu_trigger` lists go to CALM, and any other
      intent goes to the NLU-based half.
3. Every other message goes to CALM: calmtui predicts no intents for free text, and it does not
   call the `LLMBasedRouter`'s model.
4. A test step with `commands:` gives CALM's commands directly; it is never routed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from calmtui.core.model.project import Project
from calmtui.core.model.slots import ROUTING_SLOT
from calmtui.core.payloads import parse_intent_payload

ROUTERS = ("IntentBasedRouter", "LLMBasedRouter")
# The code of the EngineNote a turn carries when its message would go to the NLU-based half.
ROUTED_TO_NLU = "routed_to_nlu"
Half = Literal["calm", "nlu"]
_FINAL_PUNCTUATION = re.compile(r"[.!?]+$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """Where Rasa's router would send a message, and why (shown to the user as it is)."""

    half: Half
    reason: str
    intent: str | None = None
    sticky: bool = True

    @property
    def note(self) -> str:
        """The line a turn shows when the message would have gone to the NLU-based half."""
        stays = (
            " and keep the session there until a story or rule runs action_reset_routing"
            if self.sticky
            else " (for this message only: non-sticky)"
        )
        return (
            f"Rasa's router would hand this message to the NLU-based half ({self.reason}){stays}; "
            "calmtui runs only the CALM half"
        )


def router_of(project: Project) -> tuple[str, Mapping[str, Any]] | None:
    """The project's coexistence router (its name and options), or None."""
    for component in project.config.pipeline:
        if component.name in ROUTERS:
            return component.name, component.options
    return None


def is_coexistence(project: Project) -> bool:
    return router_of(project) is not None


def route(
    project: Project, text: str, slots: Mapping[str, Any], *, has_commands: bool = False
) -> Route | None:
    """Rasa's routing decision for `text` when it would go to the NLU-based half; None for CALM
    (or when the project has no router, or a routing session is already active)."""
    router = router_of(project)
    if router is None or has_commands or ROUTING_SLOT not in project.domain.slots:
        return None
    if slots.get(ROUTING_SLOT) is not None:
        return None
    name, options = router
    payload = parse_intent_payload(text)
    if payload is not None:
        intent = payload[0]
        if _flow_triggers(project, intent):
            return None
        return Route(
            half="nlu",
            reason=f"the intent trigger '/{intent}' starts no flow (no flow's nlu_trigger lists it)",
            intent=intent,
        )
    if name != "IntentBasedRouter":
        return None
    intent = training_intent(project, text)
    if intent is None:
        return None
    return _by_intent(project, options, intent)


def training_intent(project: Project, text: str) -> str | None:
    """The intent whose training examples include `text` (normalised), if exactly one has it."""
    wanted = _normalise(text)
    if not wanted:
        return None
    found = {
        intent
        for intent, examples in project.nlu_data.intent_examples.items()
        if any(_normalise(example) == wanted for example in examples)
    }
    return next(iter(found)) if len(found) == 1 else None


def _by_intent(project: Project, options: Mapping[str, Any], intent: str) -> Route | None:
    nlu_entry = _entry(options, "nlu_entry")
    calm_entry = _entry(options, "calm_entry")
    example = f"'{intent}' (the message is one of its training examples)"
    if intent in _names(nlu_entry.get("sticky")):
        return Route(half="nlu", reason=f"intent {example} is in nlu_entry.sticky", intent=intent)
    if intent in _names(nlu_entry.get("non_sticky")):
        return Route(
            half="nlu",
            reason=f"intent {example} is in nlu_entry.non_sticky",
            intent=intent,
            sticky=False,
        )
    if intent in _names(calm_entry.get("sticky")) or _flow_triggers(project, intent):
        return None
    return Route(
        half="nlu",
        reason=f"intent {example} is in no entry of the IntentBasedRouter and starts no flow",
        intent=intent,
    )


def _flow_triggers(project: Project, intent: str) -> bool:
    return any(t.intent == intent for f in project.flows.values() for t in f.nlu_triggers)


def _entry(options: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = options.get(key)
    return cast(Mapping[str, Any], value) if isinstance(value, Mapping) else {}


def _names(value: Any) -> set[str]:
    if not isinstance(value, list):
        return set()
    return {str(v) for v in cast(list[Any], value)}


def _normalise(text: str) -> str:
    return _FINAL_PUNCTUATION.sub("", " ".join(text.lower().split()))
