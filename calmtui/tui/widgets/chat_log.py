"""The conversation as chat bubbles, one `TurnEntry` per turn.

A bot message's buttons are shown as choices (mouse, Tab/Enter, or alt+1..9 for the latest
ones); choosing one posts `ChatLog.ChoiceMade` with the button's payload. Clicking a turn, or
moving with up/down while the log has focus, posts `ChatLog.TurnSelected`, which the inspector
uses to show that turn in every panel.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.widgets import Button, Static

from calmtui.app.safe_text import printable
from calmtui.core.dsl import to_dsl

if TYPE_CHECKING:
    from calmtui.session import TurnResult


class ChoiceButton(Button):
    """A bot button: sends `payload` as the user's message."""

    def __init__(self, title: str, payload: str, number: int) -> None:
        # A Text label: a title is shown as written, never read as markup or escape codes.
        super().__init__(
            Text(printable(f"{number} {title}", one_line=True)), compact=True, classes="choice"
        )
        self.title_text = title
        self.payload = payload
        self.number = number


class Choices(Horizontal):
    """A message's buttons. With one focused: ←/→ move, 1-9 pick by number, Enter picks,
    Esc goes back to the input."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Previous choice", show=False),
        Binding("right", "move(1)", "Next choice", show=False),
        Binding("escape", "leave", "Back to the input", show=False),
        *[Binding(str(n), f"pick({n})", f"Choice {n}", show=False) for n in range(1, 10)],
    ]

    @property
    def buttons(self) -> list[ChoiceButton]:
        return list(self.query(ChoiceButton))

    def action_move(self, delta: int) -> None:
        buttons = self.buttons
        focused = self.screen.focused
        if isinstance(focused, ChoiceButton) and focused in buttons:
            buttons[(buttons.index(focused) + delta) % len(buttons)].focus()

    def action_pick(self, number: int) -> None:
        for button in self.buttons:
            if button.number == number:
                button.press()

    def action_leave(self) -> None:
        self.screen.focus_next("#chat-input")


class MessageLine(Horizontal):
    """`you  text` / `bot  text`, the text wrapping under itself."""

    def __init__(self, who: str, text: str, *, classes: str = "") -> None:
        super().__init__(classes=f"message {who} {classes}".strip())
        self.who = who
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(self.who, classes="who")
        yield Static(Text(printable(self.text)), classes="text")


class TurnEntry(Vertical):
    """One turn: the user's message, what was understood (with --debug), the bot's answers."""

    def __init__(
        self, result: TurnResult, *, debug: bool = False, user_label: str | None = None
    ) -> None:
        super().__init__(classes="turn")
        self.result = result
        self.debug = debug
        self.user_label = user_label  # e.g. a chosen button's title instead of its payload

    @property
    def turn(self) -> int:
        return self.result.turn

    @property
    def choices(self) -> list[ChoiceButton]:
        return list(self.query(ChoiceButton))

    def compose(self) -> ComposeResult:
        result = self.result
        if result.user_text is not None:
            yield MessageLine("you", self.user_label or result.user_text)
        if self.debug and result.understanding is not None:
            commands = " | ".join(to_dsl(c) for c in result.accepted_commands) or "no command"
            yield Static(Text(printable(f"→ {commands}")), classes="note debug")
            for ignored in result.ignored:
                yield Static(
                    Text(printable(f"✗ {ignored.command} ({ignored.reason})")), classes="note debug"
                )
        if result.understanding is not None and result.understanding.error:
            yield Static(
                Text(printable(f"! understanding failed: {result.understanding.error}")),
                classes="note error",
            )
        for call in result.action_calls:
            if call.error:
                yield Static(
                    Text(printable(f"! {call.name} failed: {call.error}")), classes="note error"
                )
        if result.routing_note is not None:  # coexistence: Rasa would not have answered with CALM
            yield Static(Text(f"note: {result.routing_note}"), classes="note warning")
        number = 0
        for message in result.bot_messages:
            yield MessageLine("bot", message.text or "")
            buttons = message.buttons
            if buttons:
                with Choices(classes="choices"):
                    for button in buttons:
                        number += 1
                        yield ChoiceButton(
                            str(button.get("title", "")), str(button.get("payload", "")), number
                        )

    def on_click(self, event: Click) -> None:
        self.post_message(ChatLog.TurnSelected(self.turn))


class PendingEntry(Vertical):
    """A message sent but not answered yet."""

    def __init__(self, text: str) -> None:
        super().__init__(classes="turn pending")
        self.text = text

    def compose(self) -> ComposeResult:
        yield MessageLine("you", self.text)
        yield Static("…", classes="note waiting")


class Notice(Static):
    """Something that happened to the conversation (reload, rewind, restart)."""

    def __init__(self, text: str, *, kind: str = "info") -> None:
        super().__init__(Text(printable(text)), classes=f"notice {kind}")


class ChatLog(VerticalScroll):
    """The chat transcript. Holds widgets only; the conversation lives in the app."""

    can_focus = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "select_earlier", "Earlier turn", show=False),
        Binding("down", "select_later", "Later turn", show=False),
    ]

    class TurnSelected(Message):
        def __init__(self, turn: int) -> None:
            super().__init__()
            self.turn = turn

    class ChoiceMade(Message):
        def __init__(self, title: str, payload: str) -> None:
            super().__init__()
            self.title = title
            self.payload = payload

    def __init__(self, *, debug: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.debug = debug
        self.selected: int | None = None
        self._pending: deque[PendingEntry] = deque()

    # -- content ----------------------------------------------------------------------------------
    @property
    def entries(self) -> list[TurnEntry]:
        return list(self.query(TurnEntry))

    def entry(self, turn: int) -> TurnEntry | None:
        for entry in self.query(TurnEntry):
            if entry.turn == turn:
                return entry
        return None

    async def show_turns(self, results: list[TurnResult]) -> None:
        """Replace everything with these turns (open, resume, restart)."""
        await self.remove_children()
        self._pending.clear()
        self.selected = None
        await self.mount_all([TurnEntry(r, debug=self.debug) for r in results])
        self.scroll_end(animate=False)

    async def add_pending(self, text: str) -> None:
        entry = PendingEntry(text)
        self._pending.append(entry)
        await self.mount(entry)
        self.scroll_end(animate=False)

    async def add_turn(self, result: TurnResult) -> TurnEntry:
        """Show a finished turn, in place of its pending message if there is one."""
        if self._pending:
            pending = self._pending.popleft()
            entry = TurnEntry(result, debug=self.debug, user_label=pending.text)
            await self.mount(entry, before=pending)
            await pending.remove()
        else:
            entry = TurnEntry(result, debug=self.debug)
            await self.mount(entry)
        self.scroll_end(animate=False)
        return entry

    async def drop_pending(self, note: str) -> None:
        """The oldest pending message was not answered (failed or cancelled)."""
        if self._pending:
            pending = self._pending.popleft()
            await pending.remove()
            await self.mount(Notice(f"{note}: {pending.text!r}", kind="error"))

    async def remove_turn(self, turn: int) -> None:
        entry = self.entry(turn)
        if entry is not None:
            await entry.remove()
        if self.selected == turn:
            self.selected = None

    async def add_notice(self, text: str, *, kind: str = "info") -> None:
        await self.mount(Notice(text, kind=kind))
        self.scroll_end(animate=False)

    def latest_choices(self) -> list[ChoiceButton]:
        """The buttons of the last turn (the ones ctrl+o and alt+1..9 reach)."""
        entries = self.entries
        return entries[-1].choices if entries else []

    # -- selection --------------------------------------------------------------------------------
    def select(self, turn: int | None) -> None:
        self.selected = turn
        for entry in self.query(TurnEntry):
            entry.set_class(entry.turn == turn, "-selected")
        if turn is not None and (entry := self.entry(turn)) is not None:
            self.scroll_to_widget(entry, animate=False)

    def _step(self, delta: int) -> None:
        turns = [e.turn for e in self.entries]
        if not turns:
            return
        current = turns.index(self.selected) if self.selected in turns else len(turns) - 1
        target = turns[max(0, min(len(turns) - 1, current + delta))]
        self.post_message(self.TurnSelected(target))

    def action_select_earlier(self) -> None:
        self._step(-1)

    def action_select_later(self) -> None:
        self._step(1)

    @on(Button.Pressed, ".choice")
    def _choice_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button
        if isinstance(button, ChoiceButton):
            self.post_message(self.ChoiceMade(button.title_text, button.payload))
