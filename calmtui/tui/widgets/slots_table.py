"""Slots: every slot with its value after a turn; the ones the turn changed are marked `●` and
show `old → new`. Built-in slots appear only when they differ from their default.

A long slot name is cut with `…` so its value stays in view; the highlighted slot is shown in
full below the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.content import Content

from calmtui.app.plain import format_value
from calmtui.core.model.project import Project
from calmtui.tui.widgets.item_list import Item, ItemList

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


def slot_item(row: SlotRow, name_width: int) -> Item:
    """`● name…  old → new`: the name cut to `name_width` with `…`, so the value stays in view
    (the line's end is cut at the panel's edge); the detail has both in full."""
    name = Content(row.name)
    if name.cell_length > name_width:
        name = name.truncate(name_width, ellipsis=True)
    name = name.pad_right(name_width - name.cell_length)
    if row.changed:
        mark = Content.styled("●", "bold $warning")
        value = Content.assemble(
            (format_value(row.old), "dim"), " → ", (format_value(row.value), "bold")
        )
        name = name.stylize("bold")
    else:
        mark = Content(" ")
        dim = row.builtin or row.value is None
        value = Content.styled(format_value(row.value), "dim" if dim else "")
        name = name.stylize("dim") if row.builtin else name
    detail = Content.assemble(
        (row.name, "bold"), (" (built-in)" if row.builtin else "", "dim"), " = ", value
    )
    return Item(prompt=Content.assemble(mark, " ", name, "  ", value), detail=detail)


def name_width(rows: list[SlotRow], width: int) -> int:
    """The names' column: what the values leave of the line (they need at most half of it),
    never wider than the longest name."""
    longest = max((len(r.name) for r in rows), default=0)
    values = max((len(_value_text(r)) for r in rows), default=0)
    value_column = min(values, max(8, width // 2))
    return max(1, min(longest, max(6, width - 4 - value_column)))


def _value_text(row: SlotRow) -> str:
    value = format_value(row.value)
    return f"{format_value(row.old)} → {value}" if row.changed else value


class SlotsTable(ItemList):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id or "slots", title="Slots")
        self.rows: list[SlotRow] = []
        self._shown = False

    def on_mount(self) -> None:
        self.set_items([], empty="No turn yet.")

    def show(self, result: TurnResult, project: Project | None) -> None:
        """The slots after `result`; the first slot the turn changed is highlighted, so the
        detail line shows its change in full."""
        self.rows = slot_rows(result, project)
        self._shown = True
        changes = sum(1 for r in self.rows if r.changed)
        self.border_title = f"Slots (changed: {changes})" if changes else "Slots"
        first = next((i for i, r in enumerate(self.rows) if r.changed), None)
        self._render_rows(highlight=first)

    def on_resize(self) -> None:
        if self._shown:
            self._render_rows()

    def _render_rows(self, highlight: int | None = None) -> None:
        width = self.options.scrollable_content_region.width or max(10, self.size.width - 4)
        column = name_width(self.rows, width)
        items = [slot_item(r, column) for r in self.rows]
        self.set_items(items, empty="the domain has no slots", highlight=highlight)

    def copy_text(self) -> str | None:
        """The highlighted slot as `name = value` (its value in full)."""
        index = self.options.highlighted
        if index is None or index >= len(self.rows):
            return None
        row = self.rows[index]
        return f"{row.name} = {format_value(row.value)}"
