"""Command cleanup and ordering (FORMATS.md d.1, d.3, d.4 post-parse fixes).

Understanding output is untrusted: whatever generator produced the commands, only commands that
name existing flows and slots and make sense in the current state survive. Every command that is
dropped or replaced becomes a `CommandIgnored` / `CommandRewritten` event with a CT4xx reason.
The order of the rules follows the reference implementation, because e2e parity depends on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from calmtui.core.commands import (
    CANNOT_HANDLE_CHITCHAT,
    CancelFlow,
    CannotHandle,
    ChitChat,
    Clarify,
    Command,
    CorrectedSlot,
    CorrectSlots,
    HandleCodeChange,
    KnowledgeAnswer,
    RepeatBotMessages,
    SetSlot,
    SkipQuestion,
    StartFlow,
)
from calmtui.core.conditions import condition_holds
from calmtui.core.dialogue.frames import (
    CHITCHAT,
    COLLECT,
    CORRECTION,
    as_dict,
    cancelable_user_frame,
    context_of,
    is_continue_interrupted_active,
    top_flow_frame,
    top_user_frame,
)
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.state import Tracker
from calmtui.core.dsl import to_dsl
from calmtui.core.events import CommandIgnored, CommandRewritten, Event
from calmtui.core.languages import LANGUAGE_SLOT
from calmtui.core.model.flows import CollectStep
from calmtui.core.model.slots import NLU_MAPPINGS, NO_VALUE_TEXTS


def none_like(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in NO_VALUE_TEXTS:
        return None
    return value


@dataclass
class Cleaned:
    commands: list[Command] = field(default_factory=list[Command])
    events: list[Event] = field(default_factory=list[Event])
    # CannotHandle commands set aside because other commands remain: they are dropped (CT408)
    # only if one of those others is applied; otherwise the first one runs after all.
    deferred: list[Command] = field(default_factory=list[Command])

    def ignore(self, command: Command, reason: str, detail: str) -> None:
        self.events.append(CommandIgnored(command=to_dsl(command), reason=reason, detail=detail))

    def rewrite(self, command: Command, new: Command, reason: str, detail: str) -> None:
        self.events.append(
            CommandRewritten(
                command=to_dsl(command), rewritten_to=to_dsl(new), reason=reason, detail=detail
            )
        )


def current_collect_step(tracker: Tracker, index: ProjectIndex) -> CollectStep | None:
    """The collect step being asked: a collect pattern on top of the flow that started it."""
    stack = tracker.stack
    if len(stack) < 2 or stack[-1].flow_id != COLLECT:
        return None
    below = stack[-2]
    flow = index.flow(below.flow_id)
    step = flow.step(below.step_id) if flow else None
    return step if isinstance(step, CollectStep) else None


def clean_commands(commands: Sequence[Command], tracker: Tracker, index: ProjectIndex) -> Cleaned:
    result = Cleaned()
    changed = _changed_flows(tracker, index)
    if changed:
        # The reference replaces the whole command list: the running flows are wrapped up first.
        detail = "the flows on the stack changed since the last turn: " + ", ".join(changed)
        for command in commands:
            result.ignore(command, "CT420", detail)
        result.commands = [HandleCodeChange()]
        return result
    valid = _validity_pass(commands, tracker, index, result)
    _rule_pass(valid, tracker, index, result)
    if index.project.config.clarify_on_multiple_start_flows and not tracker.stack:
        _clarify_multiple_starts(result)
    _final_pass(result)
    return result


# -- 1. validity: names must exist, guards must allow, force_slot_filling -----------------------


def _validity_pass(
    commands: Sequence[Command], tracker: Tracker, index: ProjectIndex, result: Cleaned
) -> list[Command]:
    valid: list[Command] = []
    context = context_of(tracker.stack)
    for command in commands:
        match command:
            case SetSlot(name="flow_name", value=value) if (
                isinstance(value, str) and value in index.user_flow_ids
            ):
                new = StartFlow(flow=value)
                result.rewrite(command, new, "CT417", "the flow name was given as a slot")
                command = new
            case _:
                pass
        match command:
            case StartFlow(flow=flow_id):
                if not _check_start(command, flow_id, tracker, index, context, result):
                    continue
            case Clarify(options=options):
                command = _check_clarify(command, options, tracker, index, context, result)
                if command is None:
                    continue
            case CancelFlow() if cancelable_user_frame(tracker.stack) is None:
                new = CannotHandle()
                result.rewrite(command, new, "CT412", "there is no active flow to cancel")
                command = new
            case SkipQuestion() if top_user_frame(tracker.stack, skip_call_and_link=False) is None:
                result.ignore(
                    command, "CT413", "no flow is active, so there is no question to skip"
                )
                continue
            case _:
                pass
        valid.append(command)
    return _force_slot_filling(valid, tracker, index, result)


def _check_start(
    command: Command,
    flow_id: str,
    tracker: Tracker,
    index: ProjectIndex,
    context: dict[str, object],
    result: Cleaned,
) -> bool:
    flow = index.flow(flow_id)
    if flow is None:
        result.ignore(command, "CT403", f"there is no flow {flow_id!r}")
        return False
    if flow.is_pattern:
        result.ignore(command, "CT422", f"{flow_id!r} is a pattern")
        return False
    if not _guard_allows(flow_id, tracker, index, context):
        result.ignore(command, "CT409", f"the guard of {flow_id!r} is false")
        return False
    return True


def _guard_allows(
    flow_id: str, tracker: Tracker, index: ProjectIndex, context: dict[str, object]
) -> bool:
    """A flow's guard holds, or the flow is already the active one (FORMATS.md c.1)."""
    flow = index.flow(flow_id)
    if flow is None:
        return False
    active = top_user_frame(tracker.stack)
    if active is not None and active.flow_id == flow_id:
        return True
    return condition_holds(flow.guard, slots=tracker.slots, context=context)


