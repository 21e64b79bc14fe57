"""`/intent` payloads: a button or a test says which flow to start, no model needed.

Rasa's NLUCommandAdapter starts the flow whose `nlu_trigger` lists the intent (FORMATS.md a.2,
c.1). Without an NLU pipeline the only intents calmtui sees are typed or sent as payloads, so
both generators read them here. A trigger on a pattern maps to the command that runs that
pattern (`/restart` -> Restart); an intent no flow listens to is `CannotHandle` with the
reason `cannot_handle_invalid_intent`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from calmtui.core.commands import (
    CANNOT_HANDLE_INVALID_INTENT,
    CancelFlow,
    CannotHandle,
    ChitChat,
    Command,
    HumanHandoff,
    KnowledgeAnswer,
    RepeatBotMessages,
    Restart,
    SessionEnd,
    SessionStart,
    SetSlot,
    SkipQuestion,
    StartFlow,
)
from calmtui.core.model.flows import CollectStep
from calmtui.core.model.project import Project
from calmtui.core.model.slots import SlotMapping
from calmtui.core.payloads import parse_intent_payload
from calmtui.core.validate.slots import NLU_COMMAND_ADAPTER

# Patterns whose trigger intent maps to a command (FORMATS.md f); `restart` and `session_start`
# work even when the project's patterns do not list them.
PATTERN_COMMANDS: dict[str, Callable[[], Command]] = {
    "pattern_restart": Restart,
    "pattern_session_start": SessionStart,
    "pattern_session_end": SessionEnd,
    "pattern_human_handoff": HumanHandoff,
    "pattern_cancel_flow": CancelFlow,
    "pattern_chitchat": ChitChat,
    "pattern_search": KnowledgeAnswer,
    "pattern_skip_question": SkipQuestion,
    "pattern_repeat_bot_messages": RepeatBotMessages,
}
BUILTIN_INTENTS: dict[str, Callable[[], Command]] = {
    "restart": Restart,
    "session_start": SessionStart,
}


@dataclass(frozen=True, slots=True)
class Triggered:
    commands: tuple[Command, ...]
    note: str


def intent_commands(
    text: str, project: Project, *, active_flow: str | None = None
) -> Triggered | None:
    """Commands for an `/intent` payload; None when the text is not one.

    With an NLUCommandAdapter in the pipeline, the payload's intent and entities also fill the
    flow slots whose NLU mappings (`from_entity`, `from_intent`) match, as Rasa's adapter does.
    """
    parsed = parse_intent_payload(text)
    if parsed is None:
        return None
    intent, entities = parsed
    filled = nlu_slot_commands(intent, entities, project, active_flow)
    used = {e for c in filled for e in _entities_of(project, c.name, entities)}
    unused = sorted(set(entities) - used)
    extra = f" (entities {unused} fill no flow slot through an NLU mapping)" if unused else ""
    extra += "".join(f"; {c.name} = {c.value!r} from NLU" for c in filled)
    listening = [
        f for f in project.flows.values() if any(t.intent == intent for t in f.nlu_triggers)
    ]
    user_flows = [f for f in listening if not f.is_pattern]
    if user_flows:
        flow = user_flows[0]
        return Triggered(
            (StartFlow(flow=flow.id), *filled),
            f"intent {intent!r} triggers flow {flow.id!r}{extra}",
        )
    if filled:
        return Triggered(tuple(filled), f"intent {intent!r} fills slots{extra}")
    for flow in listening:
        factory = PATTERN_COMMANDS.get(flow.id)
        if factory is not None:
            return Triggered((factory(),), f"intent {intent!r} triggers {flow.id}{extra}")
    if intent in BUILTIN_INTENTS:
        return Triggered((BUILTIN_INTENTS[intent](),), f"built-in intent {intent!r}")
    return Triggered(
        (CannotHandle(reason=CANNOT_HANDLE_INVALID_INTENT),),
        f"no flow has an nlu_trigger for intent {intent!r}",
    )


def nlu_slot_commands(
    intent: str, entities: Mapping[str, Any], project: Project, active_flow: str | None
) -> list[SetSlot]:
    """SetSlot (extractor NLU) for flow slots whose NLU mappings match the intent and entities.

    Only with an NLUCommandAdapter, and only for slots some flow collects (Rasa's adapter skips
    the others: they belong to forms). A mapping with `conditions` applies when one of them names
    the active flow; `active_loop` conditions never hold, as calmtui runs no forms.
    """
    if not any(c.name == NLU_COMMAND_ADAPTER for c in project.config.pipeline):
        return []
    collected = {
        step.collect
        for flow in project.flows.values()
        for step in flow.steps
        if isinstance(step, CollectStep)
    }
    commands: list[SetSlot] = []
    for slot in project.domain.slots.values():
        if slot.name not in collected:
            continue
        for mapping in slot.mappings:
            found, value = _mapped_value(mapping, intent, entities, active_flow)
            if found:
                commands.append(SetSlot(name=slot.name, value=value, extractor="NLU"))
                break
    return commands


def _mapped_value(
    mapping: SlotMapping, intent: str, entities: Mapping[str, Any], active_flow: str | None
) -> tuple[bool, Any]:
    options = mapping.options
    if not _intent_allowed(options, intent) or not _conditions_hold(options, active_flow):
        return False, None
    match mapping.type:
        case "from_entity":
            entity = options.get("entity")
            plain = options.get("role") is None and options.get("group") is None
            if plain and isinstance(entity, str) and entity in entities:
                return True, entities[entity]
        case "from_intent":
            if "intent" in options and "value" in options:
                return True, options["value"]
        case _:
            pass
    return False, None


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in cast(list[Any], value)]
    return []


def _intent_allowed(options: Mapping[str, Any], intent: str) -> bool:
    wanted = _names(options.get("intent"))
    return (not wanted or intent in wanted) and intent not in _names(options.get("not_intent"))


def _conditions_hold(options: Mapping[str, Any], active_flow: str | None) -> bool:
    conditions = options.get("conditions")
    if not isinstance(conditions, list | tuple) or not conditions:
        return True
    for raw in cast(list[Any], conditions):
        if not isinstance(raw, Mapping):
            continue
        condition = cast(Mapping[str, Any], raw)
        if "active_loop" in condition and condition["active_loop"] is not None:
            continue
        if condition.get("active_flow") in (None, active_flow):
            return True
    return False


def _entities_of(project: Project, slot_name: str, entities: Mapping[str, Any]) -> list[str]:
    slot = project.domain.slots.get(slot_name)
    if slot is None:
        return []
    return [
        str(m.options.get("entity"))
        for m in slot.mappings
        if m.type == "from_entity" and m.options.get("entity") in entities
    ]
