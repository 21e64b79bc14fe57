"""Events: the conversation's event log up to the selected turn (that turn's events in bold),
filterable by type or text, with the selected event's full record below."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Static

from calmtui.app.plain import format_value
from calmtui.app.safe_text import printable
from calmtui.core.events import (
    EVENT_TYPES,
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
    SlotSet,
    StackChanged,
    UserUttered,
    event_to_json,
)

if TYPE_CHECKING:
    from calmtui.session import TurnResult


def _flow_summary(event: Event) -> str | None:
    match event:
        case FlowStarted(flow_id=flow_id):
            return flow_id
        case FlowCompleted(flow_id=f, step_id=s) | FlowInterrupted(flow_id=f, step_id=s):
            return f"{f} at {s}"
        case FlowResumed(flow_id=f, step_id=s) | FlowCancelled(flow_id=f, step_id=s):
            return f"{f} at {s}"
        case StackChanged(frames=frames):
            return " > ".join(reversed(frames)) or "(empty)"
        case FrameDropped(flow_id=flow_id, step_id=step_id, reason=reason):
            return f"{flow_id} @ {step_id}: {reason}"
        case _:
            return None


def event_summary(event: Event) -> str:
    """One line per event, the fields a person looks for first."""
    flow = _flow_summary(event)
    if flow is not None:
        return flow
    match event:
        case UserUttered(text=text, commands=commands):
            return f"{text!r}" + (f" → {' | '.join(commands)}" if commands else "")
        case BotUttered(text=text):
            name = event.utter_action
            return f"{name}: {text or ''}" if name else (text or "")
        case SlotSet(name=name, value=value, metadata=metadata):
            return f"{name} = {format_value(value)}" + (" (reset)" if metadata.get("reset") else "")
        case ActionExecuted(name=name, flow_id=flow_id, step_id=step_id):
            return name + (f"  {flow_id} @ {step_id}" if flow_id else "")
        case CommandIgnored(command=command, reason=reason, detail=detail):
            return f"{command} — {reason}" + (f": {detail}" if detail else "")
        case CommandRewritten(command=command, rewritten_to=new, reason=reason):
            return f"{command} → {new} — {reason}"
        case ActionFailed(name=name, error=error):
            return f"{name}: {error}"
        case EngineNote(code=code, message=message):
            return f"{code}: {message}"
        case _:
            return ""


def matches(event: Event, needle: str) -> bool:
    """A filter naming an event type (or a type prefix: `flow_`) selects by type; any other
    text is looked for in the event's summary."""
    needle = needle.lower()
    if not needle:
        return True
    if any(kind.startswith(needle) for kind in EVENT_TYPES):
        return event.event.startswith(needle)
    return needle in event_summary(event).lower()


class EventsLog(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self.border_title = "Events"
        self.results: Sequence[TurnResult] = ()
        self.selected_turn: int | None = None
        self.rows: list[tuple[int, Event]] = []
        self.table: DataTable[Text] = DataTable(id="events-table", cursor_type="row")
        self.table.add_column("turn", key="turn")
        self.table.add_column("type", key="type")
        self.table.add_column("event", key="event")
        self.filter_input = Input(
            placeholder="filter: type or text (slot, flow_, bot …)",
            id="events-filter",
            compact=True,
        )
        self.detail = Static(id="events-detail")

    def compose(self) -> ComposeResult:
        yield self.filter_input
        yield self.table
        with VerticalScroll(id="events-detail-box"):
            yield self.detail

    @property
    def filter_text(self) -> str:
        return self.filter_input.value.strip()

    def show(self, results: Sequence[TurnResult], turn: int) -> None:
        self.results = results
        self.selected_turn = turn
        self._fill()

    def _fill(self) -> None:
        table = self.table
        table.clear()
        needle = self.filter_text
        self.rows = [
            (r.turn, e)
            for r in self.results
            if self.selected_turn is None or r.turn <= self.selected_turn
            for e in r.events
            if matches(e, needle)
        ]
        first_of_turn: int | None = None
        for index, (turn, event) in enumerate(self.rows):
            current = turn == self.selected_turn
            style = "bold" if current else "dim"
            if current and first_of_turn is None:
                first_of_turn = index
            table.add_row(
                Text(str(turn), style=style),
                Text(event.event, style=style),
                Text(
                    printable(event_summary(event), one_line=True),
                    style="" if current else "dim",
                    no_wrap=True,
                    overflow="ellipsis",
                ),
            )
        count = sum(1 for turn, _ in self.rows if turn == self.selected_turn)
        self.border_title = (
            f"Events · turn {self.selected_turn} ({count})"
            if self.selected_turn is not None
            else "Events"
        )
        if first_of_turn is not None:
            table.move_cursor(row=first_of_turn, animate=False)
            self._detail(first_of_turn)
        else:
            self.detail.update(Text("no matching events" if needle else "", style="dim"))

    def _detail(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            turn, event = self.rows[row]
            document = json.dumps(event_to_json(event), indent=2, ensure_ascii=False, default=str)
            self.detail.update(Text(printable(f"turn {turn}\n{document}")))

    @on(Input.Changed, "#events-filter")
    def _filter_changed(self) -> None:
        self._fill()

    @on(DataTable.RowHighlighted, "#events-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(event.cursor_row)

    def copy_text(self) -> str | None:
        row = self.table.cursor_row
        if 0 <= row < len(self.rows):
            return json.dumps(
                event_to_json(self.rows[row][1]), indent=2, ensure_ascii=False, default=str
            )
        return None
