"""The chat screen (`calmtui shell`): the conversation, an input, a status line, and the
workers that run turns and hot reload without blocking the UI (STYLE.md 3.7).

The turn queue, the session lock and the reload policy are the controller's
(`calmtui.app.controller`); this screen runs its coroutines in workers — turns in the `llm` group,
so Esc can cancel one — and shows what they report. Messages typed while a turn runs are shown as
pending, with a spinner. Workers report with messages (`calmtui.tui.messages`); handlers update
widgets.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer

from calmtui.app import export
from calmtui.app.controller import ConversationController
from calmtui.app.conversation import Conversation
from calmtui.app.languages import next_language, switch_payload
from calmtui.app.reload import (
    DocumentsReindexed,
    ReloadApplied,
    ReloadRejected,
    reload_notes,
    reload_summary,
)
from calmtui.core.diagnostics import Diagnostic
from calmtui.core.languages import describe_language
from calmtui.tui.config import ShellConfig
from calmtui.tui.messages import (
    ConversationOpened,
    LLMFailed,
    ProjectReloaded,
    ReloadFailed,
    TurnCompleted,
    TurnFailed,
)
from calmtui.tui.screens.save_test import SaveTestScreen
from calmtui.tui.widgets.chat_input import ChatInput
from calmtui.tui.widgets.chat_log import ChatLog
from calmtui.tui.widgets.problems_panel import count_line
from calmtui.tui.widgets.status_bar import StatusBar
from calmtui.understanding.errors import UnderstandingConfigError

if TYPE_CHECKING:
    from calmtui.session import TurnResult
    from calmtui.tui.app import CalmApp


def transcript(result: TurnResult) -> str:
    lines = [f"you: {result.user_text}"] if result.user_text is not None else []
    lines += [f"bot: {m.text or ''}" for m in result.bot_messages]
    return "\n".join(lines)


# The footer shows these in this order; at 80 columns all of them fit (the inspector's "Panels"
# included). F6 (SVG screenshot) is not shown there: the command palette and docs/tui.md list it.
CONVERSATION_BINDINGS: list[BindingType] = [
    Binding(
        "ctrl+r", "restart", "Restart", tooltip="Start a new conversation (the old one stays saved)"
    ),
    Binding("ctrl+z", "rewind", "Rewind", tooltip="Undo the last turn"),
    Binding("ctrl+s", "save_test", "Save", tooltip="Save the conversation as an e2e test case"),
    Binding("f5", "reload", "Reload", tooltip="Reload the project now"),
    Binding("ctrl+o", "focus_choices", "Choices", tooltip="Pick one of the last message's buttons"),
    Binding("ctrl+y", "copy_item", "Copy", tooltip="Copy the selected item"),
]
SCREENSHOT_BINDING = Binding(
    "f6", "screenshot", "SVG", tooltip="Save an SVG screenshot of the screen", show=False
)
HIDDEN_BINDINGS: list[BindingType] = [
    Binding("escape", "cancel_turn", "Cancel turn", show=False),
    # Cycles through config.yml's languages (the palette names each one).
    Binding("f8", "switch_language", "Language", show=False),
    # Where the terminal sends Alt as an Esc prefix; ctrl+o works everywhere.
    *[Binding(f"alt+{n}", f"choose({n})", f"Choice {n}", show=False) for n in range(1, 10)],
]


class ChatScreen(Screen[None]):
    AUTO_FOCUS = "#chat-input"

    BINDINGS: ClassVar[list[BindingType]] = [
        *CONVERSATION_BINDINGS,
        SCREENSHOT_BINDING,
        *HIDDEN_BINDINGS,
    ]

    def __init__(self, config: ShellConfig, controller: ConversationController) -> None:
        super().__init__()
        self.config = config
        self.controller = controller
        self.stop_watching = threading.Event()
        self.ready = False
        self.last_llm_error: str | None = None  # the toast of a repeated error is not repeated
        self.problems = (
            config.diagnostics,
            dict(config.sources),
            self._load_headline(config.diagnostics),
        )

    # -- layout -----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield from self.compose_chat()
        yield StatusBar(id="status")
        yield Footer(compact=True)

    def compose_chat(self) -> ComposeResult:
        with Vertical(id="chat-pane"):
            yield ChatLog(debug=self.config.debug, id="chat-log")
            yield ChatInput(id="chat-input")

    def on_mount(self) -> None:
        self.status_bar.show(description="", conversation_id="", results=())
        self.open_worker()
        if self.config.watch:
            self.reload_worker()

    def on_unmount(self) -> None:
        self.stop_watching.set()
        self.conversation.close()  # another process may now open it

    @staticmethod
    def _load_headline(diagnostics: Sequence[Diagnostic]) -> str:
        return f"project loaded ({count_line(diagnostics)})" if diagnostics else ""

    # -- reading ----------------------------------------------------------------------------------
    @property
    def conversation(self) -> Conversation:
        return self.controller.conversation

    @property
    def queue(self) -> Sequence[object]:
        """The messages waiting for their turn (the one running included)."""
        return self.controller.queue

    # -- workers ----------------------------------------------------------------------------------
    @work(exclusive=True, group="session", exit_on_error=False)
    async def open_worker(self, restart: bool = False) -> None:
        try:
            opened = await self.controller.open(restart=restart)
        except UnderstandingConfigError as exc:  # e.g. --understanding llm without a model
            self.calm_app.exit_with(exc)
            return
        except Exception as exc:  # a generator/runner bug: report it, keep the app alive
            self.post_message(TurnFailed("", f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(
            ConversationOpened(opened.results, resumed=opened.resumed, restarted=opened.restarted)
        )

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def turn_worker(self) -> None:
        await self.controller.drain(self._turn_completed, self._turn_failed)

    def _turn_completed(self, result: TurnResult) -> None:
        self.post_message(TurnCompleted(result))
        if result.understanding is not None and result.understanding.error:
            self.post_message(LLMFailed(result, result.understanding.error))

    def _turn_failed(self, text: str, error: str) -> None:
        self.post_message(TurnFailed(text, error))

    @work(exclusive=True, group="reload", exit_on_error=False)
    async def reload_worker(self) -> None:
        try:
            async for changed in self.controller.changes(
                quiet_ms=self.config.debounce_ms, stop=self.stop_watching
            ):
                await self.reload_project(changed)
        except Exception as exc:  # e.g. the OS ran out of file watches
            self.notify(
                f"hot reload stopped: {exc}", title="Reload", severity="warning", markup=False
            )

    @work(exclusive=True, group="reload-now", exit_on_error=False)
    async def reload_now_worker(self) -> None:
        await self.reload_project([])

    async def reload_project(self, changed: Sequence[str]) -> None:
        """The controller applies a version only when the project policy allows it."""
        match await self.controller.reload(changed):
            case ReloadApplied(report=report, validation=validation, changed_files=files):
                self.post_message(ProjectReloaded(report, validation, files))
            case ReloadRejected(validation=validation, changed_files=files):
                self.post_message(ReloadFailed(validation, files))
            case DocumentsReindexed(report=report) as reindexed:
                skipped = report is not None and bool(report.skipped)
                self.notify(
                    reindexed.summary(),
                    title="Knowledge",
                    severity="warning" if skipped else "information",
                    markup=False,
                )
            case not_applied:
                self.notify(
                    not_applied.message,
                    title=not_applied.title or "",
                    severity="error",
                    markup=False,
                )

    # -- sending ----------------------------------------------------------------------------------
    async def send(self, text: str, title: str | None = None) -> None:
        start = self.controller.submit(text, title)
        await self.chat_log.add_pending(f"{title}  ({text})" if title else text)
        self.status_bar.set_waiting(len(self.queue))
        if start:
            self.turn_worker()

    @on(ChatInput.Sent)
    async def _sent(self, event: ChatInput.Sent) -> None:
        await self.send(event.text)

    @on(ChatLog.ChoiceMade)
    async def _chosen(self, event: ChatLog.ChoiceMade) -> None:
        await self.send(event.payload, event.title)
        self.chat_input.focus()

    # -- results ----------------------------------------------------------------------------------
    async def on_conversation_opened(self, message: ConversationOpened) -> None:
        await self.chat_log.show_turns(list(message.results))
        self.chat_input.remember(r.user_text for r in message.results if r.user_text)
        if message.resumed:
            turns = sum(1 for r in message.results if r.user_text is not None)
            await self.chat_log.add_notice(
                f"resumed conversation {self.conversation.id} ({turns} turns)"
            )
        elif message.restarted:
            self.notify(f"new conversation {self.conversation.id}", title="Restarted", markup=False)
        if not message.restarted:
            for notice in self.config.notices:
                await self.chat_log.add_notice(notice, kind="warning")
        self.ready = True
        self.refresh_views()

    async def on_turn_completed(self, message: TurnCompleted) -> None:
        result = message.result
        if result.understanding is not None and not result.understanding.error:
            self.last_llm_error = None
        await self.chat_log.add_turn(result)
        self.status_bar.set_waiting(len(self.queue))
        for call in result.action_calls:
            if call.error:
                self.notify(
                    f"{call.name} failed: {call.error}"
                    + (f"\n{call.detail.strip().splitlines()[-1]}" if call.detail.strip() else ""),
                    title="Custom action failed",
                    severity="error",
                    markup=False,
                )
        self.refresh_views()

    async def on_turn_failed(self, message: TurnFailed) -> None:
        if message.text:
            await self.chat_log.drop_pending("not sent")
        self.status_bar.set_waiting(len(self.queue))
        self.notify(
            f"the turn could not run, the conversation is unchanged: {message.error}",
            title="Turn failed",
            severity="error",
            markup=False,
        )

    @on(LLMFailed)
    def _llm_failed(self, message: LLMFailed) -> None:
        """A toast for an understanding error, once while the same error repeats: each turn
        still shows it in the chat, where it belongs to that message."""
        if message.error == self.last_llm_error:
            return
        self.last_llm_error = message.error
        self.notify(message.error, title="Understanding failed", severity="error", markup=False)

    async def on_project_reloaded(self, message: ProjectReloaded) -> None:
        summary = reload_summary(message.report, message.changed_files)
        self.status_bar.set_notice(summary)
        self.problems = (message.validation.diagnostics, message.validation.sources, summary)
        await self.chat_log.add_notice(summary)
        for note in reload_notes(message.report):
            if note.severity == "warning":
                await self.chat_log.add_notice(note.text, kind="warning")
                self.notify(note.text, title="Reload", severity="warning", markup=False)
            else:
                await self.chat_log.add_notice(note.text)
        changed = (
            message.report.changed_flows + message.report.added_flows + message.report.removed_flows
        )
        self.notify(
            summary if changed else f"{summary}; no flow changed", title="Reloaded", markup=False
        )
        self.refresh_views()

    def on_reload_failed(self, message: ReloadFailed) -> None:
        errors = message.errors
        files = f" in {', '.join(message.changed_files)}" if message.changed_files else ""
        headline = (
            f"reload failed{files}: {count_line(errors)} — still running the last good version"
        )
        self.problems = (message.validation.diagnostics, message.validation.sources, headline)
        self.status_bar.set_notice(f"reload failed: {count_line(errors)}", "error")
        first = errors[0].headline() if errors else "the project could not be loaded"
        more = (
            f"\n(+{len(errors) - 1} more: calmtui validate lists them)" if len(errors) > 1 else ""
        )
        self.notify(
            f"{first}{more}",
            title="Reload failed: keeping the last good version",
            severity="error",
            markup=False,
        )
        self.refresh_views()

    def refresh_views(self) -> None:
        """Push the current state down into the widgets (the inspector adds its panels)."""
        self.status_bar.show(
            description=self.conversation.description,
            conversation_id=self.conversation.id,
            results=self.conversation.results,
            language=self.conversation.language_label,
        )

    # -- actions ----------------------------------------------------------------------------------
    def _busy(self, doing: str) -> bool:
        if self.controller.busy:
            self.notify(
                f"a turn is running: wait, or press Esc to cancel it, then {doing}",
                severity="warning",
            )
            return True
        return False

    async def action_switch_language(self, code: str | None = None) -> None:
        """Send Rasa's `/SetSlots(language=...)` as a turn (recorded, saved, rewindable)."""
        project = self.conversation.project
        if not project.config.is_multilingual:
            self.notify(
                "the assistant speaks one language (config.yml has no additional_languages)",
                severity="warning",
            )
            return
        if not self.ready:
            return
        target = code or next_language(project, self.conversation.language)
        await self.send(switch_payload(target), f"language → {describe_language(target)}")

    def action_restart(self) -> None:
        if not self._busy("restart"):
            self.open_worker(restart=True)

    async def action_rewind(self) -> None:
        if self._busy("rewind"):
            return
        undone = self.controller.rewind()
        if undone is None:
            self.notify("nothing to rewind", severity="warning")
            return
        await self.chat_log.remove_turn(undone.turn)
        self.chat_input.value = undone.user_text or ""
        self.notify(
            f"rewound turn {undone.turn}: {undone.user_text!r}", title="Rewind", markup=False
        )
        self.refresh_views()

    def action_cancel_turn(self) -> None:
        if not self.queue:
            return
        count = self.controller.cancel_pending()
        self.workers.cancel_group(self, "llm")  # pyright: ignore[reportUnknownMemberType]
        self.status_bar.set_waiting(0)

        async def drop() -> None:
            for _ in range(count):
                await self.chat_log.drop_pending("cancelled")

        self.run_worker(drop(), group="ui")
        self.notify("cancelled: the conversation is as it was before", title="Turn cancelled")

    def action_save_test(self) -> None:
        results = self.conversation.results
        if not any(r.user_text is not None for r in results):
            self.notify("nothing to save yet: send a message first", severity="warning")
            return
        root = self.conversation.project.root

        def where(name: str) -> Path:
            return export.saved_path(root, name).relative_to(root)

        def save(name: str) -> Path:
            header = (
                f"Saved by calmtui from conversation {self.conversation.id} on {self.config.now()}."
            )
            return export.save_test_case(root, results, name, header=header)

        def saved(path: Path | None) -> None:
            if path is not None:
                rel = Path(path).relative_to(root)
                self.notify(
                    f"{rel}\nrun it: calmtui test {rel}", title="Saved test case", markup=False
                )

        self.calm_app.push_screen(
            SaveTestScreen(export.suggest_name(results, root), where, save), saved
        )

    def action_reload(self) -> None:
        self.reload_now_worker()

    def action_copy_item(self) -> None:
        text = self.copy_text()
        if not text:
            self.notify("nothing selected to copy", severity="warning")
            return
        self.calm_app.copy_to_clipboard(text)
        self.notify(f"copied {len(text)} characters", title="Copy")

    def copy_text(self) -> str | None:
        """The focused panel's item; in the plain chat, the latest turn's transcript."""
        results = self.conversation.results
        return transcript(results[-1]) if results else None

    def action_screenshot(self) -> None:
        path = self.calm_app.save_screenshot(path=self.config.screenshot_dir)
        self.notify(path, title="Screenshot saved", markup=False)

    def action_focus_choices(self) -> None:
        choices = self.chat_log.latest_choices()
        if choices:
            choices[0].focus()
            self.chat_log.scroll_to_widget(choices[0], animate=False)
        else:
            self.notify("the last message has no choices", severity="warning")

    def action_choose(self, number: int) -> None:
        choices = self.chat_log.latest_choices()
        if 1 <= number <= len(choices):
            choice = choices[number - 1]
            self.post_message(ChatLog.ChoiceMade(choice.title_text, choice.payload))
        else:
            self.notify(f"no choice {number} in the last message", severity="warning")

    def palette_commands(self) -> Iterator[SystemCommand]:
        config = self.conversation.project.config
        if config.is_multilingual:
            current = self.conversation.language
            for code in (c for c in config.languages if c != current):
                yield SystemCommand(
                    f"Switch language to {describe_language(code)}",
                    f"Continue the conversation in {code} (F8 cycles)",
                    partial(self.action_switch_language, code),
                )
        yield SystemCommand(
            "Restart conversation", "Start a new conversation (ctrl+r)", self.action_restart
        )
        yield SystemCommand(
            "Rewind the last turn", "Undo the last user turn (ctrl+z)", self.action_rewind
        )
        yield SystemCommand(
            "Reload project now", "Reload and validate the project (F5)", self.action_reload
        )
        yield SystemCommand(
            "Save conversation as test case",
            "Write an e2e test case (ctrl+s)",
            self.action_save_test,
        )
        yield SystemCommand(
            "Copy selected item", "Copy to the clipboard (ctrl+y)", self.action_copy_item
        )
        yield SystemCommand(
            "Save SVG screenshot", "Save the screen as an SVG file (F6)", self.action_screenshot
        )

    # -- typed accessors --------------------------------------------------------------------------
    @property
    def calm_app(self) -> CalmApp:
        # Textual types `DOMNode.app` as `App[Unknown]`; this screen only ever runs in CalmApp.
        return cast("CalmApp", self.app)  # pyright: ignore[reportUnknownMemberType]

    @property
    def chat_log(self) -> ChatLog:
        return self.query_one("#chat-log", ChatLog)

    @property
    def chat_input(self) -> ChatInput:
        return self.query_one("#chat-input", ChatInput)

    @property
    def status_bar(self) -> StatusBar:
        return self.query_one("#status", StatusBar)
