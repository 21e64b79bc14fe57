"""The session's one contact for generated text.

    responder = make_responder(project, mode, root=root)     # or Responder.offline(project)
    reply, trace = await responder.run("action_trigger_search", conversation)
    rephrasing = await responder.rephrase(turn_events, conversation)

`run` answers the generative built-in actions the engine paused at (knowledge search,
chitchat); `rephrase` rewrites a finished turn's eligible messages. Neither raises: whatever
goes wrong becomes the reply Rasa would give (cannot handle, internal error, the template text)
and a trace that says why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from calmtui.core.commands import CANNOT_HANDLE_DEFAULT, CANNOT_HANDLE_NO_RELEVANT_ANSWER
from calmtui.core.diagnostics import Diagnostic
from calmtui.core.dialogue.index import TRIGGER_CHITCHAT, TRIGGER_SEARCH
from calmtui.core.dialogue.outcome import GeneratedReply
from calmtui.core.events import Event
from calmtui.core.model.project import Project
from calmtui.generation.chitchat import ChitchatResponder
from calmtui.generation.rephraser import Rephraser, Rephrasing
from calmtui.generation.trace import GeneratedTrace, RetrievedPassage
from calmtui.knowledge.base import KnowledgeBase, SearchResult
from calmtui.knowledge.conversation import Conversation
from calmtui.knowledge.index import IndexReport


@dataclass(slots=True, kw_only=True)
class Responder:
    mode: str = "offline"
    knowledge: KnowledgeBase | None = None
    chitchat: ChitchatResponder | None = None
    rephraser: Rephraser | None = None
    problems: tuple[Diagnostic, ...] = ()
    root: Path | None = None
    # Builds the responder of another project version with the same mode and clients (reload).
    rebuild: Callable[[Project, Responder], Responder] | None = field(default=None, repr=False)

    @classmethod
    def offline(cls, project: Project, root: Path | None = None) -> Responder:
        from calmtui.generation.factory import make_responder

        return make_responder(project, "offline", root=root or Path(project.root))

    def describe(self) -> str:
        parts: list[str] = []
        if self.knowledge is not None:
            retriever = "dense" if self.knowledge.embedder is not None else "lexical"
            answers = "LLM" if self.knowledge.llm is not None else "extractive"
            parts.append(f"knowledge: {retriever} retrieval, {answers} answers")
        if self.chitchat is not None:
            parts.append("chitchat: " + ("LLM" if self.chitchat.llm else "fixed response"))
        if self.rephraser is not None:
            parts.append("rephraser: " + ("on" if self.rephraser.llm else "off (offline)"))
        return "; ".join(parts)

    def for_project(self, project: Project) -> Responder:
        """The responder for a new version of the project (hot reload): same mode and clients,
        the document index kept when the source folder is the same."""
        if self.rebuild is None:
            return self
        return self.rebuild(project, self)

    def refresh(self) -> IndexReport | None:
        """Index the documents (again): only what changed since the last time is read."""
        if self.knowledge is None:
            return None
        return self.knowledge.refresh()

    async def run(
        self, action: str, conversation: Conversation
    ) -> tuple[GeneratedReply, GeneratedTrace]:
        try:
            if action == TRIGGER_SEARCH and self.knowledge is not None:
                # Every search looks for changed documents first (a stat per file when nothing
                # changed): an edited document is answered from at once, with no restart.
                report = self.knowledge.refresh()
                reply, trace = self._search_reply(await self.knowledge.answer(conversation))
                if report.changed_anything:
                    changed = len(report.changed) + len(report.removed)
                    note = f"re-indexed {changed} changed document(s) in {report.seconds * 1000:.0f} ms"
                    trace = replace(trace, notes=(note, *trace.notes))
                return reply, trace
            if action == TRIGGER_CHITCHAT and self.chitchat is not None:
                return await self.chitchat.reply(conversation)
        except Exception as exc:  # a bug here costs the answer, never the conversation
            problem = f"{action} failed: {type(exc).__name__}: {exc}"
            return GeneratedReply(kind="error", error=problem), GeneratedTrace(
                kind="search" if action == TRIGGER_SEARCH else "chitchat",
                outcome="error",
                mode=self.mode,
                action=action,
                error=problem,
                diagnostics=(Diagnostic.error("CT610", problem),),
            )
        return GeneratedReply(kind="fallback"), GeneratedTrace(
            kind="chitchat" if action == TRIGGER_CHITCHAT else "search",
            outcome="fallback",
            mode=self.mode,
            action=action,
            notes=("not configured: the fixed built-in response",),
        )

    async def rephrase(self, events: Sequence[Event], conversation: Conversation) -> Rephrasing:
        if self.rephraser is None:
            return Rephrasing({}, [])
        return await self.rephraser.rephrase(events, conversation)

    def _search_reply(self, result: SearchResult) -> tuple[GeneratedReply, GeneratedTrace]:
        llm = result.llm
        trace = GeneratedTrace(
            kind="search",
            outcome=result.outcome,
            mode=self.mode,
            action=TRIGGER_SEARCH,
            query=result.query,
            retriever=result.retriever,
            passages=tuple(
                RetrievedPassage(
                    source=h.passage.source,
                    start_line=h.passage.start_line,
                    end_line=h.passage.end_line,
                    score=h.score,
                    rank=h.rank,
                    text=h.passage.text,
                )
                for h in result.hits
            ),
            prompt=result.prompt,
            raw_output=llm.text if llm is not None and llm.text else None,
            text=result.answer,
            model=llm.model if llm is not None else None,
            prompt_tokens=llm.prompt_tokens if llm is not None else None,
            completion_tokens=llm.completion_tokens if llm is not None else None,
            cost=llm.cost if llm is not None else None,
            latency_ms=result.latency_ms,
            notes=result.notes,
            diagnostics=result.diagnostics,
            error=result.error,
        )
        match result.outcome:
            case "answered":
                reply = GeneratedReply(kind="say", text=result.answer, metadata=result.metadata)
            case "no_passages":
                reply = GeneratedReply(kind="cannot_handle", reason=CANNOT_HANDLE_DEFAULT)
            case "not_relevant":
                reply = GeneratedReply(
                    kind="cannot_handle", reason=CANNOT_HANDLE_NO_RELEVANT_ANSWER
                )
            case _:
                reply = GeneratedReply(kind="error", error=result.error)
        return reply, trace
