"""The conversation controller: the turn queue, the session lock and the reload policy.

What the shell's screens drive (and tests, without Textual). Turns run one at a time: messages
sent while a turn runs wait in `queue`, so nothing a user types is lost. Every change to the
session — a turn, a reload, opening or restarting — holds `lock`, so a reload never lands in the
middle of a turn. The front end runs these coroutines in its own workers (which it may cancel)
and renders what they return or report; the controller never touches a widget.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calmtui.app.conversation import Conversation
from calmtui.app.policy import DEFAULT_POLICY, ProjectPolicy
from calmtui.app.reload import (
    DocumentsReindexed,
    ReloadApplied,
    ReloadNotApplied,
    ReloadOutcome,
    ReloadRejected,
    check_version,
    code_dirs_of,
    is_document,
    knowledge_dirs_of,
    project_changes,
)
from calmtui.core.loading.project_loader import ProjectPaths

if TYPE_CHECKING:
    from calmtui.session import TurnResult


@dataclass(frozen=True, slots=True)
class PendingMessage:
    text: str
    title: str | None = None  # a button's title when a choice sent the message


@dataclass(frozen=True, slots=True, kw_only=True)
class Opened:
    """The conversation is ready: started, resumed from the store, or restarted."""

    results: tuple[TurnResult, ...]
    resumed: bool
    restarted: bool


class ConversationController:
    def __init__(
        self,
        conversation: Conversation,
        *,
        paths: ProjectPaths | None = None,
        policy: ProjectPolicy = DEFAULT_POLICY,
    ) -> None:
        self.conversation = conversation
        self.paths = paths if paths is not None else ProjectPaths()
        self.policy = policy
        self.queue: deque[PendingMessage] = deque()
        self.lock = asyncio.Lock()
        self._draining = False
        self._cancels = 0  # a cancelled drain must not clear the flag of the one after it

    @property
    def busy(self) -> bool:
        """A turn (or a reload, an opening) runs, or messages wait for one."""
        return self.lock.locked() or bool(self.queue)

    # -- opening ----------------------------------------------------------------------------------
    async def open(self, *, restart: bool = False) -> Opened:
        """Open (or restart) the conversation. Raises what building understanding or actions
        raises (`UnderstandingConfigError` for settings that cannot be used)."""
        async with self.lock:
            if restart:
                results = [await self.conversation.restart()]
            else:
                results = await self.conversation.open()
        return Opened(results=tuple(results), resumed=self.conversation.resumed, restarted=restart)

    # -- turns ------------------------------------------------------------------------------------
    def submit(self, text: str, title: str | None = None) -> bool:
        """Queue a message; True when no `drain()` is running and the caller must start one."""
        self.queue.append(PendingMessage(text, title))
        if self._draining:
            return False
        self._draining = True
        return True

    async def drain(
        self,
        on_result: Callable[[TurnResult], None],
        on_failure: Callable[[str, str], None],
    ) -> None:
        """Run the queued messages one at a time. A turn that cannot run at all (a bug in a
        generator or runner) is reported to `on_failure(text, error)` and leaves the
        conversation unchanged. Cancelling the task stops after reporting a turn that was
        recorded just before the cancel."""
        cancels = self._cancels
        try:
            while self.queue:
                message = self.queue[0]
                async with self.lock:
                    before = len(self.conversation.results)
                    try:
                        result = await self.conversation.send(message.text)
                    except asyncio.CancelledError:
                        if len(self.conversation.results) > before:
                            on_result(self.conversation.results[-1])
                        raise
                    except Exception as exc:
                        self.queue.popleft()
                        on_failure(message.text, f"{type(exc).__name__}: {exc}")
                        continue
                self.queue.popleft()
                on_result(result)
        finally:
            if cancels == self._cancels:
                self._draining = False

    def cancel_pending(self) -> int:
        """Forget the queued messages (the front end cancels the running `drain`); returns how
        many there were."""
        count = len(self.queue)
        self.queue.clear()
        self._draining = False
        self._cancels += 1
        return count

    def rewind(self) -> TurnResult | None:
        return self.conversation.rewind()

    # -- hot reload -------------------------------------------------------------------------------
    def changes(
        self, *, quiet_ms: int, stop: threading.Event | None = None
    ) -> AsyncIterator[list[str]]:
        """The project's changed files, one list per save (see `reload.project_changes`)."""
        project = self.conversation.project
        return project_changes(
            project.root,
            quiet_ms=quiet_ms,
            stop=stop,
            code_dirs=code_dirs_of(project),
            knowledge_dirs=knowledge_dirs_of(project),
        )

    async def reload(self, changed: Sequence[str] = ()) -> ReloadOutcome:
        """Load and validate the project as it is on disk; apply it to the live conversation
        only when the policy allows it, otherwise the last good version keeps running."""
        changed_files = tuple(changed)
        folders = knowledge_dirs_of(self.conversation.project)
        if changed_files and all(is_document(path, folders) for path in changed_files):
            return await self._reindex(changed_files)
        try:
            validation = await check_version(
                self.conversation.project.root, self.paths, changed_files, self.policy
            )
        except Exception as exc:
            return ReloadNotApplied(message=f"reload failed: {type(exc).__name__}: {exc}")
        if validation.project is None or not self.policy.allows(validation):
            return ReloadRejected(validation=validation, changed_files=changed_files)
        async with self.lock:
            try:
                report = await self.conversation.reload(validation.project)
            except Exception as exc:  # e.g. the new model settings cannot be used
                return ReloadNotApplied(message=f"reload not applied: {exc}", title="Reload")
        return ReloadApplied(report=report, validation=validation, changed_files=changed_files)

    async def _reindex(self, changed_files: tuple[str, ...]) -> DocumentsReindexed:
        """Only knowledge documents changed: re-index them (only what changed is read)."""
        if not self.conversation.is_open:
            return DocumentsReindexed(report=None, changed_files=changed_files)
        async with self.lock:
            responder = self.conversation.session.responder
            report = await asyncio.to_thread(responder.refresh)
        return DocumentsReindexed(report=report, changed_files=changed_files)
