"""The contract between understanding and the session: a generator gets the message and a
read-only view of the conversation, and returns an `UnderstandingTrace` — the commands plus
everything the inspector shows about how they were produced."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from calmtui.core.commands import Command, command_from_json, command_to_json
from calmtui.core.diagnostics import Diagnostic
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.state import DialogueState
from calmtui.core.events import CommandIgnored, CommandRewritten, event_from_json, event_to_json
from calmtui.core.model.project import Project


@dataclass(frozen=True, slots=True, kw_only=True)
class UnderstandingContext:
    project: Project
    index: ProjectIndex
    state: DialogueState
    turn: int
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])


@dataclass(frozen=True, slots=True, kw_only=True)
class UnderstandingTrace:
    mode: str
    commands: tuple[Command, ...] = ()
    model: str | None = None
    prompt: str | None = None
    raw_output: str | None = None
    retrieved_flows: tuple[tuple[str, float], ...] = ()
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost: float | None = None
    latency_ms: float = 0.0
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    notes: tuple[str, ...] = ()
    # A stable short name for `error` ("auth", "timeout", "replay_miss", ...), for reports/tests.
    error_kind: str | None = None
    # Commands dropped or rewritten while reading the reply (unknown flow or slot, not
    # startable, ...), in the engine's event shape: reports and the inspector list them next to
    # what the engine's cleanup dropped.
    dropped: tuple[CommandIgnored | CommandRewritten, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "commands": [command_to_json(c) for c in self.commands],
            "model": self.model,
            "prompt": self.prompt,
            "raw_output": self.raw_output,
            "retrieved_flows": [list(r) for r in self.retrieved_flows],
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost": self.cost,
            "latency_ms": self.latency_ms,
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "error": self.error,
            "notes": list(self.notes),
            "error_kind": self.error_kind,
            "dropped": [event_to_json(e) for e in self.dropped],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UnderstandingTrace:
        return cls(
            mode=data["mode"],
            commands=tuple(command_from_json(c) for c in data.get("commands", [])),
            model=data.get("model"),
            prompt=data.get("prompt"),
            raw_output=data.get("raw_output"),
            retrieved_flows=tuple((str(f), float(s)) for f, s in data.get("retrieved_flows", [])),
            prompt_tokens=data.get("prompt_tokens"),
            completion_tokens=data.get("completion_tokens"),
            cost=data.get("cost"),
            latency_ms=float(data.get("latency_ms", 0.0)),
            diagnostics=tuple(Diagnostic.from_json(d) for d in data.get("diagnostics", [])),
            error=data.get("error"),
            notes=tuple(data.get("notes", [])),
            error_kind=data.get("error_kind"),
            dropped=tuple(
                e
                for e in (event_from_json(d) for d in data.get("dropped", []))
                if isinstance(e, CommandIgnored | CommandRewritten)
            ),
        )


class CommandGenerator(Protocol):
    """Anything that turns a user message into commands. Must not raise for bad input or a
    failing provider: return a trace with an `Error` command and `error` set instead."""

    @property
    def mode(self) -> str: ...

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace: ...
