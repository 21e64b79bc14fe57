"""What the session hands an action runner, and what every runner returns.

Runners answer in the action-server format (`ActionOutcome`: rasa-sdk event and message dicts);
`results.parse_outcome` turns that into the engine's typed `ActionResult` at this layer's
boundary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from calmtui.core.model.project import Project


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionOutcome:
    """What a custom action returned, in the action-server format (events and responses), or
    why it failed. `error` set means failure: the internal-error pattern follows."""

    events: Sequence[Mapping[str, Any]] = ()
    responses: Sequence[Mapping[str, Any]] = ()
    error: str | None = None
    detail: str = ""
    output: str = ""  # what an in-process action printed (captured, never on calmtui's stdout)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionRequest:
    """A read-only view of the conversation for one action call (rasa-sdk's tracker, roughly)."""

    name: str
    sender_id: str
    slots: Mapping[str, Any]
    latest_message: Mapping[str, Any]
    events: Sequence[Mapping[str, Any]]
    stack: Sequence[Mapping[str, Any]]
    active_flow: str | None
    flow_id: str | None = None
    step_id: str | None = None
    project: Project | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionCall:
    """How one action call went, for the TurnResult and the inspector."""

    name: str
    runner: str
    latency_ms: float
    error: str | None = None
    detail: str = ""
    output: str = ""


class ActionRunner(Protocol):
    """Runs custom actions. Must not raise: failures come back as `ActionOutcome(error=...)`.

    Implementations: `inprocess.InProcessRunner`, `http.HttpRunner`, `stubs.StubRunner`, and
    `NoActionRunner`; `factory.make_action_runner` picks one. A runner holding resources (the
    HTTP connection pool) also has `async aclose()`: call `factory.close_action_runner(runner)`.
    """

    @property
    def kind(self) -> str: ...

    async def run(self, request: ActionRequest) -> ActionOutcome: ...


class NoActionRunner:
    """Used when a project has no way to run custom actions: each call is a clear failure."""

    kind = "none"

    async def run(self, request: ActionRequest) -> ActionOutcome:
        return ActionOutcome(
            error=f"no action runner can run {request.name!r}",
            detail="configure action_endpoint in endpoints.yml (url or actions_module), or stub it in tests",
        )
