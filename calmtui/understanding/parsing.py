"""From an LLM reply (or typed DSL) to commands that name only things the project has.

The reply is untrusted text. `parse_reply` reads it with the DSL parser, then applies the
post-parse fixes of FORMATS.md d.4 and drops, with a CT4xx diagnostic each, whatever names a
flow, slot or value the project does not have, or a command understanding may not issue (an
LLM answering `restart` must not wipe the conversation). Nothing is dropped silently: every
diagnostic quotes the command and says why, and the trace keeps them for the inspector. The
engine's cleanup (`core/engine/cleanup.py`) checks again, with the conversation state: guards,
slot mappings, corrections, force_slot_filling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from calmtui.core.commands import (
    CANNOT_HANDLE_DEFAULT,
    CannotHandle,
    Clarify,
    Command,
    CorrectSlots,
    SetSlot,
    StartFlow,
)
from calmtui.core.diagnostics import Diagnostic, did_you_mean
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dsl import DslVersion, parse_dsl, to_dsl
from calmtui.core.events import CommandIgnored, CommandRewritten
from calmtui.core.model.flows import Flow

# What a command generator may produce. Error, Restart, SessionStart/End, HandleCodeChange and
# Noop are the system's own commands: accepting them from model output would let a user steer
# the assistant ("reply with restart").
LLM_COMMAND_KINDS = frozenset(
    {
        "start_flow",
        "set_slot",
        "correct_slots",
        "cancel_flow",
        "clarify",
        "chitchat",
        "knowledge",
        "skip_question",
        "repeat",
        "human_handoff",
        "cannot_handle",
        "change_flow",
    }
)


# One reply is the answer to one message: a few commands. Past this many (a `correct slots`
# line of 2,000 pairs, a reply of 5,000 lines), the rest is one CT480 diagnostic, so a hostile
# reply cannot make a turn's record grow without bound.
MAX_REPLY_COMMANDS = 50
# What a diagnostic quotes of a command or of an unreadable line, and how many unreadable
# lines are reported one by one.
QUOTE_LENGTH = 160
MAX_UNPARSED_REPORTED = 20


@dataclass(slots=True)
class Checked:
    """Commands that survived, and a diagnostic for each one that did not (or was rewritten);
    `dropped` says the same as events, for the trace (UnderstandingTrace.dropped)."""

    commands: list[Command] = field(default_factory=list[Command])
    diagnostics: list[Diagnostic] = field(default_factory=list[Diagnostic])
    dropped: list[CommandIgnored | CommandRewritten] = field(
        default_factory=list[CommandIgnored | CommandRewritten]
    )

    def drop(self, command: Command, code: str, why: str, hint: str | None = None) -> None:
        quoted = quote(to_dsl(command))
        self.diagnostics.append(Diagnostic.warning(code, f"ignored {quoted!r}: {why}", hint=hint))
        self.dropped.append(CommandIgnored(command=quoted, reason=code, detail=why))

    def rewrite(self, command: Command, new: Command, code: str, why: str) -> None:
        old, replacement = quote(to_dsl(command)), quote(to_dsl(new))
        self.diagnostics.append(Diagnostic.info(code, f"{old!r} became {replacement!r}: {why}"))
        self.dropped.append(
            CommandRewritten(command=old, rewritten_to=replacement, reason=code, detail=why)
        )

    def too_many(self, extra: list[Command]) -> None:
        """One diagnostic and one event for every command past the reply's limit."""
        why = f"one reply may carry at most {MAX_REPLY_COMMANDS} commands"
        first = quote(to_dsl(extra[0]))
        self.diagnostics.append(
            Diagnostic.warning(
                "CT480",
                f"ignored {len(extra)} more command{'' if len(extra) == 1 else 's'} "
                f"(from {first!r}): {why}",
                hint="a reply this long is not an answer to one message; check the prompt",
            )
        )
        self.dropped.append(
            CommandIgnored(command=f"{first} (+{len(extra) - 1} more)", reason="CT480", detail=why)
        )


def quote(text: str) -> str:
    """`text` as a diagnostic or event quotes it: at most `QUOTE_LENGTH` characters."""
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "…"


def parse_reply(
    raw: str,
    index: ProjectIndex,
    *,
    version: DslVersion | None = None,
    asked_slot: str | None = None,
) -> Checked:
    """The commands of an LLM reply; CannotHandle when nothing usable is left (FORMATS.md d.4)."""
    commands, unparsed = parse_dsl(raw, version)
    checked = check_commands(commands, index, asked_slot=asked_slot)
    checked.diagnostics[:0] = _bounded_unparsed(unparsed)
    if not checked.commands:
        why = "no line of the reply is a command" if not commands else "every command was dropped"
        checked.diagnostics.append(
            Diagnostic.info("CT436", f"{why}: the assistant asks to rephrase")
        )
        checked.commands.append(CannotHandle(reason=CANNOT_HANDLE_DEFAULT))
    return checked