def _is_startable(
    flow_id: str, tracker: Tracker, index: ProjectIndex, context: dict[str, object]
) -> bool:
    return flow_id in index.user_flow_ids and _guard_allows(flow_id, tracker, index, context)


def _check_clarify(
    command: Clarify,
    options: tuple[str, ...],
    tracker: Tracker,
    index: ProjectIndex,
    context: dict[str, object],
    result: Cleaned,
) -> Command | None:
    """Only user flows that could be started now stay options (FORMATS.md d.2, d.4)."""
    kept = tuple(o for o in options if _is_startable(o, tracker, index, context))
    dropped = [o for o in options if o not in kept]
    if dropped:
        result.events.append(
            CommandRewritten(
                command=to_dsl(command),
                rewritten_to=to_dsl(Clarify(options=kept)),
                reason="CT423",
                detail="not startable flows: " + ", ".join(dropped),
            )
        )
    if len(kept) == 1:
        new = StartFlow(flow=kept[0])
        result.rewrite(command, new, "CT416", "only one option remains")
        return new
    return Clarify(options=kept)


def _force_slot_filling(
    commands: list[Command], tracker: Tracker, index: ProjectIndex, result: Cleaned
) -> list[Command]:
    step = current_collect_step(tracker, index)
    if step is None or not step.force_slot_filling:
        return commands
    kept: list[Command] = [c for c in commands if isinstance(c, SetSlot) and c.name == step.collect]
    for command in commands:
        if command not in kept:
            result.ignore(command, "CT418", f"only an answer for {step.collect!r} is accepted now")
    return kept or [CannotHandle()]


def _changed_flows(tracker: Tracker, index: ProjectIndex) -> list[str]:
    """Flows on the stack that vanished or whose definition differs from the one that ran them
    (the `flow_hashes` check of the reference)."""
    changed: dict[str, None] = {}
    for frame in tracker.stack:
        stored = tracker.flow_hashes.get(frame.flow_id)
        if index.flow(frame.flow_id) is None or (
            stored is not None and stored != index.flow_hash(frame.flow_id)
        ):
            changed[frame.flow_id] = None
    return list(changed)


# -- 2. the reference cleanup rules ------------------------------------------------------------


