"""The message input, with shell-style history on up/down.

Enter is handled in the key handler, not through a binding: Textual runs binding actions apart
from the widget's own key queue, so with fast typing (or tmux `send-keys`) "Anna⏎50⏎" could be
submitted as "Anna50". In the key handler, Enter is ordered with the characters before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class ChatInput(Input, inherit_bindings=False):
    """Posts `ChatInput.Sent` on Enter (blank lines are ignored) and remembers what was sent."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(b for b in Input.BINDINGS if not (isinstance(b, Binding) and b.key == "enter")),
        Binding("up", "history_previous", "Previous message", show=False),
        Binding("down", "history_next", "Next message", show=False),
    ]

    class Sent(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Type a message, Enter to send  (↑ history)", id=id)
        self.history: list[str] = []
        self._position: int | None = None  # index into history while browsing
        self._draft = ""

    def remember(self, texts: Iterable[str]) -> None:
        """Seed the history (a resumed conversation's messages)."""
        for text in texts:
            self._add(text)

    def _add(self, text: str) -> None:
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)

    async def _on_key(self, event: events.Key) -> None:
        if event.key != "enter":
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        text = self.value
        if not text.strip():
            return
        self._add(text)
        self._position = None
        self._draft = ""
        self.value = ""
        self.post_message(self.Sent(text))

    def action_history_previous(self) -> None:
        if not self.history:
            return
        if self._position is None:
            self._draft = self.value
            self._position = len(self.history) - 1
        else:
            self._position = max(0, self._position - 1)
        self._show(self.history[self._position])

    def action_history_next(self) -> None:
        if self._position is None:
            return
        if self._position >= len(self.history) - 1:
            self._position = None
            self._show(self._draft)
        else:
            self._position += 1
            self._show(self.history[self._position])

    def _show(self, text: str) -> None:
        self.value = text
        self.cursor_position = len(text)
