"""Runs one conformance case through `Session` and renders its event trace compactly.

A case is a directory with `script.yml` (and, unless the script points at a shared project with
`project:`, its own `domain.yml` and `flows.yml`). The script:

    description: what FORMATS.md rule the case makes concrete
    project: ../projects/transfer     # optional shared project (a directory with domain/flows)
    channel: voice                    # optional output channel for response variations
    seed: 3                           # optional RNG seed (response variations)
    slots: {name: value}              # optional fixtures, set before anything else
    session_start: true               # optional: run the session-start turn first
    actions:                          # default outcomes of custom actions, by name
      action_x: {events: [...], responses: [...]}     # or {error: "why"}
    turns:
      - user: "send 50 to Anna"
        commands: |                   # what understanding returns (the command DSL); may be left
                                      # out when understanding is not asked (button payloads,
                                      # empty or too long messages)
          start flow transfer
          set slot amount 50
        extractor: NLU                # optional: who produced this turn's SetSlots
        actions: {...}                # optional per-turn outcomes (override the defaults)
      - user: "/SetSlots(confirm=true)"   # a button payload: handled before understanding
      - reload: ../projects/transfer_v2   # hot reload: swap the project under the live conversation
      - redeploy: ../projects/transfer_v2 # a new Session on the new project continues the saved
                                          # state (the assistant was redeployed: no reload() ran)
      - rewind: true                      # undo the last turn

The rendering keeps every event except the stack snapshots (the stack after each turn is shown
once instead); an utter action and the message it sends are one `bot` line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from calmtui.actions.protocol import ActionOutcome, ActionRequest
from calmtui.core.commands import Command, SetSlot
from calmtui.core.dialogue.frames import FlowFrame, Frame
from calmtui.core.dsl import to_dsl
from calmtui.core.events import (
    ActionExecuted,
    ActionFailed,
    BotUttered,
    CommandIgnored,
    CommandRewritten,
    EngineNote,
    Event,
    FlowCancelled,
    FlowCompleted,
    FlowInterrupted,
    FlowResumed,
    FlowStarted,
    FrameDropped,
    Restarted,
    SessionStarted,
    SlotSet,
    StackChanged,
    UserUttered,
)
from calmtui.core.loading.project_loader import ProjectPaths, load_project
from calmtui.core.model.project import Project
from calmtui.session import Session, TurnResult
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace
from calmtui.understanding.scripted import ScriptedGenerator

CONFORMANCE_DIR = Path(__file__).parent


class CaseError(Exception):
    """The case itself is broken (bad script or project), not the engine."""


def load_case_project(directory: Path) -> Project:
    paths = None
    if not (directory / "domain").is_dir() and not (directory / "data").is_dir():
        data = ["flows.yml"] if (directory / "flows.yml").is_file() else None
        paths = ProjectPaths(domain="domain.yml", data=data)
    result = load_project(directory, paths)
    errors = [d for d in result.diagnostics if d.is_error]
    if result.project is None or errors:
        raise CaseError(
            f"project {directory} does not load: {errors[0].headline() if errors else 'no project'}"
        )
    return result.project


class CaseGenerator:
    """`ScriptedGenerator` plus the per-turn extractor a script may ask for (the DSL itself
    always means the LLM)."""

    mode = "scripted"

    def __init__(self) -> None:
        self._scripted = ScriptedGenerator()
        self._extractors: list[str | None] = []

    def add(self, commands: str, extractor: str | None) -> None:
        self._scripted.extend([commands])
        self._extractors.append(extractor)

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        if not self._extractors:
            raise CaseError(f"understanding was asked about {text!r}: give the turn 'commands'")
        trace = await self._scripted.generate(text, context)
        extractor = self._extractors.pop(0)
        if extractor is None:
            return trace
        commands: list[Command] = [
            dataclasses.replace(c, extractor=extractor) if isinstance(c, SetSlot) else c  # type: ignore[arg-type]
            for c in trace.commands
        ]
        return dataclasses.replace(trace, commands=tuple(commands))


class ScriptedActions:
    """An action runner answering from the script: per-turn outcomes, then the defaults; an
    action the script does not mention fails, as an unreachable action server would."""

    kind = "script"

    def __init__(self, defaults: Mapping[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.turn: dict[str, Any] = {}
        self.calls: list[str] = []

    async def run(self, request: ActionRequest) -> ActionOutcome:
        self.calls.append(request.name)
        spec = self.turn.get(request.name, self.defaults.get(request.name))
        if spec is None:
            return ActionOutcome(error=f"the script has no outcome for {request.name!r}")
        if not isinstance(spec, Mapping):
            raise CaseError(f"outcome of {request.name!r} must be a mapping")
        return ActionOutcome(
            events=list(spec.get("events") or []),
            responses=list(spec.get("responses") or []),
            error=spec.get("error"),
        )


async def run_case(case_dir: Path) -> list[dict[str, Any]]:
    """Run the case and return its rendered trace (the content of `expected.yml`)."""
    script = yaml.safe_load((case_dir / "script.yml").read_text(encoding="utf-8"))
    if not isinstance(script, Mapping):
        raise CaseError(f"{case_dir}/script.yml is not a mapping")
    project_dir = (case_dir / script["project"]).resolve() if "project" in script else case_dir
    generator = CaseGenerator()
    actions = ScriptedActions(script.get("actions") or {})
    session = Session(
        load_case_project(project_dir),
        generator=generator,
        action_runner=actions,
        seed=int(script.get("seed", 0)),
        channel=script.get("channel"),
        clock=lambda: 0.0,
    )
    state = _CaseState(session=session, generator=generator, actions=actions, script=script)
    trace: list[dict[str, Any]] = []
    if script.get("slots"):
        fixtures = session.set_slots(script["slots"])
        trace.append({"fixtures": [render_event(e) for e in fixtures]})
    if script.get("session_start"):
        result = await session.start()
        trace.append({"turn": "session start", **render_result(result)})
    for number, turn in enumerate(script.get("turns") or [], start=1):
        trace.append(await _run_step(state, case_dir, number, turn))
    return trace


@dataclasses.dataclass
class _CaseState:
    session: Session
    generator: CaseGenerator
    actions: ScriptedActions
    script: Mapping[str, Any]


async def _run_step(
    state: _CaseState, case_dir: Path, number: int, turn: Mapping[str, Any]
) -> dict[str, Any]:
    session, generator, actions = state.session, state.generator, state.actions
    if "redeploy" in turn:
        fresh = Session(
            load_case_project((case_dir / turn["redeploy"]).resolve()),
            generator=generator,
            action_runner=actions,
            seed=int(state.script.get("seed", 0)),
            channel=state.script.get("channel"),
            clock=lambda: 0.0,
        )
        fresh.state = session.state
        state.session = fresh
        return {"redeploy": turn["redeploy"], "stack": render_stack(fresh.state.stack)}
    if "reload" in turn:
        report = session.reload(load_case_project((case_dir / turn["reload"]).resolve()))
        return {
            "reload": turn["reload"],
            "changed_flows": list(report.changed_flows),
            "dropped": [render_event(e) for e in report.dropped],
            "stack": render_stack(session.state.stack),
        }
    if "rewind" in turn:
        undone = session.rewind()
        return {
            "rewind": undone.user_text if undone else None,
            "stack": render_stack(session.state.stack),
        }
    text = str(turn["user"])
    if "commands" in turn:
        generator.add(str(turn["commands"] or ""), turn.get("extractor"))
    actions.turn = dict(turn.get("actions") or {})
    result = await session.turn(text, metadata=turn.get("metadata"))
    return {"turn": number, "user": text, **render_result(result)}


def render_result(result: TurnResult) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    if result.user_text is not None:
        rendered["commands"] = [to_dsl(c) for c in result.accepted_commands]
    rendered["events"] = render_events(result.events)
    rendered["stack"] = render_stack(result.stack_after)
    return rendered


def render_stack(stack: tuple[Frame, ...] | list[Frame]) -> list[str]:
    return [
        f"{f.flow_id}@{f.step_id}"
        + (f" ({f.frame_type})" if isinstance(f, FlowFrame) and f.frame_type != "regular" else "")
        for f in stack
    ]


def render_events(events: tuple[Event, ...] | list[Event]) -> list[str]:
    lines: list[str] = []
    skip_next = False
    for i, event in enumerate(events):
        if skip_next:
            skip_next = False
            continue
        follower = events[i + 1] if i + 1 < len(events) else None
        if (
            isinstance(event, ActionExecuted)
            and isinstance(follower, BotUttered)
            and follower.utter_action == event.name
        ):
            skip_next = True
            lines.append(render_event(follower))
            continue
        line = render_event(event)
        if line:
            lines.append(line)
    return lines


def render_event(event: Event) -> str:  # noqa: PLR0911 - one line per event kind
    match event:
        case BotUttered():
            buttons = (
                " [" + " | ".join(str(b.get("title")) for b in event.buttons) + "]"
                if event.buttons
                else ""
            )
            return f"bot {event.utter_action or '-'} {_quote(event.text)}{buttons}"
        case SlotSet():
            return f"slot {event.name}={event.value!r}" + (
                " (reset)" if event.metadata.get("reset") else ""
            )
        case ActionExecuted():
            return f"action {event.name}"
        case FlowStarted():
            return "flow_started " + event.flow_id + _started_detail(event)
        case FlowCompleted() | FlowInterrupted() | FlowResumed() | FlowCancelled():
            return f"{event.event} {event.flow_id} {event.step_id}"
        case CommandIgnored():
            return f"command_ignored {event.reason} {_quote(event.command)}"
        case CommandRewritten():
            return f"command_rewritten {event.reason} {_quote(event.command)} -> {_quote(event.rewritten_to)}"
        case ActionFailed():
            return f"action_failed {event.name}: {event.error}"
        case FrameDropped():
            return f"frame_dropped {event.flow_id}@{event.step_id}: {event.reason}"
        case EngineNote():
            return f"note {event.code}"
        case Restarted():
            return "restarted"
        case SessionStarted():
            return "session_started"
        case UserUttered() | StackChanged():
            return ""


def _started_detail(event: FlowStarted) -> str:
    meta = event.metadata
    if event.flow_id == "pattern_collect_information":
        return f" ({meta.get('collect')})"
    if event.flow_id == "pattern_clarification":
        return f" names={list(meta.get('names') or [])}"
    if meta.get("frame_type") in ("interrupt", "link", "call"):
        return f" ({meta.get('frame_type')})"
    return ""


def _quote(text: str | None) -> str:
    return '""' if text is None else '"' + text.replace('"', '\\"') + '"'


def dump_trace(trace: list[dict[str, Any]]) -> str:
    return yaml.safe_dump(trace, sort_keys=False, allow_unicode=True, width=200)


def case_dirs() -> list[Path]:
    return sorted(p.parent for p in CONFORMANCE_DIR.glob("*/script.yml"))
