"""Commands: what understanding says the user wants, as plain data (FORMATS.md d.2).

Commands carry no behaviour: cleaning them up is `engine/cleanup.py`'s job and applying them is
`engine/apply.py`'s. Their text form (the LLM's DSL) lives in `dsl.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

# Who produced a SetSlot; the mapping rules of FORMATS.md b.1/d.3 depend on it.
Extractor = Literal["LLM", "NLU", "CommandPayloadReader", "CUSTOM"]

CANNOT_HANDLE_DEFAULT = "cannot_handle_default"
CANNOT_HANDLE_CHITCHAT = "cannot_handle_chitchat"
CANNOT_HANDLE_NOT_SUPPORTED = "cannot_handle_not_supported"
CANNOT_HANDLE_INVALID_INTENT = "cannot_handle_invalid_intent"
CANNOT_HANDLE_NO_RELEVANT_ANSWER = "cannot_handle_no_relevant_answer"

ERROR_DEFAULT = "rasa_internal_error_default"
ERROR_USER_INPUT_TOO_LONG = "rasa_internal_error_user_input_too_long"
ERROR_USER_INPUT_EMPTY = "rasa_internal_error_user_input_empty"


@dataclass(frozen=True, slots=True, kw_only=True)
class StartFlow:
    kind: Literal["start_flow"] = "start_flow"
    flow: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SetSlot:
    kind: Literal["set_slot"] = "set_slot"
    name: str
    value: Any
    extractor: Extractor = "LLM"


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrectedSlot:
    name: str
    value: Any
    extractor: Extractor = "LLM"


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrectSlots:
    kind: Literal["correct_slots"] = "correct_slots"
    slots: tuple[CorrectedSlot, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelFlow:
    kind: Literal["cancel_flow"] = "cancel_flow"


@dataclass(frozen=True, slots=True, kw_only=True)
class Clarify:
    kind: Literal["clarify"] = "clarify"
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ChitChat:
    kind: Literal["chitchat"] = "chitchat"


@dataclass(frozen=True, slots=True, kw_only=True)
class KnowledgeAnswer:
    kind: Literal["knowledge"] = "knowledge"


@dataclass(frozen=True, slots=True, kw_only=True)
class SkipQuestion:
    kind: Literal["skip_question"] = "skip_question"


@dataclass(frozen=True, slots=True, kw_only=True)
class RepeatBotMessages:
    kind: Literal["repeat"] = "repeat"


@dataclass(frozen=True, slots=True, kw_only=True)
class HumanHandoff:
    kind: Literal["human_handoff"] = "human_handoff"


@dataclass(frozen=True, slots=True, kw_only=True)
class CannotHandle:
    kind: Literal["cannot_handle"] = "cannot_handle"
    reason: str = CANNOT_HANDLE_DEFAULT


@dataclass(frozen=True, slots=True, kw_only=True)
class Error:
    kind: Literal["error"] = "error"
    error_type: str = ERROR_DEFAULT
    info: Mapping[str, Any] = field(default_factory=dict[str, Any])


@dataclass(frozen=True, slots=True, kw_only=True)
class Restart:
    kind: Literal["restart"] = "restart"


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionStart:
    kind: Literal["session_start"] = "session_start"


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionEnd:
    kind: Literal["session_end"] = "session_end"


@dataclass(frozen=True, slots=True, kw_only=True)
class HandleCodeChange:
    kind: Literal["handle_code_change"] = "handle_code_change"


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeFlow:
    """Legacy (v1/v2 `change`): the user wants to do something else; treated as a no-op."""

    kind: Literal["change_flow"] = "change_flow"


@dataclass(frozen=True, slots=True, kw_only=True)
class Noop:
    kind: Literal["noop"] = "noop"


Command = (
    StartFlow
    | SetSlot
    | CorrectSlots
    | CancelFlow
    | Clarify
    | ChitChat
    | KnowledgeAnswer
    | SkipQuestion
    | RepeatBotMessages
    | HumanHandoff
    | CannotHandle
    | Error
    | Restart
    | SessionStart
    | SessionEnd
    | HandleCodeChange
    | ChangeFlow
    | Noop
)

COMMAND_TYPES: dict[str, type[Command]] = {
    "start_flow": StartFlow,
    "set_slot": SetSlot,
    "correct_slots": CorrectSlots,
    "cancel_flow": CancelFlow,
    "clarify": Clarify,
    "chitchat": ChitChat,
    "knowledge": KnowledgeAnswer,
    "skip_question": SkipQuestion,
    "repeat": RepeatBotMessages,
    "human_handoff": HumanHandoff,
    "cannot_handle": CannotHandle,
    "error": Error,
    "restart": Restart,
    "session_start": SessionStart,
    "session_end": SessionEnd,
    "handle_code_change": HandleCodeChange,
    "change_flow": ChangeFlow,
    "noop": Noop,
}


def command_to_json(command: Command) -> dict[str, Any]:
    match command:
        case CorrectSlots(slots=slots):
            return {
                "kind": command.kind,
                "slots": [
                    {"name": s.name, "value": s.value, "extractor": s.extractor} for s in slots
                ],
            }
        case Clarify(options=options):
            return {"kind": command.kind, "options": list(options)}
        case Error(error_type=error_type, info=info):
            return {"kind": command.kind, "error_type": error_type, "info": dict(info)}
        case _:
            return {name: getattr(command, name) for name in command.__dataclass_fields__}


def command_from_json(data: Mapping[str, Any]) -> Command:
    """Inverse of `command_to_json`; raises KeyError/TypeError on malformed data."""
    kind = data["kind"]
    cls = COMMAND_TYPES[kind]
    if cls is CorrectSlots:
        slots = tuple(
            CorrectedSlot(name=s["name"], value=s.get("value"), extractor=s.get("extractor", "LLM"))
            for s in data["slots"]
        )
        return CorrectSlots(slots=slots)
    if cls is Clarify:
        return Clarify(options=tuple(data.get("options", ())))
    fields = {k: v for k, v in data.items() if k != "kind"}
    return cls(**fields)
