"""One conversation: the only async layer below the UI.

`Session.turn(text)` runs understanding (or takes given commands), lets the pure engine apply
them, runs custom actions through the injected runner while the engine waits for them, and
returns one immutable `TurnResult` — the record the shell, the inspector, the store and the test
runner all read. `reload(project)` swaps the project under a live conversation; `rewind()`
undoes the last turn exactly (states are immutable, so the previous one is simply kept).
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, overload

from calmtui.actions.containment import describe, stops_the_turn
from calmtui.actions.protocol import (
    ActionCall,
    ActionOutcome,
    ActionRequest,
    ActionRunner,
    NoActionRunner,
)
from calmtui.actions.results import parse_outcome
from calmtui.core.coexistence import ROUTED_TO_NLU, route
from calmtui.core.commands import (
    ERROR_USER_INPUT_TOO_LONG,
    Command,
    command_from_json,
    command_to_json,
)
from calmtui.core.dialogue.frames import Frame, frame_from_json, top_user_frame
from calmtui.core.dialogue.reload import ReloadReport, carry_over
from calmtui.core.dialogue.state import DialogueState, preset_slots
from calmtui.core.engine import Engine, TurnMachine, TurnOutcome
from calmtui.core.engine.retext import with_bot_texts
from calmtui.core.events import (
    BotUttered,
    CommandIgnored,
    CommandRewritten,
    EngineNote,
    Event,
    SlotSet,
    event_from_json,
    event_to_json,
)
from calmtui.core.model.project import Project
from calmtui.core.patterns import builtin_domain
from calmtui.core.payloads import parse_set_slots_payload
from calmtui.generation.trace import GeneratedTrace
from calmtui.knowledge.conversation import Conversation
from calmtui.understanding.base import CommandGenerator, UnderstandingContext, UnderstandingTrace
from calmtui.understanding.redaction import known_secrets, mask_strings
from calmtui.understanding.user_input import max_characters, user_input_error

if TYPE_CHECKING:
    # Built on first use: the index, the LLM client code and the prompts load only when a
    # project generates replies.
    from calmtui.generation.responder import Responder

__all__ = ["EventLog", "ReloadReport", "Session", "SlotChange", "TurnResult"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SlotChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnResult:
    """Everything about one turn. Immutable; JSON round-trippable for the store."""

    turn: int
    user_text: str | None
    understanding: UnderstandingTrace | None
    accepted_commands: tuple[Command, ...]
    ignored: tuple[CommandIgnored | CommandRewritten, ...]
    events: tuple[Event, ...]
    stack_before: tuple[Frame, ...]
    stack_after: tuple[Frame, ...]
    slot_changes: tuple[SlotChange, ...]
    action_calls: tuple[ActionCall, ...] = ()
    timings_ms: Mapping[str, float] = field(default_factory=dict[str, float])
    state: DialogueState = field(default_factory=DialogueState, repr=False)
    # Knowledge answers, chitchat replies and rephrased responses of this turn, in order.
    generated: tuple[GeneratedTrace, ...] = ()

    @property
    def bot_messages(self) -> list[BotUttered]:
        return [e for e in self.events if isinstance(e, BotUttered)]

    @property
    def mode(self) -> str:
        return self.understanding.mode if self.understanding else "session"

    @property
    def routing_note(self) -> str | None:
        """Coexistence: why Rasa's router would have handed this message to the NLU-based half
        (None when it would go to CALM)."""
        for event in self.events:
            if isinstance(event, EngineNote) and event.code == ROUTED_TO_NLU:
                return event.message
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "user_text": self.user_text,
            "understanding": self.understanding.to_json() if self.understanding else None,
            "accepted_commands": [command_to_json(c) for c in self.accepted_commands],
            "events": [event_to_json(e) for e in self.events],
            "stack_before": [f.to_json() for f in self.stack_before],
            "stack_after": [f.to_json() for f in self.stack_after],
            "slot_changes": [
                {"name": c.name, "old": c.old, "new": c.new} for c in self.slot_changes
            ],
            "action_calls": [
                {
                    "name": a.name,
                    "runner": a.runner,
                    "latency_ms": a.latency_ms,
                    "error": a.error,
                    "detail": a.detail,
                    "output": a.output,
                }
                for a in self.action_calls
            ],
            "timings_ms": dict(self.timings_ms),
            "state": self.state.to_json(),
            "generated": [g.to_json() for g in self.generated],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TurnResult:
        events = tuple(event_from_json(e) for e in data.get("events", []))
        understanding = data.get("understanding")
        return cls(
            turn=int(data["turn"]),
            user_text=data.get("user_text"),
            understanding=UnderstandingTrace.from_json(understanding) if understanding else None,
            accepted_commands=tuple(
                command_from_json(c) for c in data.get("accepted_commands", [])
            ),
            ignored=tuple(e for e in events if isinstance(e, CommandIgnored | CommandRewritten)),
            events=events,
            stack_before=tuple(frame_from_json(f) for f in data.get("stack_before", [])),
            stack_after=tuple(frame_from_json(f) for f in data.get("stack_after", [])),
            slot_changes=tuple(
                SlotChange(name=c["name"], old=c["old"], new=c["new"])
                for c in data.get("slot_changes", [])
            ),
            action_calls=tuple(ActionCall(**a) for a in data.get("action_calls", [])),
            timings_ms=dict(data.get("timings_ms", {})),
            state=DialogueState.from_json(data.get("state", {})),
            generated=tuple(GeneratedTrace.from_json(g) for g in data.get("generated", [])),
        )


class EventLog(Sequence[Mapping[str, Any]]):
    """The conversation's events as JSON dicts (what an action server gets), built on first use.

    Most custom actions never read the history, and serialising every event for every action
    call is the largest cost of a turn in long conversations.
    """

    def __init__(
        self, past: Callable[[], list[dict[str, Any]]], current: tuple[Event, ...]
    ) -> None:
        self._past = past
        self._current = current
        self._items: list[dict[str, Any]] | None = None

    def _all(self) -> list[dict[str, Any]]:
        if self._items is None:
            self._items = [*self._past(), *(event_to_json(e) for e in self._current)]
        return self._items

    def __len__(self) -> int:
        return len(self._all())

    @overload
    def __getitem__(self, index: int) -> Mapping[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Mapping[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> Mapping[str, Any] | Sequence[Mapping[str, Any]]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return iter(self._all())

    def __reversed__(self) -> Iterator[Mapping[str, Any]]:
        return reversed(self._all())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)  # pyright: ignore[reportUnknownArgumentType]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EventLog({len(self)} events)"


class Session:
    def __init__(
        self,
        project: Project,
        *,
        generator: CommandGenerator,
        action_runner: ActionRunner | None = None,
        sender_id: str = "default",
        seed: int = 0,
        clock: Callable[[], float] = time.perf_counter,
        channel: str | None = None,
        engine: Engine | None = None,
        responder: Responder | None = None,
    ) -> None:
        """`engine` shares one engine between sessions of the same project (its index caches
        flow hashes and collect steps once, not once per conversation); it must have been built
        for `project`, and then its `seed` and `channel` apply. `responder` answers knowledge
        questions, generates chitchat and rephrases responses (default: offline, built on
        first use)."""
        if engine is None:
            engine = Engine(project, seed=seed, channel=channel)
        elif engine.project is not project:
            raise ValueError("the shared engine was built for another project")
        self.engine = engine
        self.generator = generator
        self.action_runner: ActionRunner = action_runner or NoActionRunner()
        self._responder = responder
        self.sender_id = sender_id
        self.clock = clock
        self.state: DialogueState = self.engine.new_state()
        self.history: list[TurnResult] = []
        self._states: list[DialogueState] = []
        # Every event so far and its JSON, serialised lazily and only once: action servers get
        # the whole history on every call, and re-serialising it each time would make long
        # conversations quadratic.
        self._event_log: list[Event] = []
        self._event_log_json: list[dict[str, Any]] = []
        self._event_log_marks: list[int] = []
        # What a turn's record never shows (the store, --json, the screen): see `_masked`.
        self._secrets = known_secrets(project)

    @property
    def project(self) -> Project:
        return self.engine.project

    # -- turns ------------------------------------------------------------------------------------
    async def start(self, metadata: Mapping[str, Any] | None = None) -> TurnResult:
        """The conversation-start turn: runs pattern_session_start (a greeting, if defined).
        `metadata` is the session-start metadata (its `language` sets the conversation's, as
        a channel's first message does in Rasa)."""
        started = self.clock()
        machine = self.engine.start_session(self.state, metadata)
        generated: list[GeneratedTrace] = []
        calls = await self._run_actions(machine, None, generated)
        outcome = await self._rephrased(machine.finish(), None, generated)
        timings = {"understanding": 0.0}
        return self._record(None, None, outcome, calls, timings, started, generated)

    async def turn(
        self,
        text: str,
        *,
        commands: Sequence[Command] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> TurnResult:
        """One user message. `commands` given: understanding is bypassed (mode 'commands')."""
        started = self.clock()
        notes = self._routing_notes(text, given=commands is not None)
        trace = await self._understand(text, commands, metadata or {})
        understood = self.clock()
        machine = self.engine.start_turn(
            self.state, text, trace.commands, metadata=metadata, notes=notes
        )
        generated: list[GeneratedTrace] = []
        calls = await self._run_actions(machine, text, generated)
        outcome = await self._rephrased(machine.finish(), text, generated)
        timings = {"understanding": (understood - started) * 1000}
        return self._record(text, trace, outcome, calls, timings, started, generated)

    @property
    def responder(self) -> Responder:
        """What answers knowledge questions, chitchat and rephrasing (offline by default)."""
        if self._responder is None:
            from calmtui.generation.responder import Responder

            self._responder = Responder.offline(self.project)
        return self._responder

    def _conversation(self, machine: TurnMachine, text: str | None) -> Conversation:
        tracker = machine.tracker
        return Conversation(
            transcript=tuple(tracker.transcript),
            slots=dict(tracker.slots),
            user_message=text or "",
            turn=tracker.turn,
            internal_slots=_internal_slots(),
            language=self.engine.index.language_of(tracker.slots),
        )

    async def _rephrased(
        self, outcome: TurnOutcome, text: str | None, generated: list[GeneratedTrace]
    ) -> TurnOutcome:
        """The turn with its eligible responses rephrased (the template text kept alongside)."""
        if self._responder is None and self.project.endpoints.nlg is None:
            return outcome  # no rephraser configured: nothing to build or ask
        responder = self.responder
        if responder.rephraser is None:
            return outcome
        conversation = Conversation(
            transcript=outcome.state.transcript,
            slots=dict(outcome.state.slots),
            user_message=text or "",
            turn=self.state.turn,
            internal_slots=_internal_slots(),
            language=self.engine.index.language_of(outcome.state.slots),
        )
        rephrasing = await responder.rephrase(outcome.events, conversation)
        generated.extend(rephrasing.traces)
        if not rephrasing.changes:
            return outcome
        events, state = with_bot_texts(outcome.events, outcome.state, rephrasing.changes)
        return replace(outcome, events=events, state=state)

    def _routing_notes(self, text: str, *, given: bool) -> tuple[EngineNote, ...]:
        """Coexistence: a note when Rasa's router would hand this message to the NLU-based half
        (calmtui answers it with CALM all the same; `calmtui.core.coexistence`)."""
        routed = route(self.project, text, self.state.slots, has_commands=given)
        if routed is None:
            return ()
        return (EngineNote(code=ROUTED_TO_NLU, message=routed.note),)

    async def _understand(
        self, text: str, commands: Sequence[Command] | None, metadata: Mapping[str, Any]
    ) -> UnderstandingTrace:
        if commands is not None:
            return UnderstandingTrace(mode="commands", commands=tuple(commands))
        rejected = user_input_error(text, max_characters(self.project))
        if rejected is not None:  # FORMATS.md d.1: answered without calling understanding
            error, note = rejected
            too_long = error.error_type == ERROR_USER_INPUT_TOO_LONG
            return UnderstandingTrace(
                mode="session", commands=(error,), notes=(note,) if too_long else ()
            )
        payload = parse_set_slots_payload(text)
        if payload is not None:
            return UnderstandingTrace(mode="payload", commands=tuple(payload))
        context = UnderstandingContext(
            project=self.project,
            index=self.engine.index,
            state=self.state,
            turn=self.state.turn,
            metadata=metadata,
        )
        return await self.generator.generate(text, context)

    async def _run_actions(
        self, machine: TurnMachine, text: str | None, generated: list[GeneratedTrace]
    ) -> list[ActionCall]:
        calls: list[ActionCall] = []
        while (pending := machine.advance()) is not None:
            if pending.generative:
                reply, trace = await self.responder.run(
                    pending.name, self._conversation(machine, text)
                )
                generated.append(trace)
                machine.complete_generated(pending, reply)
                continue
            request = self._request(machine, pending.name, pending.flow_id, pending.step_id, text)
            began = self.clock()
            try:
                outcome = await self.action_runner.run(request)
            except BaseException as exc:  # untrusted code: only a real cancellation stops us
                if stops_the_turn(exc):
                    raise
                outcome = ActionOutcome(error=describe(exc), detail="the action runner raised")
            calls.append(
                ActionCall(
                    name=pending.name,
                    runner=self.action_runner.kind,
                    latency_ms=(self.clock() - began) * 1000,
                    error=outcome.error,
                    detail=outcome.detail,
                    output=outcome.output,
                )
            )
            machine.complete_action(pending, parse_outcome(outcome))
        return calls

    def _request(
        self,
        machine: TurnMachine,
        name: str,
        flow_id: str | None,
        step_id: str | None,
        text: str | None,
    ) -> ActionRequest:
        tracker = machine.tracker
        active = top_user_frame(tracker.stack)
        return ActionRequest(
            name=name,
            sender_id=self.sender_id,
            slots=dict(tracker.slots),
            latest_message={"text": text} if text is not None else {},
            events=EventLog(self._past_events_json, tuple(tracker.events)),
            stack=[f.to_json() for f in tracker.stack],
            active_flow=active.flow_id if active else None,
            flow_id=flow_id,
            step_id=step_id,
            project=self.project,
        )

    def _record(
        self,
        text: str | None,
        trace: UnderstandingTrace | None,
        outcome: TurnOutcome,
        calls: list[ActionCall],
        timings: dict[str, float],
        started: float,
        generated: Sequence[GeneratedTrace] = (),
    ) -> TurnResult:
        ended = self.clock()
        action_ms = sum(c.latency_ms for c in calls)
        generation_ms = sum(g.latency_ms for g in generated)
        total = (ended - started) * 1000
        timings = {**timings, "actions": action_ms, "generation": generation_ms, "total": total}
        timings["engine"] = max(0.0, total - timings["understanding"] - action_ms - generation_ms)
        result = TurnResult(
            turn=len(self.history),
            user_text=text,
            understanding=trace,
            accepted_commands=outcome.accepted_commands,
            ignored=tuple(outcome.ignored),
            events=outcome.events,
            stack_before=outcome.stack_before,
            stack_after=outcome.state.stack,
            slot_changes=_slot_changes(outcome.slots_before, outcome.events),
            action_calls=tuple(calls),
            timings_ms=timings,
            state=outcome.state,
            generated=tuple(generated),
        )
        self._states.append(self.state)
        self.state = outcome.state
        if self._secrets:
            result = _masked(result, self._secrets)
        self.history.append(result)
        self._event_log_marks.append(len(self._event_log))
        self._event_log.extend(outcome.events)
        return result

    def _past_events_json(self) -> list[dict[str, Any]]:
        done = len(self._event_log_json)
        self._event_log_json.extend(event_to_json(e) for e in self._event_log[done:])
        return self._event_log_json

    # -- changing the conversation ----------------------------------------------------------------
    def set_slots(self, values: Mapping[str, Any]) -> list[SlotSet]:
        """Preset slots (e2e fixtures): coerced to the slot type, unknown names ignored."""
        self.state, events = preset_slots(self.state, self.engine.index.slots, values)
        return events

    def restore(self, history: Sequence[TurnResult]) -> None:
        """Continue a saved conversation: its turns become this session's history, the last
        turn's state the current one, and every turn can still be rewound."""
        self.history = list(history)
        self._states = [self.engine.new_state(), *(r.state for r in self.history[:-1])]
        self.state = self.history[-1].state if self.history else self.engine.new_state()
        self._event_log, self._event_log_json, self._event_log_marks = [], [], []
        for result in self.history:
            self._event_log_marks.append(len(self._event_log))
            self._event_log.extend(result.events)

    def rewind(self) -> TurnResult | None:
        """Undo the last turn; returns the undone result (None when there is nothing to undo)."""
        if not self.history:
            return None
        self.state = self._states.pop()
        mark = self._event_log_marks.pop()
        del self._event_log[mark:]
        del self._event_log_json[mark:]
        return self.history.pop()

    def reload(
        self,
        project: Project,
        *,
        generator: CommandGenerator | None = None,
        action_runner: ActionRunner | None = None,
    ) -> ReloadReport:
        """Swap in a new project version, keeping the conversation; `generator` and
        `action_runner`, when given, replace the ones built for the old version. What survives
        the change is `calmtui.core.dialogue.reload.carry_over`'s answer (pure)."""
        old = self.engine.index
        self.engine = Engine(project, seed=self.engine.seed, channel=self.engine.channel)
        if self._responder is not None:
            self._responder = self._responder.for_project(project)
        if generator is not None:
            self.generator = generator
        if action_runner is not None:
            self.action_runner = action_runner
        self.state, report = carry_over(self.state, old, self.engine.index)
        self._secrets = known_secrets(project)
        return report


@functools.cache
def _internal_slots() -> frozenset[str]:
    """Rasa leaves its own slots out of the prompts of generated replies."""
    return frozenset(builtin_domain().slots)


def _masked(result: TurnResult, secrets: tuple[str, ...]) -> TurnResult:
    """The turn's record with every known secret replaced by `***`: a token an action server
    echoes into a message or a slot must not reach the database, `--json` or the screen. The
    conversation itself runs on the real values (the engine's state is not this record's)."""
    document = result.to_json()
    text = json.dumps(document, ensure_ascii=False, default=str)
    if not any(secret in text for secret in secrets):
        return result
    return TurnResult.from_json(mask_strings(document, secrets))


def _slot_changes(before: Mapping[str, Any], events: Sequence[Event]) -> tuple[SlotChange, ...]:
    after: dict[str, Any] = {}
    for event in events:
        if isinstance(event, SlotSet):
            after[event.name] = event.value
    return tuple(
        SlotChange(name=name, old=before.get(name), new=value)
        for name, value in after.items()
        if before.get(name) != value or name not in before
    )
