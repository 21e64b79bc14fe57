"""Commands: how one turn was understood — mode and model, the flows offered to the LLM with
their scores, the prompt and the raw reply (collapsed), the accepted commands, the ignored or
rewritten ones with their reasons, and tokens, cost and latency per stage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Collapsible, Static

from calmtui.app.safe_text import printable
from calmtui.core.codes import CODES
from calmtui.core.dsl import to_dsl
from calmtui.core.events import CommandRewritten
from calmtui.generation.describe import trace_lines
from calmtui.tui.widgets.status_bar import turn_metrics

if TYPE_CHECKING:
    from calmtui.session import TurnResult

STAGES = ("understanding", "engine", "actions", "generation", "total")


def summary_text(result: TurnResult) -> Text:
    trace = result.understanding
    text = Text()
    if trace is None:
        text.append("session start", style="bold")
        text.append(" · no user message, nothing to understand")
        return text
    text.append("understanding: ", style="bold")
    text.append(" ".join(p for p in (trace.mode, trace.model) if p))
    text.append(f" · {trace.latency_ms:,.0f} ms" if trace.latency_ms else "")
    metrics = turn_metrics(result).split(" · ", 1)
    if len(metrics) > 1:
        text.append(f" · {metrics[1]}")
    if trace.retrieved_flows:
        text.append("\nflows offered: ", style="bold")
        text.append(
            "  ".join(
                f"{flow} {score:.2f}".replace(" 0.", " .") for flow, score in trace.retrieved_flows
            )
        )
    return text


def commands_text(result: TurnResult) -> Text:
    """Accepted commands, then every dropped or rewritten one: those understanding dropped while
    reading the reply (unknown flow or slot, not startable) next to the engine's cleanup."""
    text = Text()
    for command in result.accepted_commands:
        text.append("✓ ", style="bold green")
        text.append(printable(to_dsl(command), one_line=True) + "\n")
    trace = result.understanding
    parsed = trace.dropped if trace is not None else ()
    for stage, events in (("understanding", parsed), ("", result.ignored)):
        for event in events:
            reason = CODES.get(event.reason, "")
            detail = f": {event.detail}" if event.detail else ""
            if isinstance(event, CommandRewritten):
                text.append("↻ ", style="bold yellow")
                text.append(printable(f"{event.command} → {event.rewritten_to}", one_line=True))
            else:
                text.append("✗ ", style="bold red")
                text.append(printable(event.command, one_line=True))
            where = f" · {stage}" if stage else ""
            text.append(
                printable(f"  {reason} ({event.reason}){detail}{where}") + "\n", style="dim"
            )
    if trace is not None:
        shown = {(e.reason, e.command) for e in parsed}
        for d in trace.diagnostics:
            if any(code == d.code and repr(command) in d.message for code, command in shown):
                continue  # listed above as a dropped command
            text.append("! ", style="bold red")
            text.append(printable(f"{d.message} ({d.code})") + "\n")
        if trace.error:
            text.append("! understanding failed: ", style="bold red")
            text.append(printable(trace.error) + "\n")
        for note in trace.notes:
            text.append(printable(f"· {note}") + "\n", style="dim")
    if not result.accepted_commands and not result.ignored and not parsed and trace is not None:
        text.append("no commands\n", style="dim")
    for call in result.action_calls:
        mark, style = ("✗ ", "bold red") if call.error else ("✓ ", "bold green")
        text.append(mark, style=style)
        text.append(printable(f"action {call.name} · {call.runner} · {call.latency_ms:,.0f} ms"))
        text.append(
            printable(f"  {call.error}") + "\n" if call.error else "\n",
            style="red" if call.error else "",
        )
        if call.output:
            text.append(
                printable(f"  printed: {call.output.rstrip()}", one_line=True) + "\n", style="dim"
            )
    text.rstrip()
    return text


