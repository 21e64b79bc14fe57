"""The JSON an action server expects: the tracker state and the domain (rasa-sdk protocol).

Both the HTTP runner and in-process rasa_sdk classes read these, and calmtui's own `Tracker` is
built from the same state, so an action sees the same conversation whichever way it runs.
The shapes follow what `rasa_sdk.Tracker.from_dict` reads; the stack uses Rasa's frame layout
(pattern fields at the top level of the frame, `type` = `flow` or the pattern name).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from calmtui.actions.protocol import ActionRequest
from calmtui.core.commands import command_to_json
from calmtui.core.dsl import parse_dsl
from calmtui.core.model.domain import ResponseVariation
from calmtui.core.model.project import Project
from calmtui.core.model.slots import Slot

# Sent as `version`: rasa_sdk warns unless major.minor match its own (3.21 here).
RASA_VERSION = "3.21.0"
DOMAIN_VERSION = "3.1"

# Rasa's names for commands in `latest_message.commands`, where they differ from ours.
_RASA_COMMAND_NAMES = {"correct_slots": "correct slot", "handle_code_change": "handle code change"}


def tracker_state(request: ActionRequest) -> dict[str, Any]:
    """The `tracker` of a webhook call (and of an in-process rasa_sdk `Tracker`)."""
    latest = request.latest_message
    metadata = latest.get("metadata")
    channel = (
        cast(Mapping[str, Any], metadata).get("channel") if isinstance(metadata, Mapping) else None
    )
    return {
        "sender_id": request.sender_id,
        "slots": dict(request.slots),
        "latest_message": latest_message(request),
        "events": list(request.events),
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": _latest_action_name(request.events),
        "latest_input_channel": channel if isinstance(channel, str) else None,
        "stack": rasa_stack(request.stack),
        "active_flow": request.active_flow,
    }


def latest_message(request: ActionRequest) -> dict[str, Any]:
    """Rasa's `latest_message`: the text, no intent or entities (CALM has commands instead)."""
    message: dict[str, Any] = {"text": None, "intent": {}, "entities": [], "commands": []}
    message.update(request.latest_message)
    for event in reversed(request.events):
        if event.get("event") == "user":
            commands = event.get("commands")
            if isinstance(commands, list | tuple):
                message["commands"] = list(_rasa_commands(tuple(str(c) for c in commands)))  # type: ignore[misc]
            if message["text"] is None:
                message["text"] = event.get("text")
            break
    return message


@lru_cache(maxsize=512)
def _rasa_commands(lines: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    commands, _ = parse_dsl("\n".join(lines))
    result: list[dict[str, Any]] = []
    for command in commands:
        data = command_to_json(command)
        kind = str(data.pop("kind"))
        result.append({"command": _RASA_COMMAND_NAMES.get(kind, kind.replace("_", " ")), **data})
    return tuple(result)


def _latest_action_name(events: Sequence[Mapping[str, Any]]) -> str | None:
    for event in reversed(events):
        if event.get("event") == "action":
            name = event.get("name")
            return name if isinstance(name, str) else None
    return None


def rasa_stack(stack: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """calmtui frame JSON (pattern fields nested under `fields`) in Rasa's flat layout."""
    frames: list[dict[str, Any]] = []
    for frame in stack:
        fields = frame.get("fields")
        flat: dict[str, Any] = (
            dict(cast(Mapping[str, Any], fields)) if isinstance(fields, Mapping) else {}
        )
        flat.update((k, v) for k, v in frame.items() if k != "fields")
        frames.append(flat)
    return frames


# -- the domain ---------------------------------------------------------------------------------
def domain_json(project: Project) -> dict[str, Any]:
    """A Rasa-style domain dict of the project (slots, responses, actions) for rasa_sdk."""
    domain = project.domain
    return {
        "version": DOMAIN_VERSION,
        "intents": list(domain.intents),
        "entities": list(domain.entities),
        "slots": {name: _slot_json(slot) for name, slot in domain.slots.items()},
        "responses": {
            name: [_variation_json(v) for v in response.variations]
            for name, response in domain.responses.items()
        },
        "actions": [name for name, a in domain.actions.items() if not a.builtin],
        "forms": {},
        "config": {"store_entities_as_slots": True},
        "session_config": {
            "session_expiration_time": domain.session_config.session_expiration_time,
            "carry_over_slots_to_new_session": domain.session_config.carry_over_slots_to_new_session,
        },
    }


def domain_digest(domain: Mapping[str, Any]) -> str:
    """What the server remembers the domain by, so it need not be sent with every call."""
    text = json.dumps(domain, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _slot_json(slot: Slot) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": slot.type if slot.type != "custom" else "any",
        "initial_value": slot.initial_value,
        "influence_conversation": False,
        "mappings": [{"type": m.type, **dict(m.options)} for m in slot.mappings],
    }
    if slot.type == "categorical":
        data["values"] = list(slot.values)
    if slot.min_value is not None:
        data["min_value"] = slot.min_value
    if slot.max_value is not None:
        data["max_value"] = slot.max_value
    return data


def _variation_json(variation: ResponseVariation) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": variation.text,
        "image": variation.image,
        "buttons": [b.to_json() for b in variation.buttons] or None,
        "custom": variation.custom,
        "attachment": variation.attachment,
        "quick_replies": variation.quick_replies,
        "elements": variation.elements,
        "channel": variation.channel,
        "condition": variation.condition,
        "id": variation.id,
        "metadata": dict(variation.metadata) or None,
    }
    return {k: v for k, v in data.items() if v is not None}
