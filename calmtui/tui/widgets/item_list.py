"""A panel of rows where every line is cut at the panel's edge with `…` at its end, and the
highlighted row is shown in full below: long flow and slot names never break mid-word or push
values out of sight, and nothing is hidden for good (Stack and Slots use it).

Move the highlight with the mouse or the arrow keys; the detail line follows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


@dataclass(frozen=True, slots=True)
class Item:
    """One row: its lines (each cut to the panel's width), and its full text for the detail."""

    prompt: Content
    detail: Content


class ItemList(Vertical):
    def __init__(self, *, id: str, title: str) -> None:
        super().__init__(id=id, classes="panel item-list")
        self.border_title = title
        self.options = OptionList(id=f"{id}-rows", classes="item-rows")
        self.detail = Static("", id=f"{id}-detail", classes="item-detail")
        self.items: list[Item] = []

    def compose(self) -> ComposeResult:
        yield self.options
        yield self.detail

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focusing the panel focuses its rows (the arrow keys move the highlight)."""
        self.options.focus(scroll_visible)
        return self

    def set_items(
        self,
        items: Sequence[Item],
        *,
        empty: str = "",
        footer: Content | None = None,
        highlight: int | None = None,
    ) -> None:
        """Replace the rows, highlighting row `highlight`, else the row highlighted before (or
        the first). `footer` is a last line that cannot be highlighted (e.g. what the turn
        pushed and popped)."""
        highlighted = highlight if highlight is not None else self.options.highlighted
        self.items = list(items)
        options: list[Option] = [Option(item.prompt) for item in self.items]
        if not self.items and empty:
            options.append(Option(Content.styled(empty, "dim"), disabled=True))
        if footer is not None:
            options.append(Option(footer, disabled=True))
        self.options.set_options(options)
        if self.items:
            self.options.highlighted = min(highlighted or 0, len(self.items) - 1)
        self._show_detail()

    @property
    def highlighted_item(self) -> Item | None:
        index = self.options.highlighted
        return self.items[index] if index is not None and index < len(self.items) else None

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # Enter on a row: nothing more to open than the detail already shows

    def _show_detail(self) -> None:
        item = self.highlighted_item
        self.detail.update(item.detail if item is not None else "")
        self.detail.display = item is not None
