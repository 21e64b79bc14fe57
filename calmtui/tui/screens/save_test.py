"""The "save as test case" dialog: asks for a name, shows where the file goes, writes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from calmtui.app.export import ExportError


class SaveTestScreen(ModalScreen[Path | None]):
    """Dismissed with the written file, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#test-name"

    def __init__(
        self, suggested: str, where: Callable[[str], Path], save: Callable[[str], Path]
    ) -> None:
        super().__init__()
        self.suggested = suggested
        self.where = where
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Label("Save this conversation as an e2e test case", id="save-title")
            yield Input(value=self.suggested, placeholder="test case name", id="test-name")
            yield Static(id="save-where")
            yield Static(id="save-error")
            with Horizontal(id="save-buttons"):
                yield Button("Save", variant="primary", id="save-ok", compact=True)
                yield Button("Cancel", id="save-cancel", compact=True)

    def on_mount(self) -> None:
        self._show_where(self.suggested)

    @on(Input.Changed, "#test-name")
    def _name_changed(self, event: Input.Changed) -> None:
        self._show_where(event.value.strip())
        self.query_one("#save-error", Static).update("")

    def _show_where(self, name: str) -> None:
        where = self.where(name or "…")
        self.query_one("#save-where", Static).update(Text(f"→ {where}", style="dim"))

    @on(Input.Submitted, "#test-name")
    @on(Button.Pressed, "#save-ok")
    def _save(self) -> None:
        name = self.query_one("#test-name", Input).value.strip()
        try:
            path = self.save(name)
        except ExportError as exc:
            self.query_one("#save-error", Static).update(Text(str(exc), style="bold red"))
            return
        self.dismiss(path)

    @on(Button.Pressed, "#save-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
