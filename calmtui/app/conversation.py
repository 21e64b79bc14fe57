"""One conversation as the shell drives it: a `Session`, saved to the store after every turn.

Both front ends use this class — the Textual app and the line-based plain mode — so resuming,
rewinding, restarting and persisting behave the same in both. It imports no Textual.

The session (engine, understanding, custom actions) is built by `open()`, in a thread: the app
paints its screen first and stays responsive while those are imported and set up.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from calmtui.app.languages import current_language, language_label, start_metadata
from calmtui.core.model.project import Project
from calmtui.store.base import Store, StoreError

if TYPE_CHECKING:
    # The session, the engine and understanding load in `open()`'s thread, after the first
    # paint; importing them here would make the app's start wait for them.
    from calmtui.actions.protocol import ActionRunner
    from calmtui.actions.stubs import ActionStubs
    from calmtui.generation.responder import Responder
    from calmtui.session import ReloadReport, Session, TurnResult
    from calmtui.understanding.base import CommandGenerator


def _no_actions(project: Project) -> ActionRunner:
    from calmtui.actions.protocol import NoActionRunner

    return NoActionRunner()


def _mode_only(project: Project, generator: CommandGenerator) -> str:
    return generator.mode


@dataclass(frozen=True, slots=True, kw_only=True)
class Assistant:
    """How to build a session's parts for one project version (the CLI wires the real ones;
    tests pass a `ScriptedGenerator`). Rebuilt on every hot reload, so a changed endpoint or
    model config takes effect too. `make_generator` may raise the understanding package's
    configuration errors; `open()` lets them through for the front end to report."""

    make_generator: Callable[[Project], CommandGenerator]
    make_action_runner: Callable[[Project], ActionRunner] = _no_actions
    describe: Callable[[Project, CommandGenerator], str] = _mode_only
    # Knowledge answers, chitchat and rephrasing in the same mode as understanding (None: the
    # session's offline default). Hot reload rebuilds it through the session.
    make_responder: Callable[[Project], Responder] | None = None
    seed: int = 0
    clock: Callable[[], float] = field(default=time.perf_counter)


def assistant_for(mode: str | None, stubs: ActionStubs | None = None) -> Assistant:
    """The real wiring, as `shell` and `inspect` use it: understanding in `mode` (None: the
    project's), custom actions as endpoints.yml says (answered from `stubs` first). Nothing is
    built here: the conversation builds them when it opens, off the UI thread."""
    from calmtui.app.understanding import describe, generator_factory, responder_factory

    def actions(project: Project) -> ActionRunner:
        from calmtui.actions.factory import make_action_runner

        return make_action_runner(project, stubs=stubs)

    def status(project: Project, generator: CommandGenerator) -> str:
        return describe(generator)

    return Assistant(
        make_generator=generator_factory(mode),
        make_action_runner=actions,
        describe=status,
        make_responder=responder_factory(mode),
    )


class Conversation:
    """A session plus its saved record. `open()` first, then `send`, `rewind`, `restart`."""

    def __init__(
        self,
        project: Project,
        assistant: Assistant,
        *,
        store: Store | None = None,
        conversation_id: str | None = None,
        on_warning: Callable[[str], None] = lambda message: None,
        language: str | None = None,
    ) -> None:
        """`language` starts a new conversation in that (configured) language, as a channel's
        session-start metadata does (`calmtui shell --language`)."""
        self.assistant = assistant
        self.start_language = language
        self.store = store
        self.on_warning = on_warning
        self.resumed = False
        self._requested_id = conversation_id
        self.id = conversation_id or ""
        self._project = project
        self._session: Session | None = None
        self._startup_warnings: list[str] = []

    # -- reading ----------------------------------------------------------------------------------
    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the conversation is not open yet: await open() first")
        return self._session

    @property
    def is_open(self) -> bool:
        return self._session is not None

    @property
    def project(self) -> Project:
        return self._session.project if self._session is not None else self._project

    @property
    def results(self) -> list[TurnResult]:
        """The turns so far, session start first (none before `open()`)."""
        return self._session.history if self._session is not None else []

    @property
    def language(self) -> str:
        """The conversation's language now (the default one before `open()`)."""
        return current_language(self.project, self._slots())

    @property
    def language_label(self) -> str:
        """`de · Deutsch` for status lines; empty when the assistant speaks one language."""
        return language_label(self.project, self._slots())

    def _slots(self) -> Mapping[str, Any]:
        return self._session.state.slots if self._session is not None else {}

    @property
    def description(self) -> str:
        """Understanding mode and model, for status lines ("offline", "llm gpt-4o-mini")."""
        if self._session is None:
            return "starting…"
        return self.assistant.describe(self.project, self._session.generator)

    # -- lifecycle --------------------------------------------------------------------------------
    async def open(self) -> list[TurnResult]:
        """Resume the requested conversation when it was saved, else start a new one (running
        the session-start turn, e.g. a greeting). Returns the turns to display."""
        if self._session is None:
            self._session = await asyncio.to_thread(
                self._new_session, self._project, self.id or "default"
            )
            for warning in self._startup_warnings:
                self.on_warning(warning)
        if self._requested_id:
            self._claim(self._requested_id)
        saved = self._load_saved(self._requested_id) if self._requested_id else None
        if saved:
            self.session.restore(saved)
            self.resumed = True
            report = self.session.reload(self.project)
            for dropped in report.dropped:
                self.on_warning(
                    f"resumed without {dropped.flow_id} (at {dropped.step_id}): {dropped.reason}"
                )
            if report.reset_slots:
                self.on_warning(
                    f"resumed with {', '.join(report.reset_slots)} reset (their flows were dropped)"
                )
            if self.start_language and self.start_language != self.language:
                self.on_warning(
                    f"the resumed conversation is in {self.language!r}: --language starts new "
                    "conversations; switch this one with /language or the palette"
                )
            return self.results
        if saved is None:  # not saved yet (an empty saved one keeps its id and gets a start)
            self.id = self._create(self._requested_id)
            self._claim(self.id)
        self.session.sender_id = self.id
        await self._save(await self.session.start(start_metadata(self.start_language)))
        return self.results

    async def send(self, text: str) -> TurnResult:
        """One user message (a `/SetSlots(...)` payload is handled by the session)."""
        result = await self.session.turn(text)
        await self._save(result)
        return result

    def rewind(self) -> TurnResult | None:
        """Undo the last user turn (never the session start); returns it, or None."""
        if len(self.results) <= 1 or self.results[-1].user_text is None:
            return None
        undone = self.session.rewind()
        if undone is not None and self.store is not None:
            try:
                self.store.truncate(self.id, undone.turn)
            except StoreError as exc:
                self._lost_store(exc)
        return undone

    async def restart(self) -> TurnResult:
        """A fresh conversation with a new id on the current project; the old one stays saved."""
        self.resumed = False
        if self._session is not None:  # the new conversation speaks the language of this one
            self.start_language = self.language
        self._session = await asyncio.to_thread(self._new_session, self.project, "default")
        if self.store is not None and self.id:
            self.store.release(self.id)
        self.id = self._create(None)
        self._claim(self.id)
        self.session.sender_id = self.id
        result = await self.session.start(start_metadata(self.start_language))
        await self._save(result)
        return result

    async def reload(self, project: Project) -> ReloadReport:
        """Apply a new project version to the live conversation (see `Session.reload`);
        understanding and custom actions are rebuilt for it, off the event loop."""
        if self._session is None:
            from calmtui.session import ReloadReport

            self._project = project
            return ReloadReport(changed_flows=(), added_flows=(), removed_flows=(), dropped=())
        a = self.assistant
        generator, runner = await asyncio.to_thread(
            lambda: (a.make_generator(project), a.make_action_runner(project))
        )
        return self.session.reload(project, generator=generator, action_runner=runner)

    def close(self) -> None:
        """The conversation ends here: give up the claim on it (the store stays open)."""
        if self.store is not None and self.id:
            self.store.release(self.id)

    # -- persistence ------------------------------------------------------------------------------
    def _new_session(self, project: Project, sender_id: str) -> Session:
        from calmtui.session import Session

        a = self.assistant
        session = Session(
            project,
            generator=a.make_generator(project),
            action_runner=a.make_action_runner(project),
            sender_id=sender_id,
            seed=a.seed,
            clock=a.clock,
            responder=a.make_responder(project) if a.make_responder is not None else None,
        )
        self._startup_warnings = _prepare_generation(session)
        return session

    def _load_saved(self, conversation_id: str) -> list[TurnResult] | None:
        from calmtui.session import TurnResult

        if self.store is None:
            return None
        try:
            info = self.store.get(conversation_id)
            if info is None:
                return None
            documents = self.store.turns(conversation_id)
        except StoreError as exc:
            self._lost_store(exc)
            return None
        try:
            results = [TurnResult.from_json(d) for d in documents]
        except (KeyError, TypeError, ValueError) as exc:
            self.on_warning(
                f"conversation {conversation_id!r} cannot be resumed: a saved turn is unreadable "
                f"({type(exc).__name__}: {exc}); starting a new conversation"
            )
            self._requested_id = None
            return None
        if info.project != self.project.root:
            self.on_warning(f"conversation {conversation_id!r} was saved for {info.project}")
        self.id = conversation_id
        self.session.sender_id = conversation_id
        return results

    def _claim(self, conversation_id: str) -> None:
        """Become the conversation's only writer. Another process holding it is an error the
        front end reports before anything is shown (`ConversationInUseError`); any other
        problem with the lock means the turns are not saved, as with any store failure."""
        from calmtui.store.claims import ConversationInUseError

        if self.store is None:
            return
        try:
            self.store.claim(conversation_id)
        except ConversationInUseError:
            raise
        except StoreError as exc:
            self._lost_store(exc)

    def _create(self, conversation_id: str | None) -> str:
        if self.store is None:
            return conversation_id or "unsaved"
        try:
            return self.store.create(self.project.root, conversation_id).id
        except StoreError as exc:
            self._lost_store(exc)
            return conversation_id or "unsaved"

    async def _save(self, result: TurnResult) -> None:
        store = self.store
        if store is None:
            return
        try:
            await asyncio.to_thread(store.append, self.id, result.turn, result.to_json())
        except StoreError as exc:
            self._lost_store(exc)

    def _lost_store(self, exc: StoreError) -> None:
        """Tell the user once; the conversation itself goes on in memory."""
        self.store = None
        self.on_warning(f"conversation not saved: {exc}; later turns are kept in memory only")


def _prepare_generation(session: Session) -> list[str]:
    """Index the knowledge documents now (so the first question is answered at once) and say
    what calmtui cannot honour in the generation settings: the start-up half of CT6xx."""
    from calmtui.generation.checks import report_diagnostics

    responder = session.responder
    found = list(responder.problems)
    report = responder.refresh()
    if report is not None:
        found += report_diagnostics(report)
    notes = [f"{d.message} ({d.code})" for d in found if d.severity != "info"]
    if responder.rephraser is not None and responder.rephraser.llm is None:
        notes.append(
            "offline: responses keep their template text; the rephraser of endpoints.yml "
            "needs an LLM (--understanding llm) (CT611)"
        )
    return notes
