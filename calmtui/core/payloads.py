"""Button payloads: messages that say what the user wants without an LLM (FORMATS.md b.2).

A button may send `/SetSlots(a=1, b=hello)`: Rasa's CommandPayloadReader turns that into SetSlot
commands (extractor `CommandPayloadReader`) and the LLM is not called. Older assistants send
classic NLU payloads, `/intent{"entity": "value"}`, which start the flow whose `nlu_trigger`
names the intent. Both readers are pure functions so that `validate` can check the payloads in
the domain (CT212-CT215) with the same code the runtime uses.

Decisions where Rasa's reader is not explicit:
* Pairs are found with the pair regex (name = characters except `(),=`, value = a `[...]` list
  or characters except `(),`) anywhere between the parentheses, like Rasa's `finditer`; text
  between pairs that is not a pair is ignored. Names and values are stripped of whitespace.
* A value may be empty (`/SetSlots(a=)` sets `a` to ""; the engine turns "" into None).
* A `[...]` value becomes a list of stripped strings; `[]` and `[ ]` are the empty list.
* Values stay strings: coercion to the slot type happens later, in `Slot.coerce()`.
"""

from __future__ import annotations

import json
import re
from typing import Any, cast

from calmtui.core.commands import SetSlot

SET_SLOTS_PREFIX = "/SetSlots("

_SET_SLOTS = re.compile(r"/SetSlots\((?P<body>.*)\)", re.DOTALL)
_PAIR = re.compile(r"(?P<name>[^(),=]+)=(?P<value>\[[^\]]*\]|[^(),]*)")
_INTENT = re.compile(
    r"/(?P<intent>[^\s{}()@/][^\s{}()@]*)(?:@[0-9.]+)?(?P<entities>\{.*\})?", re.DOTALL
)


def is_command_payload(text: str) -> bool:
    """True for `/SetSlots(...)` messages, which bypass NLU and the LLM entirely."""
    return text.strip().startswith(SET_SLOTS_PREFIX)


def parse_set_slots_payload(text: str) -> list[SetSlot] | None:
    """The SetSlot commands of a `/SetSlots(a=1, b=hello)` payload; None for any other text.

    `/SetSlots()` is a valid payload that sets nothing, hence `[]` rather than None.
    """
    match = _SET_SLOTS.fullmatch(text.strip())
    if match is None:
        return None
    commands: list[SetSlot] = []
    for pair in _PAIR.finditer(match["body"]):
        name = pair["name"].strip()
        if name:
            value = _payload_value(pair["value"].strip())
            commands.append(SetSlot(name=name, value=value, extractor="CommandPayloadReader"))
    return commands


def _payload_value(raw: str) -> str | list[str]:
    """`[a, b]` -> ["a", "b"]; anything else is the text itself."""
    if not (raw.startswith("[") and raw.endswith("]")):
        return raw
    inner = raw[1:-1]
    if not inner.strip():
        return []
    return [item.strip() for item in inner.split(",")]


def parse_intent_payload(text: str) -> tuple[str, dict[str, Any]] | None:
    """`/intent` or `/intent{"entity": "v"}` -> (intent, entities); None for other text.

    Entities that are not a JSON object are ignored (`{}`), as a wrong button payload should not
    stop the intent from triggering its flow. An `@0.9` confidence suffix is accepted and
    dropped. `/SetSlots(...)` is a command payload, not an intent, and gives None.
    """
    stripped = text.strip()
    if is_command_payload(stripped):
        return None
    match = _INTENT.fullmatch(stripped)
    if match is None:
        return None
    return match["intent"], _entities(match["entities"])


def _entities(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        data: object = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key): value for key, value in cast(dict[Any, Any], data).items()}
