"""The line-based shell for pipes, scripts and CI: user lines in, bot lines out.

    $ printf 'send 50 to Anna\\nyes\\n' | calmtui shell --plain --debug
    you> send 50 to Anna
      commands: start flow transfer_money | set slot recipient Anna | set slot amount 50
    bot> Send 50 to Anna?

`--json` prints one JSON object per turn instead (the TurnResult document plus the conversation
id and the bot messages), alone on stdout. Problems that are not the output — a failed custom
action, an understanding error, a store that cannot be written — go to stderr, so nothing is
dropped silently. No Textual import here: this path must start fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from calmtui.app.conversation import Conversation
from calmtui.app.languages import (
    LanguageError,
    languages_line,
    parse_language_command,
    requested_language,
    switch_payload,
)
from calmtui.app.safe_text import printable, strict_json
from calmtui.core.codes import CODES
from calmtui.core.dsl import to_dsl
from calmtui.core.events import CommandIgnored, CommandRewritten
from calmtui.generation.describe import problem_line, trace_lines

if TYPE_CHECKING:
    from calmtui.session import TurnResult

INDENT = "  "


@dataclass(frozen=True, slots=True, kw_only=True)
class PlainOptions:
    debug: bool = False
    json: bool = False
    echo: bool = True  # repeat each user line as "you> ..." (off when a person types them)


def format_value(value: Any) -> str:
    """A slot value inside a line: control characters and line breaks shown, never obeyed."""
    match value:
        case None:
            return "–"  # noqa: RUF001 - an en dash reads as "no value", a hyphen as a minus
        case bool():
            return "true" if value else "false"
        case str():
            return printable(value, one_line=True)
        case _:
            return printable(strict_json(value), one_line=True)


def frame_line(result: TurnResult) -> str:
    """The stack after the turn, top first: `pattern_collect_information@ask > transfer_money@...`."""
    frames = [f"{f.flow_id}@{f.step_id}" for f in reversed(result.stack_after)]
    return " > ".join(frames) if frames else "(empty)"


def ignored_line(event: CommandIgnored | CommandRewritten) -> str:
    why = CODES.get(event.reason, "")
    detail = f": {event.detail}" if event.detail else ""
    match event:
        case CommandRewritten(command=command, rewritten_to=new):
            return f"{command} → {new} ({why}, {event.reason}{detail})"
        case CommandIgnored(command=command):
            return f"{command} ({why}, {event.reason}{detail})"


def debug_lines(result: TurnResult) -> list[str]:
    """What the inspector shows, as indented text lines."""
    trace = result.understanding
    lines: list[str] = []
    if trace is not None:
        commands = " | ".join(to_dsl(c) for c in result.accepted_commands) or "(none)"
        lines.append(f"commands: {commands}   [{trace.mode}]")
        if trace.error:
            lines.append(f"understanding error: {trace.error}")
    lines += [f"ignored: {ignored_line(e)}" for e in result.ignored]
    lines += [
        f"slot: {c.name} {format_value(c.old)} → {format_value(c.new)}" for c in result.slot_changes
    ]
    for call in result.action_calls:
        status = f"failed: {call.error}" if call.error else "ok"
        lines.append(f"action: {call.name} ({call.runner}, {call.latency_ms:.0f} ms) {status}")
        if call.output:
            lines.append(f"  printed: {printable(call.output.rstrip(), one_line=True)}")
    for generated in result.generated:
        lines += trace_lines(generated)
    if result.routing_note is not None:
        lines.append(f"coexistence: {result.routing_note}")
    lines.append(f"stack: {frame_line(result)}")
    return [INDENT + line for line in lines]


def bot_lines(result: TurnResult) -> list[str]:
    lines: list[str] = []
    for message in result.bot_messages:
        text = message.text or ""
        lines.append(f"bot> {text}")
        for number, button in enumerate(message.buttons, 1):
            title = printable(str(button.get("title", "")), one_line=True)
            payload = printable(str(button.get("payload", "")), one_line=True)
            lines.append(f"     {number}) {title} → {payload}")
    return lines


def problem_lines(result: TurnResult) -> list[str]:
    """Failures a user must hear about even without --debug (printed on stderr)."""
    lines = [f"! action {c.name} failed: {c.error}" for c in result.action_calls if c.error]
    if result.understanding is not None and result.understanding.error:
        lines.append(f"! understanding failed: {result.understanding.error}")
    lines += [line for g in result.generated if (line := problem_line(g)) is not None]
    if result.routing_note is not None:
        lines.append(f"note: {result.routing_note}")
    return lines


def _not_understood(result: TurnResult) -> bool:
    return result.understanding is not None and bool(result.understanding.error)


def json_document(result: TurnResult, conversation_id: str) -> str:
    """One turn as one line of strict JSON (no `Infinity`/`NaN`; control characters escaped, so
    the values are intact for a parser and inert on a terminal)."""
    document = {
        "conversation_id": conversation_id,
        **result.to_json(),
        "bot_messages": [
            {
                "text": m.text,
                "buttons": m.buttons,
                "utter_action": m.utter_action,
                **(
                    {"template_text": m.metadata["rephrased_from"]}
                    if "rephrased_from" in m.metadata
                    else {}
                ),
            }
            for m in result.bot_messages
        ],
    }
    return strict_json(document)


class PlainShell:
    """Drives a conversation from lines of text until they run out."""

    def __init__(
        self, conversation: Conversation, out: TextIO, err: TextIO, options: PlainOptions
    ) -> None:
        self.conversation = conversation
        self.out = out
        self.err = err
        self.options = options
        # Messages understanding could not read (an LLM error, a replay miss): a script piping
        # into the shell learns it from the exit code (`calmtui shell` exits 1).
        self.unanswered = 0

    def show(self, result: TurnResult) -> None:
        if result.user_text is not None and _not_understood(result):
            self.unanswered += 1
        if self.options.json:
            self._write(self.out, [json_document(result, self.conversation.id)])
            self._write(self.err, problem_lines(result))
            return
        lines: list[str] = []
        if result.user_text is not None and self.options.echo:
            lines.append(f"you> {printable(result.user_text, one_line=True)}")
        if self.options.debug and (
            result.user_text is not None or result.action_calls or result.generated
        ):
            lines += debug_lines(result)
        else:
            self._write(self.err, problem_lines(result))
        self._write(self.out, lines + bot_lines(result))

    async def run(self, read_line: Callable[[], str | None]) -> None:
        results = await self.conversation.open()
        if self.conversation.resumed:
            turns = sum(1 for r in results if r.user_text is not None)
            self._write(self.err, [f"resumed conversation {self.conversation.id} ({turns} turns)"])
        else:
            for result in results:
                self.show(result)
        language = self.conversation.language_label
        if language and not self.options.json:
            self._write(self.err, [f"language: {language}"])
        while (line := read_line()) is not None:
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            asked = parse_language_command(text)
            if asked is not None:
                text = self._language_switch(asked)
                if text is None:
                    continue
            self.show(await self.conversation.send(text))
            if not self.options.json and self.conversation.language_label != language:
                language = self.conversation.language_label
                self._write(self.err, [f"language: {language}"])
        self.conversation.close()
        if self.conversation.store is not None:
            self._write(
                self.err,
                [
                    f"conversation saved as {self.conversation.id} (resume: --conversation-id {self.conversation.id})"
                ],
            )

    def _language_switch(self, asked: str) -> str | None:
        """`/language` shows the languages; `/language de` becomes the switch payload."""
        project = self.conversation.project
        if not asked:
            slots = self.conversation.session.state.slots
            self._write(self.err, [languages_line(project, slots)])
            return None
        try:
            return switch_payload(requested_language(project, asked))
        except LanguageError as exc:
            self._write(self.err, [f"! {exc}"])
            return None

    def _write(self, stream: TextIO, lines: list[str]) -> None:
        """Lines to a terminal or pipe; outside text in them is shown, never obeyed (JSON lines
        are already inert: `strict_json` escapes every control character)."""
        if lines:
            if not (self.options.json and stream is self.out):
                lines = [printable(line) for line in lines]
            stream.write("".join(line + "\n" for line in lines))
            stream.flush()