def _rule_pass(
    commands: list[Command], tracker: Tracker, index: ProjectIndex, result: Cleaned
) -> None:
    clean = result.commands
    for command in commands:
        match command:
            case SetSlot():
                _clean_set_slot(command, clean, tracker, index, result)
            case CancelFlow() if any(isinstance(c, CancelFlow) for c in clean):
                result.ignore(command, "CT406", "the flow is already being cancelled")
            case CannotHandle() if any(isinstance(c, CannotHandle) for c in clean):
                result.ignore(command, "CT406", "one 'cannot handle' is enough")
            case StartFlow(flow=flow_id):
                top = top_user_frame(tracker.stack, skip_call_and_link=False)
                if (
                    top is not None
                    and top.flow_id == flow_id
                    and not is_continue_interrupted_active(tracker.stack)
                ):
                    result.ignore(command, "CT401", f"{flow_id!r} is already running")
                else:
                    clean.append(command)
            case ChitChat():
                _clean_chitchat(command, clean, index, result)
            case KnowledgeAnswer():
                clean.insert(0, command)
            case Clarify() if len(commands) > 1:
                if all(isinstance(c, Clarify) for c in commands) and not clean:
                    clean.append(command)
                else:
                    result.ignore(
                        command,
                        "CT407",
                        "clarification is only asked when nothing else was understood",
                    )
            case _:
                clean.append(command)


def _clean_chitchat(
    command: ChitChat, clean: list[Command], index: ProjectIndex, result: Cleaned
) -> None:
    pattern = index.flow(CHITCHAT)
    uses_trigger = pattern is not None and any(
        getattr(s, "action", None) == "action_trigger_chitchat" for s in pattern.steps
    )
    if uses_trigger and not index.project.config.has_component("IntentlessPolicy"):
        new = CannotHandle(reason=CANNOT_HANDLE_CHITCHAT)
        result.rewrite(command, new, "CT421", "pattern_chitchat needs the IntentlessPolicy")
        clean.insert(0, new)
    else:
        clean.insert(0, command)


def _clean_set_slot(
    command: SetSlot, clean: list[Command], tracker: Tracker, index: ProjectIndex, result: Cleaned
) -> None:
    slot = index.slots.get(command.name)
    if slot is None:
        new = CannotHandle()
        result.rewrite(command, new, "CT404", f"there is no slot {command.name!r}")
        clean.append(new)
        return
    if not _extractor_allowed(command, clean, slot.mapping_types):
        result.ignore(
            command, "CT405", f"slot {command.name!r} cannot be set by {command.extractor}"
        )
        earlier = any(isinstance(c, SetSlot) and c.name == command.name for c in clean)
        if not earlier and not any(isinstance(c, CannotHandle) for c in clean):
            clean.append(CannotHandle())
        return
    if tracker.filled_by.get(command.name) == "NLU" and command.extractor == "LLM":
        allow = any(
            m.type == "from_llm" and m.options.get("allow_nlu_correction") is True
            for m in slot.mappings
        )
        if not allow:
            result.ignore(command, "CT414", f"{command.name!r} was filled by NLU")
            return
    if slot.builtin and slot.name == LANGUAGE_SLOT:
        clean.append(command)  # switching languages is never a correction of a flow's slot
        return
    current = tracker.slots.get(command.name)
    if command.name in tracker.slots_set and current is not None:
        step = current_collect_step(tracker, index)
        if step is not None and step.collect == command.name:
            clean.append(command)
            return
        if _should_correct(command, current, tracker, slot.coerce):
            result.events.append(
                CommandRewritten(
                    command=to_dsl(command),
                    rewritten_to="correct slots",
                    reason="CT415",
                    detail=f"{command.name!r} already had the value {current!r}",
                )
            )
            _merge_correction(command, clean)
        else:
            result.ignore(command, "CT410", f"{command.name!r} already is {current!r}")
        return
    clean.append(command)


