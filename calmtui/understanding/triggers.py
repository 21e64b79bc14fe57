"""`/intent` payloads: a button or a test says which flow to start, no model needed.

Rasa's NLUCommandAdapter starts the flow whose `nlu_trigger` lists the intent (FORMATS.md a.2,
c.1). Without an NLU pipeline the only intents calmtui sees are typed or sent as payloads, so
both generators read them here. A trigger on a pattern maps to the command that runs that
pattern (`/restart` -> Restart); an intent no flow listens to is `CannotHandle` with the
reason `cannot_handle_invalid_intent`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
    SkipQuestion,
    StartFlow,
)
from calmtui.core.model.project import Project
from calmtui.core.payloads import parse_intent_payload

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


def intent_commands(text: str, project: Project) -> Triggered | None:
    """Commands for an `/intent` payload; None when the text is not one."""
    parsed = parse_intent_payload(text)
    if parsed is None:
        return None
    intent, entities = parsed
    extra = (
        f" (entities {sorted(entities)} are not used without NLU slot mappings)" if entities else ""
    )
    listening = [
        f for f in project.flows.values() if any(t.intent == intent for t in f.nlu_triggers)
    ]
    user_flows = [f for f in listening if not f.is_pattern]
    if user_flows:
        flow = user_flows[0]
        return Triggered(
            (StartFlow(flow=flow.id),), f"intent {intent!r} triggers flow {flow.id!r}{extra}"
        )
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
