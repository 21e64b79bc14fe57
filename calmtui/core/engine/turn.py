"""One turn, start to finish, as a pure state machine.

    machine = engine.start_turn(state, text, commands)
    while (pending := machine.advance()) is not None:      # a custom action is needed
        machine.complete_action(pending, result)           # run by the caller (in-process, HTTP, stub)
    outcome = machine.finish()                             # the new state and what happened

The core stays synchronous and free of I/O; `calmtui.session` drives this loop asynchronously.
An action's result arrives typed (`ActionResult`): the actions layer parsed its JSON.

Slot mappings with `run_action_every_turn` (a `controlled` mapping's custom action) run as Rasa's
`action_extract_slots` runs them: after the user message is recorded and before its commands
are applied, once per action and message, in domain order. Only their `SlotSet` and bot
messages are kept; anything else is noted and dropped, and a failure is noted without the
internal-error pattern (Rasa logs it and carries on).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, assert_never

from calmtui.core.commands import CannotHandle, Command, SessionStart
from calmtui.core.dialogue import frames as F
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.outcome import (
    ActionBotUttered,
    ActionEvent,
    ActionFollowup,
    ActionMessage,
    ActionResponse,
    ActionRestarted,
    ActionResult,
    ActionSlotSet,
    ActionSlotsReset,
    ActionUnsupportedEvent,
    ActionUtterance,
    GeneratedReply,
)
from calmtui.core.dialogue.state import DialogueState, Tracker
from calmtui.core.dsl import to_dsl
from calmtui.core.engine import stack_ops
from calmtui.core.engine.apply import CommandApplier
from calmtui.core.engine.builtin_actions import BUILTIN_ACTIONS, restart
from calmtui.core.engine.cleanup import Cleaned, clean_commands, order_commands
from calmtui.core.engine.executor import LISTEN, Executor, PendingAction
from calmtui.core.engine.runtime import Runtime
from calmtui.core.events import (
    ActionExecuted,
    ActionFailed,
    BotUttered,
    CommandIgnored,
    CommandRewritten,
    EngineNote,
    Event,
    FlowStarted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from calmtui.core.model.project import Project
from calmtui.core.model.slots import ROUTING_SLOT
from calmtui.core.nlg import RenderedResponse


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnOutcome:
    state: DialogueState
    events: tuple[Event, ...]
    accepted_commands: tuple[Command, ...]
    stack_before: tuple[F.Frame, ...]
    slots_before: Mapping[str, Any] = field(default_factory=dict[str, Any])

    @property
    def bot_messages(self) -> list[BotUttered]:
        return [e for e in self.events if isinstance(e, BotUttered)]

    @property
    def ignored(self) -> list[CommandIgnored | CommandRewritten]:
        return [e for e in self.events if isinstance(e, CommandIgnored | CommandRewritten)]


class Engine:
    """Runs turns of one project version. Cheap to create; reuse it across conversations."""

    def __init__(self, project: Project, *, seed: int = 0, channel: str | None = None) -> None:
        self.project = project
        self.index = ProjectIndex.of(project)
        self.seed = seed
        self.channel = channel

    def new_state(self) -> DialogueState:
        return DialogueState(slots=dict(self.index.slot_defaults))

    def start_turn(
        self,
        state: DialogueState,
        text: str | None,
        commands: Sequence[Command],
        *,
        metadata: Mapping[str, Any] | None = None,
        notes: Sequence[EngineNote] = (),
    ) -> TurnMachine:
        """`notes` are recorded right after the user's message (e.g. the coexistence router's
        decision, `calmtui.core.coexistence`)."""
        return TurnMachine(self, state, text, commands, metadata or {}, notes)

    def start_session(
        self, state: DialogueState, metadata: Mapping[str, Any] | None = None
    ) -> TurnMachine:
        """The conversation-start turn: runs pattern_session_start (e.g. a greeting).
        `metadata` is the session-start metadata; its `language` sets the conversation's."""
        return TurnMachine(self, state, None, [SessionStart()], metadata or {})