def _extractor_allowed(
    command: SetSlot, clean: list[Command], mapping_types: frozenset[str]
) -> bool:
    """`should_slot_be_set` of the reference: which extractor may fill which mapping."""
    if command.extractor == "CommandPayloadReader":
        return True
    has_nlu = bool(mapping_types & NLU_MAPPINGS)
    has_llm = "from_llm" in mapping_types
    earlier = [c for c in clean if isinstance(c, SetSlot) and c.name == command.name]
    if earlier and command.extractor == "LLM":
        return not any(c.extractor == "NLU" for c in earlier) and has_llm
    if has_nlu and command.extractor == "LLM" and not has_llm:
        return False
    if has_llm and command.extractor == "NLU" and not has_nlu:
        return False
    return not ("controlled" in mapping_types and not (has_nlu or has_llm))


def _should_correct(
    command: SetSlot, current: object, tracker: Tracker, coerce: Callable[[Any], tuple[Any, bool]]
) -> bool:
    """A different value (compared after coercion to the slot's type, so "50" does not
    "correct" 50.0) that a running correction is not already applying."""
    new_value = coerce(none_like(command.value))[0]
    if _same_value(current, new_value):
        return False
    top = top_flow_frame(tracker.stack)
    if top is not None and top.flow_id == CORRECTION:
        already = as_dict(top.context().get("new_slot_values"))
        if command.name in already and _same_value(already[command.name], new_value):
            return False
    return True


def _same_value(a: object, b: object) -> bool:
    return (type(a) is type(b) and a == b) or str(a) == str(b)


def _merge_correction(command: SetSlot, clean: list[Command]) -> None:
    corrected = CorrectedSlot(name=command.name, value=command.value, extractor=command.extractor)
    for i, existing in enumerate(clean):
        if isinstance(existing, CorrectSlots):
            clean[i] = CorrectSlots(slots=(*existing.slots, corrected))
            return
    clean.append(CorrectSlots(slots=(corrected,)))


def _clarify_multiple_starts(result: Cleaned) -> None:
    """`CLARIFY_ON_MULTIPLE_START_FLOWS=true`: with an empty stack, several flows to start become
    one Clarify between them (in the position of the first). Other commands, e.g. slots the user
    gave, are kept: they apply whichever flow the user then picks."""
    starts = [c for c in result.commands if isinstance(c, StartFlow)]
    flows = list(dict.fromkeys(c.flow for c in starts))
    if len(flows) < 2:
        return
    clarify = Clarify(options=tuple(flows))
    detail = "CLARIFY_ON_MULTIPLE_START_FLOWS is set and several flows were to start"
    kept: list[Command] = []
    for command in result.commands:
        if command is starts[0]:
            result.rewrite(command, clarify, "CT425", detail)
            kept.append(clarify)
        elif isinstance(command, StartFlow):
            result.rewrite(command, clarify, "CT425", detail)
        else:
            kept.append(command)
    result.commands = kept


# -- 3. limits ----------------------------------------------------------------------------------


def _final_pass(result: Cleaned) -> None:
    commands = result.commands
    if len(commands) > 1 and not all(isinstance(c, CannotHandle) for c in commands):
        # Whether the others survive is known only once they are applied (a slot the active
        # flow does not collect, a flow already running): the turn machine decides CT408 then.
        result.deferred = [c for c in commands if isinstance(c, CannotHandle)]
        commands = [c for c in commands if not isinstance(c, CannotHandle)]
    limited: list[Command] = []
    seen: set[type[Command]] = set()
    for command in commands:
        if isinstance(command, RepeatBotMessages | ChitChat):
            if type(command) in seen:
                result.ignore(command, "CT424", "only one per turn")
                continue
            seen.add(type(command))
        limited.append(command)
    result.commands = limited


def order_commands(commands: list[Command], tracker: Tracker) -> list[Command]:
    """With no active user flow the StartFlow goes first (if several, the last listed one);
    then the whole list is reversed, so the earliest-listed flow ends on top of the stack."""
    ordered = commands
    if top_user_frame(tracker.stack) is None:
        starts = [c for c in commands if isinstance(c, StartFlow)]
        if starts:
            last = starts[-1]
            ordered = [c for c in commands if c is not last] + [last]
    return list(reversed(ordered))