def generated_text(result: TurnResult) -> Text:
    """The Knowledge section: each knowledge answer, chitchat reply and rephrased response of
    the turn — query, passages with scores and sources, the answer, the template text next to
    the rephrased one, notes and errors."""
    text = Text()
    for trace in result.generated:
        first, *rest = trace_lines(trace)
        failed = trace.outcome == "error" or bool(trace.error)
        text.append(
            ("! " if failed else "◆ ") + first + "\n", style="bold red" if failed else "bold"
        )
        for line in rest:
            text.append(line + "\n", style="dim" if line.lstrip().startswith("note:") else "")
    text.rstrip()
    return text


def generation_prompt(result: TurnResult) -> str | None:
    prompts = [g.prompt for g in result.generated if g.prompt]
    return "\n\n-----\n\n".join(prompts) if prompts else None


def timings_text(result: TurnResult) -> Text:
    parts = [
        f"{stage} {result.timings_ms[stage]:,.0f} ms"
        for stage in STAGES
        if stage in result.timings_ms and (stage != "generation" or result.generated)
    ]
    return Text(" · ".join(parts), style="dim")


def _lines(text: str) -> str:
    count = len(text.splitlines()) or 1
    return f"{count} line{'' if count == 1 else 's'}"


class CommandsPanel(VerticalScroll):
    """Children are made up front and updated in place, so a turn can be shown before the
    panel (mounted lazily, or recomposed) has finished mounting."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self.border_title = "Commands"
        self.result: TurnResult | None = None
        self.summary = Static(Text("No turn yet.", style="dim"), id="commands-summary")
        self.prompt_text = Static(id="commands-prompt-text")
        self.prompt = Collapsible(self.prompt_text, title="prompt", id="commands-prompt")
        self.raw_text = Static(id="commands-raw-text")
        self.raw = Collapsible(self.raw_text, title="raw reply", id="commands-raw")
        self.commands = Static(id="commands-list")
        self.generated = Static(id="commands-generated")
        self.generated_prompt_text = Static(id="commands-generated-prompt-text")
        self.generated_prompt = Collapsible(
            self.generated_prompt_text, title="answer prompt", id="commands-generated-prompt"
        )
        self.timings = Static(id="commands-timings")
        self.prompt.display = self.raw.display = False
        self.generated.display = self.generated_prompt.display = False

    def compose(self) -> ComposeResult:
        yield from (
            self.summary,
            self.prompt,
            self.raw,
            self.commands,
            self.generated,
            self.generated_prompt,
            self.timings,
        )

    def show(self, result: TurnResult) -> None:
        self.result = result
        self.border_title = f"Commands · turn {result.turn}"
        trace = result.understanding
        self.summary.update(summary_text(result))
        self.prompt.display = bool(trace and trace.prompt)
        if trace and trace.prompt:
            tokens = (
                f"{trace.prompt_tokens:,} tokens" if trace.prompt_tokens else _lines(trace.prompt)
            )
            self.prompt.title = f"prompt ({tokens})"
            self.prompt_text.update(Text(printable(trace.prompt)))
        self.raw.display = bool(trace and trace.raw_output)
        if trace and trace.raw_output:
            self.raw.title = f"raw reply ({_lines(trace.raw_output)})"
            self.raw_text.update(Text(printable(trace.raw_output)))
        self.commands.update(commands_text(result))
        self.generated.display = bool(result.generated)
        self.generated.update(generated_text(result))
        prompt = generation_prompt(result)
        self.generated_prompt.display = prompt is not None
        if prompt is not None:
            self.generated_prompt.title = f"generation prompt ({_lines(prompt)})"
            self.generated_prompt_text.update(Text(prompt))
        self.timings.update(timings_text(result))

    def copy_text(self) -> str | None:
        """The prompt or the raw reply when focus is in it, else the commands."""
        if self.result is None:
            return None
        trace = self.result.understanding
        focused = self.screen.focused
        if trace is not None and focused is not None:
            if trace.prompt and (focused is self.prompt or self.prompt in focused.ancestors):
                return trace.prompt
            if trace.raw_output and (focused is self.raw or self.raw in focused.ancestors):
                return trace.raw_output
        return commands_text(self.result).plain