def _bounded_unparsed(unparsed: list[Diagnostic]) -> list[Diagnostic]:
    if len(unparsed) <= MAX_UNPARSED_REPORTED:
        return unparsed
    rest = len(unparsed) - MAX_UNPARSED_REPORTED
    return [
        *unparsed[:MAX_UNPARSED_REPORTED],
        Diagnostic.info(
            unparsed[0].code, f"{rest} more lines of the reply are not commands and were ignored"
        ),
    ]


def check_commands(
    commands: list[Command],
    index: ProjectIndex,
    *,
    asked_slot: str | None = None,
    allowed_kinds: frozenset[str] = LLM_COMMAND_KINDS,
) -> Checked:
    """Keep what names existing flows, slots and values; rewrite per FORMATS.md d.4."""
    checked = Checked()
    expanded = _expand_corrections(commands[: MAX_REPLY_COMMANDS + 1], checked)
    if len(expanded) > MAX_REPLY_COMMANDS or len(commands) > MAX_REPLY_COMMANDS + 1:
        extra = expanded[MAX_REPLY_COMMANDS:] + commands[MAX_REPLY_COMMANDS + 1 :]
        expanded = expanded[:MAX_REPLY_COMMANDS]
        checked.too_many(extra)
    for command in expanded:
        if command.kind not in allowed_kinds:
            checked.drop(command, "CT431", "understanding may not issue this command")
            continue
        kept = _check_one(command, index, asked_slot, checked)
        if kept is None:
            continue
        if kept in checked.commands:
            checked.drop(kept, "CT406", "it was given twice")
            continue
        checked.commands.append(kept)
    return checked


def _expand_corrections(commands: list[Command], checked: Checked) -> list[Command]:
    """`correct slots a=1` -> `set slot a 1`: the engine decides what is a correction."""
    result: list[Command] = []
    for command in commands:
        if isinstance(command, CorrectSlots):
            room = max(0, MAX_REPLY_COMMANDS - len(result))
            sets = [SetSlot(name=s.name, value=s.value) for s in command.slots]
            for new in sets[:room]:  # the rest is counted once, as too many
                checked.rewrite(command, new, "CT415", "corrections are set slot commands")
            result.extend(sets)
        else:
            result.append(command)
    return result


def _check_one(
    command: Command, index: ProjectIndex, asked_slot: str | None, checked: Checked
) -> Command | None:
    match command:
        case SetSlot(name="flow_name", value=value) if isinstance(value, str) and _offerable(
            index, value
        ):
            new = StartFlow(flow=value)
            checked.rewrite(command, new, "CT417", "the flow was named as a slot value")
            return new
        case SetSlot():
            return _check_set_slot(command, index, asked_slot, checked)
        case StartFlow(flow=flow_id):
            return command if _check_flow(command, flow_id, index, checked) else None
        case Clarify(options=options):
            return _check_clarify(command, options, index, checked)
        case _:
            return command


def _check_set_slot(
    command: SetSlot, index: ProjectIndex, asked_slot: str | None, checked: Checked
) -> Command | None:
    slot = index.slots.get(command.name)
    if slot is None:
        hint = did_you_mean(command.name, index.slots)
        checked.drop(command, "CT404", f"there is no slot {command.name!r}", hint)
        return None
    if slot.type == "categorical" and command.value is not None:
        value, valid = slot.coerce(command.value)
        if not valid and command.name != asked_slot:
            allowed = ", ".join(slot.values)
            checked.drop(command, "CT430", f"{command.value!r} is not one of {allowed}")
            return None
        if valid and value != command.value:
            return SetSlot(name=command.name, value=value, extractor=command.extractor)
    return command


def _check_flow(command: Command, flow_id: str, index: ProjectIndex, checked: Checked) -> bool:
    flow = index.flow(flow_id)
    if flow is None:
        hint = did_you_mean(flow_id, index.user_flow_ids)
        checked.drop(command, "CT403", f"there is no flow {flow_id!r}", hint)
        return False
    if flow.is_pattern:
        checked.drop(command, "CT422", f"{flow_id!r} is a pattern, started only by the assistant")
        return False
    if flow.is_link_only:
        checked.drop(command, "CT409", f"{flow_id!r} can only be reached by a link or call")
        return False
    return True


def _check_clarify(
    command: Clarify, options: tuple[str, ...], index: ProjectIndex, checked: Checked
) -> Command | None:
    kept = tuple(dict.fromkeys(o for o in options if _offerable(index, o)))
    result: Command = StartFlow(flow=kept[0]) if len(kept) == 1 else Clarify(options=kept)
    dropped = [o for o in options if not _offerable(index, o)]
    if dropped:
        why = "options that are not flows a user can start were dropped: " + ", ".join(dropped)
        checked.rewrite(command, result, "CT423", why)
    if len(kept) == 1:
        checked.rewrite(command, result, "CT416", "only one option is a startable flow")
    return result


def _offerable(index: ProjectIndex, flow_id: str) -> bool:
    flow: Flow | None = index.flow(flow_id)
    return flow is not None and not flow.is_pattern and not flow.is_link_only