class TurnMachine:
    def __init__(
        self,
        engine: Engine,
        state: DialogueState,
        text: str | None,
        commands: Sequence[Command],
        metadata: Mapping[str, Any],
        notes: Sequence[EngineNote] = (),
    ) -> None:
        self.engine = engine
        self.tracker = Tracker(state)
        self.stack_before = state.stack
        self.slots_before = state.slots
        self.runtime = Runtime(
            tracker=self.tracker,
            index=engine.index,
            seed=engine.seed,
            channel=engine.channel,
            session_metadata=metadata if commands and isinstance(commands[0], SessionStart) else {},
        )
        self.executor = Executor(self.runtime)
        self.accepted: list[Command] = []
        self.given = tuple(commands)
        self._text = text
        self._spoke_up = False
        self._finished = False
        self._notes = tuple(notes)
        # action_extract_slots: the every-turn actions still to run before the commands apply.
        self._extractions: list[PendingAction] = []
        self._deferred: Sequence[Command] | None = None
        actions = engine.index.every_turn_actions
        if text is not None and actions and not any(isinstance(c, SessionStart) for c in commands):
            self._extract_first(text, commands, metadata, actions)
        else:
            self._process(text, commands, metadata)

    def _extract_first(
        self,
        text: str,
        commands: Sequence[Command],
        metadata: Mapping[str, Any],
        actions: Sequence[str],
    ) -> None:
        """Record the message; the commands wait until the every-turn actions have run."""
        self.tracker.emit(UserUttered(text=text, commands=(), metadata=dict(metadata)))
        self.tracker.emit_all(self._notes)
        self._extractions = [PendingAction(name=a, flow_id=None, step_id=None) for a in actions]
        self._deferred = commands

    def _apply_deferred(self) -> None:
        """After action_extract_slots: clean and apply the message's commands (as `_process`),
        listing them on the message already recorded."""
        assert self._deferred is not None
        commands, self._deferred = self._deferred, None
        tracker, index = self.tracker, self.engine.index
        cleaned = clean_commands(commands, tracker, index)
        for i, event in enumerate(tracker.events):
            if isinstance(event, UserUttered):
                tracker.events[i] = replace(
                    event, commands=tuple(to_dsl(c) for c in cleaned.commands)
                )
                break
        tracker.emit_all(cleaned.events)
        self._route_to_calm()
        self._apply(cleaned)

    def _process(
        self, text: str | None, commands: Sequence[Command], metadata: Mapping[str, Any]
    ) -> None:
        tracker, index = self.tracker, self.engine.index
        cleaned = clean_commands(commands, tracker, index)
        if text is not None:
            tracker.emit(
                UserUttered(
                    text=text,
                    commands=tuple(to_dsl(c) for c in cleaned.commands),
                    metadata=dict(metadata),
                )
            )
            tracker.emit_all(self._notes)
        tracker.emit_all(cleaned.events)
        if text is not None:
            self._route_to_calm()
        self._apply(cleaned)

    def _apply(self, cleaned: Cleaned) -> None:
        tracker, index = self.tracker, self.engine.index
        self.accepted = list(cleaned.commands)
        mark = len(tracker.events)
        applier = CommandApplier(tracker, index, cleaned.commands)
        applied = applier.apply_all(order_commands(cleaned.commands, tracker))
        self._decide_cannot_handle(cleaned.deferred, applier, applied)
        stack_ops.push_slot_validations(tracker, index, applier.slots_set)
        tracker.flush_stack()
        _drop_shadowed_slot_sets(tracker.events, mark)

    def _decide_cannot_handle(
        self, deferred: list[Command], applier: CommandApplier, applied: int
    ) -> None:
        """CT408, decided after all the other cleanup: a `cannot handle` given with other
        commands is dropped only if one of those was applied; otherwise it runs (as when the
        LLM tried to set a slot no active flow collects along with it)."""
        if not deferred:
            return
        if applied:
            for command in deferred:
                self.tracker.emit(
                    CommandIgnored(
                        command=to_dsl(command),
                        reason="CT408",
                        detail="other commands were understood and applied",
                    )
                )
            return
        applier.apply(deferred[0])
        self._accept(deferred[0])
        for command in deferred[1:]:
            self.tracker.emit(
                CommandIgnored(
                    command=to_dsl(command), reason="CT406", detail="one 'cannot handle' is enough"
                )
            )

    def _accept(self, command: Command) -> None:
        """A command accepted after the message was recorded: the `user` event lists it too."""
        self.accepted.append(command)
        events = self.tracker.events
        for i, event in enumerate(events):
            if isinstance(event, UserUttered):
                events[i] = replace(event, commands=(*event.commands, to_dsl(command)))
                break

    def _route_to_calm(self) -> None:
        """Coexistence: a project that defines the router's slot keeps a session routed to CALM.

        Rasa's command generators add `set slot route_session_to_calm True` to every message they
        handle; calmtui handles every message with CALM, so the slot becomes True on the first
        message and again after `action_reset_routing` set it back to None.
        """
        if (
            ROUTING_SLOT in self.engine.index.slots
            and self.tracker.slots.get(ROUTING_SLOT) is not True
        ):
            self.tracker.set_slot(ROUTING_SLOT, True)

    # -- the loop ---------------------------------------------------------------------------------
    def advance(self) -> PendingAction | None:
        """Run the flows; returns the next custom action to run, or None when listening."""
        if self._finished:
            return None
        if self._extractions:
            return self._extractions[0]
        if self._deferred is not None:
            self._apply_deferred()
        pending = self.executor.advance()
        if pending is None and self._is_silent():
            self._speak_up()
            pending = self.executor.advance()
        if pending is None:
            self._finished = True
        return pending

    def _is_silent(self) -> bool:
        """A user message after which the bot said nothing and nothing changed."""
        if self._text is None or self._spoke_up:
            return False
        tracker = self.tracker
        for event in tracker.events:
            match event:
                case BotUttered() | Restarted() | SessionStarted() | FlowStarted():
                    return False
                case ActionExecuted(name=name) if name != LISTEN:
                    return False
                case _:
                    pass
        if tuple(tracker.stack) != tuple(self.stack_before):
            return False
        before = self.slots_before
        return all(
            tracker.slots.get(name) == before.get(name)
            for name in {*tracker.slots, *before}
            if name != ROUTING_SLOT
        )

    def _speak_up(self) -> None:
        """Never end a turn in silence: when nothing the message asked for could be done, the
        assistant asks to rephrase (pattern_cannot_handle), and CT426 says why."""
        self._spoke_up = True
        events = self.tracker.events
        if events and isinstance(events[-1], ActionExecuted) and events[-1].name == LISTEN:
            events.pop()  # the turn listens after the answer instead
        given = " | ".join(to_dsl(c) for c in self.given) or "(no command)"
        command = CannotHandle()
        self.tracker.emit(
            CommandRewritten(
                command=given,
                rewritten_to=to_dsl(command),
                reason="CT426",
                detail="nothing the message asked for changed the conversation",
            )
        )
        stack_ops.push_pattern(self.tracker, F.CANNOT_HANDLE, {"reason": command.reason})
        self._accept(command)

    def complete_action(self, pending: PendingAction, result: ActionResult) -> None:
        if self._extractions and pending is self._extractions[0]:
            self._extractions.pop(0)
            self._extracted(pending, result)
            return
        rt = self.runtime
        rt.executed(pending.name, pending.flow_id, pending.step_id)
        if result.error is not None:
            # calmtui ends the flow that ran the failing action (docs/engine.md): its next steps
            # would build on a result that never came.
            self.tracker.emit(
                ActionFailed(name=pending.name, error=result.error, detail=result.detail)
            )
            stack_ops.cancel_with_internal_error(self.tracker, self.engine.index)
            self.executor.custom_action_done(failed=True)
            return
        for response in result.responses:
            self._utter_action_response(response)
        for event in result.events:
            self._apply_action_event(pending, event)
        self.executor.custom_action_done(failed=False)

    def complete_generated(self, pending: PendingAction, reply: GeneratedReply) -> None:
        """The session ran a generative built-in (search, chitchat): say what it produced, or
        take the path Rasa's policies take (cannot handle, internal error, the fixed response)."""
        rt = self.runtime
        rt.executed(pending.name, pending.flow_id, pending.step_id)
        failed = False
        match reply.kind:
            case "say":
                metadata = {k: v for k, v in reply.metadata.items() if k != "utter_action"}
                self.tracker.emit(BotUttered(text=reply.text or "", metadata=metadata))
            case "utter" if reply.response:
                rendered = rt.render(reply.response)
                if rendered is not None:
                    rendered = replace(rendered, metadata={**rendered.metadata, **reply.metadata})
                rt.send_or_error(rendered, reply.response)
            case "cannot_handle":
                # As Rasa's policies do: the pattern that ran the action gives way to
                # pattern_cannot_handle (e.g. `cannot_handle_no_relevant_answer`).
                frame = next(
                    (f for f in reversed(self.tracker.stack) if f.flow_id == pending.flow_id), None
                )
                if frame is not None:
                    stack_ops.end_frames(self.tracker, [frame.frame_id])
                stack_ops.push_pattern(
                    self.tracker, F.CANNOT_HANDLE, {"reason": reply.reason or CannotHandle().reason}
                )
            case "fallback":
                builtin = BUILTIN_ACTIONS.get(pending.name)
                if builtin is not None:
                    builtin(rt)
            case _:
                failed = True
                self.tracker.emit(
                    ActionFailed(
                        name=pending.name,
                        error=reply.error or f"no usable reply ({reply.kind})",
                        detail="the generated reply could not be produced",
                    )
                )
                stack_ops.cancel_with_internal_error(self.tracker, self.engine.index)
        self.executor.custom_action_done(failed=failed)

    def _extracted(self, pending: PendingAction, result: ActionResult) -> None:
        """An every-turn action's result, kept as Rasa's action_extract_slots keeps it."""
        tracker = self.tracker
        if result.error is not None:
            tracker.emit(
                EngineNote(
                    code="extract_slots_failed",
                    message=f"{pending.name} (run_action_every_turn) failed: {result.error}; "
                    "its slots were not filled this turn",
                )
            )
            return
        for response in result.responses:
            self._utter_action_response(response)
        dropped: list[str] = []
        for event in result.events:
            if isinstance(event, ActionSlotSet | ActionBotUttered):
                self._apply_action_event(pending, event)
            else:
                dropped.append(type(event).__name__.removeprefix("Action"))
        if dropped:
            tracker.emit(
                EngineNote(
                    code="unsupported_event",
                    message=f"{pending.name} (run_action_every_turn) returned "
                    f"{', '.join(dropped)}: only slots and messages are kept, as in Rasa",
                )
            )

    def _utter_action_response(self, response: ActionResponse) -> None:
        rt = self.runtime
        match response:
            case ActionUtterance(name=name, kwargs=kwargs, parts=parts):
                rendered = rt.render(name, kwargs)
                if rendered is not None:
                    rendered = _with_message_parts(rendered, parts)
                rt.send_or_error(rendered, name)
            case ActionMessage():
                rendered = RenderedResponse(
                    utter_action=None,
                    text=response.text,
                    buttons=response.buttons,
                    image=response.image,
                    custom=response.custom,
                    attachment=response.attachment,
                    elements=response.elements,
                    quick_replies=response.quick_replies,
                )
                rt.emit_rendered(rendered, None)

    def _apply_action_event(self, pending: PendingAction, event: ActionEvent) -> None:
        tracker, index = self.tracker, self.engine.index
        action = pending.name
        match event:
            case ActionSlotSet(name=name, value=value):
                slot = index.slots.get(name) if isinstance(name, str) else None
                if slot is None:
                    tracker.emit(
                        EngineNote(
                            code="unknown_slot",
                            message=f"{action} set unknown slot {name!r}; ignored",
                        )
                    )
                    return
                if self.runtime.refused(slot.name, value, action):
                    return
                coerced, fits = slot.coerce(value)
                if not fits and slot.type in _STRICT_TYPES:  # a float slot never keeps "lots"
                    tracker.emit(
                        EngineNote(
                            code="invalid_slot_value",
                            message=f"{action} set slot {slot.name!r} to {_shown(value)}, which is "
                            f"not a valid {slot.type} value; the slot keeps its value",
                        )
                    )
                    return
                tracker.set_slot(slot.name, coerced, filled_by="CUSTOM")
            case ActionSlotsReset():
                for name, value in index.slot_defaults.items():
                    if tracker.slots.get(name) != value:
                        tracker.set_slot(name, value, reset=True)
            case ActionRestarted():
                restart(self.runtime)
            case ActionBotUttered(text=text, data=data):
                tracker.emit(
                    BotUttered(text=text, data=dict(data), metadata={"utter_action": None})
                )
            case ActionFollowup(name=name):
                self._queue_followup(pending, name)
            case ActionUnsupportedEvent(kind=kind):
                tracker.emit(
                    EngineNote(
                        code="unsupported_event",
                        message=f"{action} returned a {kind!r} event; calmtui ignores it in CALM flows",
                    )
                )
            case _:
                assert_never(event)

    def _queue_followup(self, action: PendingAction, name: object) -> None:
        """As in the reference, a `followup` action runs right after the action that asked for it,
        before the flow continues (at the same step); `action_listen` and unknown names cannot."""
        if (
            not isinstance(name, str)
            or name == LISTEN
            or not self.engine.index.is_known_action(name)
        ):
            why = "the flow decides when to listen" if name == LISTEN else "not a known action"
            self.tracker.emit(
                EngineNote(
                    code="unsupported_event",
                    message=f"{action.name} asked to follow up with {name!r} ({why}); ignored",
                )
            )
            return
        self.executor.followups.append(
            PendingAction(name=name, flow_id=action.flow_id, step_id=action.step_id)
        )

    def finish(self) -> TurnOutcome:
        while self.advance() is not None:  # pragma: no cover - callers must run actions first
            raise RuntimeError("finish() called while a custom action is pending")
        next_turn = any(isinstance(e, UserUttered) for e in self.tracker.events)
        restarted = any(isinstance(e, Restarted) for e in self.tracker.events)
        index = self.engine.index
        # The fingerprints of the flows this turn left on the stack: the next turn compares them
        # with the project it runs on to notice a code change (FORMATS.md d.1 step 4).
        hashes = {f.flow_id: index.flow_hash(f.flow_id) for f in self.tracker.stack}
        state = self.tracker.snapshot(next_turn=next_turn or restarted, flow_hashes=hashes)
        return TurnOutcome(
            state=state,
            events=tuple(self.tracker.events),
            accepted_commands=tuple(self.accepted),
            stack_before=self.stack_before,
            slots_before=self.slots_before,
        )


_MESSAGE_PARTS = ("text", "image", "custom", "attachment", "elements", "quick_replies")


def _with_message_parts(rendered: RenderedResponse, message: ActionMessage) -> RenderedResponse:
    """A custom action's message that names a response: the response, plus the message's own
    buttons after the response's, plus every other non-empty part the response does not set
    (the reference's `_utter_responses`)."""
    parts: dict[str, Any] = {}
    for key in _MESSAGE_PARTS:
        value = getattr(message, key)
        if value and not getattr(rendered, key):
            parts[key] = value
    return replace(rendered, buttons=(*rendered.buttons, *message.buttons), **parts)


# Slot types whose conditions and comparisons break on a value of another type. Categorical and
# list slots keep what an action sets, as Rasa does.
_STRICT_TYPES = frozenset({"float", "bool"})


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _drop_shadowed_slot_sets(events: list[Event], start: int) -> None:
    """Among the events of command processing, only the last SlotSet per slot is kept."""
    seen: set[str] = set()
    keep: list[Event] = []
    for event in reversed(events[start:]):
        if isinstance(event, SlotSet):
            if event.name in seen:
                continue
            seen.add(event.name)
        keep.append(event)
    events[start:] = list(reversed(keep))
