"""The inspector screen (`calmtui inspect`): the chat plus live panels fed by `TurnResult`s.

The panels follow the latest turn; selecting an earlier turn in the chat (click, or up/down in
the chat, or ctrl+up/ctrl+down anywhere) shows that turn in every panel until the next turn
completes. The chat keeps at least half the width; below 100x30 the panels become tabs in a
narrower column so each stays readable at 80x24 and the chat fits a 40-character sentence on a
line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import Footer

from calmtui.tui.messages import ReloadFailed
from calmtui.tui.screens.chat import (
    CONVERSATION_BINDINGS,
    HIDDEN_BINDINGS,
    SCREENSHOT_BINDING,
    ChatScreen,
    transcript,
)
from calmtui.tui.widgets.chat_log import ChatLog
from calmtui.tui.widgets.panel_deck import PANELS, PanelDeck
from calmtui.tui.widgets.status_bar import StatusBar

COMPACT_BELOW = (100, 30)  # (columns, rows)


class InspectorScreen(ChatScreen, inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = [
        *Screen.BINDINGS,
        *CONVERSATION_BINDINGS,
        Binding("f2", "toggle_panels", "Panels", tooltip="Show or hide the inspector panels"),
        SCREENSHOT_BINDING,
        *HIDDEN_BINDINGS,
        Binding("ctrl+up", "select_earlier", "Earlier turn", show=False),
        Binding("ctrl+down", "select_later", "Later turn", show=False),
        Binding("ctrl+end", "select_latest", "Latest turn", show=False),
    ]

    def compose(self) -> ComposeResult:
        compact = self.is_compact(self.calm_app.size)
        self.set_class(compact, "-compact")
        self._deck = PanelDeck(id="panels", show_path=self.config.show_path, compact=compact)
        with Horizontal(id="main"):
            yield from self.compose_chat()
            # Mounted after the first paint: the chat is on screen and typing works at once,
            # the panels follow a moment later (they render whatever they were given meanwhile).
            yield Lazy(self._deck)
        yield StatusBar(id="status")
        yield Footer(compact=True)

    @staticmethod
    def is_compact(size: Size) -> bool:
        return size.width < COMPACT_BELOW[0] or size.height < COMPACT_BELOW[1]

    async def on_resize(self, event: events.Resize) -> None:
        compact = self.is_compact(event.size)
        self.set_class(compact, "-compact")
        self.chat_log.set_class(compact, "-narrow")
        await self.deck.set_layout(compact=compact)

    # -- selection --------------------------------------------------------------------------------
    @property
    def selected_turn(self) -> int | None:
        return self.deck.turn

    def select_turn(self, turn: int | None) -> None:
        self.chat_log.select(turn)
        self.deck.show(self.conversation.results, turn, self.conversation.project)

    def refresh_views(self) -> None:
        super().refresh_views()
        diagnostics, sources, headline = self.problems
        self.deck.show_problems(diagnostics, sources, headline=headline)
        results = self.conversation.results
        self.select_turn(results[-1].turn if results else None)

    @on(ChatLog.TurnSelected)
    def _turn_selected(self, event: ChatLog.TurnSelected) -> None:
        self.select_turn(event.turn)

    def _step(self, delta: int) -> None:
        turns = [r.turn for r in self.conversation.results]
        if not turns:
            return
        current = turns.index(self.selected_turn) if self.selected_turn in turns else len(turns) - 1
        self.select_turn(turns[max(0, min(len(turns) - 1, current + delta))])

    def action_select_earlier(self) -> None:
        self._step(-1)

    def action_select_later(self) -> None:
        self._step(1)

    def action_select_latest(self) -> None:
        results = self.conversation.results
        if results:
            self.select_turn(results[-1].turn)

    # -- panels -----------------------------------------------------------------------------------
    async def action_toggle_panels(self) -> None:
        self.deck.display = not self.deck.display
        self.set_class(not self.deck.display, "-panels-hidden")

    async def toggle_panel(self, name: str) -> None:
        hidden = set(self.deck.hidden)
        hidden.symmetric_difference_update({name})
        self.deck.display = True
        await self.deck.set_layout(hidden=hidden)
        if name not in hidden:
            self.deck.reveal(name)

    def on_reload_failed(self, message: ReloadFailed) -> None:
        # Textual also calls ChatScreen.on_reload_failed (handlers run along the MRO).
        self.deck.reveal("problems")

    def copy_text(self) -> str | None:
        """The focused panel's selected item, else the selected turn's transcript."""
        node = self.focused
        while node is not None and node is not self:
            copy = getattr(node, "copy_text", None)
            if callable(copy) and (text := copy()):
                return str(text)
            node = node.parent
        result = self.deck.selected_result()
        return transcript(result) if result is not None else super().copy_text()

    def palette_commands(self) -> Iterator[SystemCommand]:
        yield from super().palette_commands()
        yield SystemCommand(
            "Toggle panels", "Show or hide all inspector panels (F2)", self.action_toggle_panels
        )
        for name, title in PANELS.items():

            async def toggle(name: str = name) -> None:
                await self.toggle_panel(name)

            yield SystemCommand(f"Toggle panel: {title}", f"Show or hide the {title} panel", toggle)

    @property
    def deck(self) -> PanelDeck:
        return self._deck
