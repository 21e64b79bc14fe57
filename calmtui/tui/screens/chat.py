"""The chat screen (`calmtui shell`): the conversation, an input, a status line, and the
workers that run turns and hot reload without blocking the UI (STYLE.md 3.7).

Turns run one at a time in the `llm` worker group; messages typed meanwhile wait in a queue
(shown as pending, with a spinner), so nothing a user types is lost. Every change to the session
— a turn, a reload, opening or restarting — holds `session_lock`, so a reload never lands in the
middle of a turn. Workers report with messages (`calmtui.tui.messages`); handlers update widgets.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.validate import ValidationReport
from calmtui.tui import export
from calmtui.tui.config import ShellConfig
from calmtui.tui.conversation import Conversation
from calmtui.tui.messages import (
    ConversationOpened,
    LLMFailed,
    ProjectReloaded,
    ReloadFailed,
    TurnCompleted,
    TurnFailed,
)
from calmtui.tui.reload import (
    changed_code,
    code_dirs_of,
    is_document,
    knowledge_dirs_of,
    load_version_in_thread,
    project_changes,
)
from calmtui.tui.screens.save_test import SaveTestScreen
from calmtui.tui.widgets.chat_input import ChatInput
from calmtui.tui.widgets.chat_log import ChatLog
from calmtui.tui.widgets.problems_panel import count_line
from calmtui.tui.widgets.status_bar import StatusBar
from calmtui.understanding.errors import UnderstandingConfigError, UnknownModeError

if TYPE_CHECKING:
    from calmtui.session import TurnResult

EXIT_PROBLEMS, EXIT_USAGE = 1, 2


def transcript(result: TurnResult) -> str:
    lines = [f"you: {result.user_text}"] if result.user_text is not None else []
    lines += [f"bot: {m.text or ''}" for m in result.bot_messages]
    return "\n".join(lines)


def reload_summary(message: ProjectReloaded) -> str:
    report = message.report
    parts = [
        f"{len(report.changed_flows)} flow{'' if len(report.changed_flows) == 1 else 's'} changed"
    ]
    if changed_code(message.changed_files):
        parts.insert(0, "custom actions re-imported")
    if report.added_flows:
        parts.append(f"added {', '.join(report.added_flows)}")
    if report.removed_flows:
        parts.append(f"removed {', '.join(report.removed_flows)}")
    files = ", ".join(message.changed_files) or "project"
    return f"reloaded {files} ({'; '.join(parts)})"


# The footer shows these in this order; at 80 columns everything up to "Panels" fits.
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
    "f6", "screenshot", "SVG", tooltip="Save an SVG screenshot of the screen"
)
HIDDEN_BINDINGS: list[BindingType] = [
    Binding("escape", "cancel_turn", "Cancel turn", show=False),
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

    def __init__(self, config: ShellConfig, conversation: Conversation) -> None:
        super().__init__()
        self.config = config
        self.conversation = conversation
        self.queue: deque[tuple[str, str | None]] = deque()  # (text, button title)
        self.session_lock = asyncio.Lock()
        self.stop_watching = threading.Event()
        self.ready = False
        self._draining = False
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

    @staticmethod
    def _load_headline(diagnostics: Sequence[Diagnostic]) -> str:
        return f"project loaded ({count_line(diagnostics)})" if diagnostics else ""

    # -- workers ----------------------------------------------------------------------------------
    @work(exclusive=True, group="session", exit_on_error=False)
    async def open_worker(self, restart: bool = False) -> None:
        async with self.session_lock:
            try:
                results = (
                    [await self.conversation.restart()]
                    if restart
                    else await self.conversation.open()
                )
            except UnderstandingConfigError as exc:  # e.g. --understanding llm without a model
                code = EXIT_USAGE if isinstance(exc, UnknownModeError) else EXIT_PROBLEMS
                message = f"error: cannot understand messages this way: {exc}"
                self.app.exit(return_code=code, message=message)
                return
            except Exception as exc:  # a generator/runner bug: report it, keep the app alive
                self.post_message(TurnFailed("", f"{type(exc).__name__}: {exc}"))
                return
        self.post_message(
            ConversationOpened(results, resumed=self.conversation.resumed, restarted=restart)
        )

    @work(exclusive=True, group="llm", exit_on_error=False)
    async def turn_worker(self) -> None:
        try:
            while self.queue:
                text, _title = self.queue[0]
                async with self.session_lock:
                    before = len(self.conversation.results)
                    try:
                        result = await self.conversation.send(text)
                    except asyncio.CancelledError:
                        if (
                            len(self.conversation.results) > before
                        ):  # recorded just before the cancel
                            self.post_message(TurnCompleted(self.conversation.results[-1]))
                        raise
                    except Exception as exc:
                        self.queue.popleft()
                        self.post_message(TurnFailed(text, f"{type(exc).__name__}: {exc}"))
                        continue
                self.queue.popleft()
                self.post_message(TurnCompleted(result))
                if result.understanding is not None and result.understanding.error:
                    self.post_message(LLMFailed(result, result.understanding.error))
        finally:
            self._draining = False

    @work(exclusive=True, group="reload", exit_on_error=False)
    async def reload_worker(self) -> None:
        try:
            async for changed in project_changes(
                self.conversation.project.root,
                quiet_ms=self.config.debounce_ms,
                stop=self.stop_watching,
                code_dirs=code_dirs_of(self.conversation.project),
                knowledge_dirs=knowledge_dirs_of(self.conversation.project),
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
        """Load and validate in a thread; apply only a version without errors."""
        folders = knowledge_dirs_of(self.conversation.project)
        if changed and all(is_document(path, folders) for path in changed):
            await self._reindex(changed)
            return
        try:
            report = await load_version_in_thread(self.conversation.project.root, self.config.paths)
        except Exception as exc:
            self.notify(
                f"reload failed: {type(exc).__name__}: {exc}", severity="error", markup=False
            )
            return
        if report.project is not None and report.is_valid() and changed_code(changed):
            report = await self._check_actions_code(report)
        if report.project is None or not report.is_valid():
            self.post_message(ReloadFailed(report, changed))
            return
        async with self.session_lock:
            try:
                outcome = await self.conversation.reload(report.project)
            except Exception as exc:  # e.g. the new model settings cannot be used
                self.notify(
                    f"reload not applied: {exc}", title="Reload", severity="error", markup=False
                )
                return
        self.post_message(ProjectReloaded(outcome, report, changed))

    async def _reindex(self, changed: Sequence[str]) -> None:
        """Only knowledge documents changed: re-index them (the project stays as it is)."""
        if not self.conversation.is_open:
            return
        responder = self.conversation.session.responder
        report = await asyncio.to_thread(responder.refresh)
        if report is None:
            return
        skipped = "".join(f"\n{s.path} {s.reason}" for s in report.skipped)
        self.notify(
            f"re-indexed {len(changed)} document(s): {report.documents} documents, "
            f"{report.passages} passages in {report.seconds * 1000:,.0f} ms{skipped}",
            title="Knowledge",
            severity="warning" if report.skipped else "information",
            markup=False,
        )

    async def _check_actions_code(self, report: ValidationReport) -> ValidationReport:
        """Changed actions code must import before the new version replaces the running one."""
        from calmtui.actions.checks import actions_import_problem

        assert report.project is not None
        problem = await asyncio.to_thread(actions_import_problem, report.project)
        if problem is None:
            return report
        sources = dict(report.sources)
        if problem.span is not None and problem.span.path.endswith(".py"):
            with contextlib.suppress(OSError, UnicodeDecodeError):  # shown with its source line
                path = Path(report.project.root) / problem.span.path
                sources[problem.span.path] = path.read_text(encoding="utf-8")
        return replace(report, diagnostics=(*report.diagnostics, problem), sources=sources)

    # -- sending ----------------------------------------------------------------------------------
    async def send(self, text: str, title: str | None = None) -> None:
        self.queue.append((text, title))
        await self.chat_log.add_pending(f"{title}  ({text})" if title else text)
        self.status_bar.set_waiting(len(self.queue))
        if not self._draining:
            self._draining = True
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
        self.ready = True
        self.refresh_views()

    async def on_turn_completed(self, message: TurnCompleted) -> None:
        result = message.result
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
        self.notify(message.error, title="Understanding failed", severity="error", markup=False)

    async def on_project_reloaded(self, message: ProjectReloaded) -> None:
        summary = reload_summary(message)
        self.status_bar.set_notice(summary)
        self.problems = (message.validation.diagnostics, message.validation.sources, summary)
        await self.chat_log.add_notice(summary)
        for dropped in message.report.dropped:
            note = f"removed {dropped.flow_id} (at {dropped.step_id}) from the conversation: {dropped.reason}"
            await self.chat_log.add_notice(note, kind="warning")
            self.notify(note, title="Reload", severity="warning", markup=False)
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
        )

    # -- actions ----------------------------------------------------------------------------------
    def _busy(self, doing: str) -> bool:
        if self.session_lock.locked() or self.queue:
            self.notify(
                f"a turn is running: wait, or press Esc to cancel it, then {doing}",
                severity="warning",
            )
            return True
        return False

    def action_restart(self) -> None:
        if not self._busy("restart"):
            self.open_worker(restart=True)

    async def action_rewind(self) -> None:
        if self._busy("rewind"):
            return
        undone = self.conversation.rewind()
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
        count = len(self.queue)
        self.queue.clear()
        self.workers.cancel_group(self, "llm")
        self._draining = False
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

        self.app.push_screen(SaveTestScreen(export.suggest_name(results, root), where, save), saved)

    def action_reload(self) -> None:
        self.reload_now_worker()

    def action_copy_item(self) -> None:
        text = self.copy_text()
        if not text:
            self.notify("nothing selected to copy", severity="warning")
            return
        self.app.copy_to_clipboard(text)
        self.notify(f"copied {len(text)} characters", title="Copy")

    def copy_text(self) -> str | None:
        """The focused panel's item; in the plain chat, the latest turn's transcript."""
        results = self.conversation.results
        return transcript(results[-1]) if results else None

    def action_screenshot(self) -> None:
        path = self.app.save_screenshot(path=self.config.screenshot_dir)
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
    def chat_log(self) -> ChatLog:
        return self.query_one("#chat-log", ChatLog)

    @property
    def chat_input(self) -> ChatInput:
        return self.query_one("#chat-input", ChatInput)

    @property
    def status_bar(self) -> StatusBar:
        return self.query_one("#status", StatusBar)
