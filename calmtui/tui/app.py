"""`CalmApp`: owns the conversation's controller and shows it on the chat or the inspector screen.

Everything else lives in the screens (workers, actions), the widgets (views) and the application
layer (`calmtui.app`: the controller, the conversation, reload). Run it from the CLI
(`calmtui shell` / `calmtui inspect`), or in tests: `CalmApp(ShellConfig(...)).run_test()`.
When the conversation cannot start, the app ends and keeps the reason in `failure`; the CLI
reports it and picks the exit code.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen

from calmtui.app.controller import ConversationController
from calmtui.app.conversation import Conversation
from calmtui.app.safe_text import printable
from calmtui.tui.config import ShellConfig
from calmtui.tui.screens.chat import ChatScreen
from calmtui.tui.screens.inspector import InspectorScreen


class CalmApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "calmtui"

    def __init__(self, config: ShellConfig) -> None:
        super().__init__()
        self.config = config
        self.warnings: list[str] = []
        self.failure: Exception | None = None
        conversation = Conversation(
            config.project,
            config.assistant,
            store=config.store,
            conversation_id=config.conversation_id,
            on_warning=self._warn,
            language=config.language,
        )
        self.controller = ConversationController(
            conversation, paths=config.paths, policy=config.policy
        )
        self.sub_title = "inspect" if config.inspector else "shell"

    @property
    def conversation(self) -> Conversation:
        return self.controller.conversation

    def get_default_screen(self) -> Screen[None]:
        screen = InspectorScreen if self.config.inspector else ChatScreen
        return screen(self.config, self.controller)

    def exit_with(self, failure: Exception) -> None:
        """The conversation cannot start: end the app; the CLI reports `failure`."""
        self.failure = failure
        self.exit()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification: outside text in it (an action's error, a value, a file name) is
        shown, never obeyed as escape codes. Callers pass `markup=False` for such text."""
        super().notify(
            printable(message),
            title=printable(title, one_line=True),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def _warn(self, message: str) -> None:
        """Store and resume problems: shown as a notification, kept for the exit summary."""
        self.warnings.append(message)
        self.notify(message, severity="warning", markup=False, timeout=8)

    async def action_quit(self) -> None:
        """Quit, but not while the inspector's panels are still mounting (a TabbedContent
        removed half-mounted raises in Textual); that takes a fraction of a second at most."""
        screen = self.screen
        if isinstance(screen, InspectorScreen):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(screen.deck.ready.wait(), timeout=2)
        self.exit()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)  # pyright: ignore[reportUnknownMemberType]
        if isinstance(screen, ChatScreen):
            yield from screen.palette_commands()
