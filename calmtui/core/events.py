"""Events: what happened in a conversation, with Rasa's names and fields (FORMATS.md e.2, g.3).

The e2e assertions are defined on these events, so names (`event`) and fields follow Rasa's
tracker format; calmtui adds its own (`command_ignored`, `command_rewritten`, `action_failed`,
`frame_dropped`, `stack`) so that nothing the engine decides is invisible. Every event is JSON
round-trippable (`to_json` / `event_from_json`): the store and recordings keep them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal, cast


@dataclass(frozen=True, slots=True, kw_only=True)
class UserUttered:
    event: Literal["user"] = "user"
    text: str
    commands: tuple[str, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])


@dataclass(frozen=True, slots=True, kw_only=True)
class BotUttered:
    event: Literal["bot"] = "bot"
    text: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict[str, Any])
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])

    @property
    def utter_action(self) -> str | None:
        name = self.metadata.get("utter_action")
        return name if isinstance(name, str) else None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        buttons = self.data.get("buttons")
        if not isinstance(buttons, list | tuple):
            return []
        items = cast(Sequence[Any], buttons)
        return [dict(cast(Mapping[str, Any], b)) for b in items if isinstance(b, Mapping)]


@dataclass(frozen=True, slots=True, kw_only=True)
class SlotSet:
    event: Literal["slot"] = "slot"
    name: str
    value: Any = None
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionExecuted:
    event: Literal["action"] = "action"
    name: str
    flow_id: str | None = None
    step_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowStarted:
    event: Literal["flow_started"] = "flow_started"
    flow_id: str
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowCompleted:
    event: Literal["flow_completed"] = "flow_completed"
    flow_id: str
    step_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowInterrupted:
    event: Literal["flow_interrupted"] = "flow_interrupted"
    flow_id: str
    step_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowResumed:
    event: Literal["flow_resumed"] = "flow_resumed"
    flow_id: str
    step_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowCancelled:
    event: Literal["flow_cancelled"] = "flow_cancelled"
    flow_id: str
    step_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Restarted:
    event: Literal["restart"] = "restart"


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionStarted:
    event: Literal["session_started"] = "session_started"


@dataclass(frozen=True, slots=True, kw_only=True)
class StackChanged:
    """The stack after a change, as `flow_id@step_id` strings, bottom first (ours)."""

    event: Literal["stack"] = "stack"
    frames: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandIgnored:
    """A command the engine did not apply, with a stable reason code (ours)."""

    event: Literal["command_ignored"] = "command_ignored"
    command: str
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandRewritten:
    """A command the engine replaced by another one, with the reason (ours)."""

    event: Literal["command_rewritten"] = "command_rewritten"
    command: str
    rewritten_to: str
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionFailed:
    """A custom action could not run or raised; the internal-error pattern follows (ours)."""

    event: Literal["action_failed"] = "action_failed"
    name: str
    error: str
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FrameDropped:
    """A stack frame removed because its flow or step no longer exists (ours)."""

    event: Literal["frame_dropped"] = "frame_dropped"
    flow_id: str
    step_id: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineNote:
    """Something the engine decided that a user debugging a flow should see (ours).

    Examples: an action name that rendered to nothing was skipped, the step limit tripped.
    """

    event: Literal["engine_note"] = "engine_note"
    code: str
    message: str


Event = (
    UserUttered
    | BotUttered
    | SlotSet
    | ActionExecuted
    | FlowStarted
    | FlowCompleted
    | FlowInterrupted
    | FlowResumed
    | FlowCancelled
    | Restarted
    | SessionStarted
    | StackChanged
    | CommandIgnored
    | CommandRewritten
    | ActionFailed
    | FrameDropped
    | EngineNote
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__dataclass_fields__["event"].default: cls  # type: ignore[misc]
    for cls in (
        UserUttered,
        BotUttered,
        SlotSet,
        ActionExecuted,
        FlowStarted,
        FlowCompleted,
        FlowInterrupted,
        FlowResumed,
        FlowCancelled,
        Restarted,
        SessionStarted,
        StackChanged,
        CommandIgnored,
        CommandRewritten,
        ActionFailed,
        FrameDropped,
        EngineNote,
    )
}


_FIELD_NAMES: dict[type[Event], tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in EVENT_TYPES.values()
}
_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> Any:
    """Tuples and mappings to JSON-friendly lists and dicts."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, dict | Mapping):
        return {str(k): _plain(v) for k, v in cast(Mapping[Any, Any], value).items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in cast(Sequence[Any], value)]
    return value


def event_to_json(event: Event) -> dict[str, Any]:
    return {name: _plain(getattr(event, name)) for name in _FIELD_NAMES[type(event)]}


def event_from_json(data: Mapping[str, Any]) -> Event:
    """Inverse of `event_to_json`; raises KeyError/TypeError on malformed data."""
    cls = EVENT_TYPES[data["event"]]
    kwargs: dict[str, Any] = {}
    for f in fields(cls):
        if f.name == "event" or f.name not in data:
            continue
        value = data[f.name]
        if f.name in ("commands", "frames"):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)
