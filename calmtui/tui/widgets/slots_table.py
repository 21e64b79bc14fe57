"""Slots: every slot with its value after a turn; the ones the turn changed are highlighted
and show `old → new`. Built-in slots appear only when they differ from their default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from calmtui.app.plain import format_value
from calmtui.core.model.project import Project

if TYPE_CHECKING:
    from calmtui.session import TurnResult


@dataclass(frozen=True, slots=True, kw_only=True)
class SlotRow:
    name: str
    value: Any
    old: Any = None
    changed: bool = False
    builtin: bool = False


def slot_rows(result: TurnResult, project: Project | None) -> list[SlotRow]:
    """User slots in domain order, then built-in ones that differ from their default."""
    slots: Mapping[str, Any] = result.state.slots
    changes = {c.name: c for c in result.slot_changes}
    names = list(project.domain.slots) if project is not None else []
    names += [n for n in slots if n not in names]
    rows: list[SlotRow] = []
    for name in names:
        slot = project.domain.slots.get(name) if project is not None else None
        builtin = slot is not None and slot.builtin
        change = changes.get(name)
        value = slots.get(name)
        if builtin and change is None and (slot is None or value == slot.initial_value):
            continue  # calmtui's own slots at their defaults are noise
        rows.append(
            SlotRow(
                name=name,
                value=value,
                old=change.old if change else None,
                changed=change is not None,
                builtin=builtin,
            )
        )
    return [r for r in rows if not r.builtin] + [r for r in rows if r.builtin]


def slots_renderable(rows: list[SlotRow]) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column("mark", width=1, no_wrap=True)
    table.add_column("slot", no_wrap=True, overflow="ellipsis")
    table.add_column("value", ratio=1, min_width=10, overflow="fold")
    for row in rows:
        if row.changed:
            value = Text.assemble(
                (format_value(row.old), "dim"), " → ", (format_value(row.value), "bold")
            )
            table.add_row(Text("●", style="bold yellow"), Text(row.name, style="bold"), value)
        else:
            style = "dim" if row.builtin else ""
            shown = Text(format_value(row.value), style="dim" if row.value is None else style)
            table.add_row(Text(" "), Text(row.name, style=style), shown)
    return table


class SlotsTable(VerticalScroll):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self.border_title = "Slots"
        self.rows: list[SlotRow] = []
        self._body = Static(Text("No turn yet.", style="dim"), id="slots-body")

    def compose(self) -> ComposeResult:
        yield self._body

    def show(self, result: TurnResult, project: Project | None) -> None:
        self.rows = slot_rows(result, project)
        self._body.update(
            slots_renderable(self.rows)
            if self.rows
            else Text("the domain has no slots", style="dim")
        )
        changes = sum(1 for r in self.rows if r.changed)
        self.border_title = f"Slots (changed: {changes})" if changes else "Slots"

    def copy_text(self) -> str | None:
        if not self.rows:
            return None
        changed = [r for r in self.rows if r.changed] or self.rows
        return "\n".join(f"{r.name} = {format_value(r.value)}" for r in changed)
