"""The knowledge base of a project: its documents, their index, retrieval and answers.

    base = KnowledgeBase(settings, root, llm=TextLLM(...) or None, embedder=Embedder(...) or None)
    report = base.refresh()                       # (re)index what changed
    result = await base.answer(conversation)      # retrieve, then answer (LLM or extractive)

What happens is all in the `SearchResult` (query, passages with scores and sources, prompt,
reply, outcome), which the session's turn result carries to the inspector, `shell --debug` and
the test reports. The outcomes follow Rasa's EnterpriseSearchPolicy: no passage found -> cannot
handle; the relevancy check fails -> cannot handle with `cannot_handle_no_relevant_answer`; the
LLM fails or the store cannot be used -> the internal-error pattern.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calmtui.core.diagnostics import Diagnostic
from calmtui.knowledge import answer as answers
from calmtui.knowledge.conversation import Conversation
from calmtui.knowledge.dense import DenseIndex, FaissMissingError, VectorCache
from calmtui.knowledge.documents import Passage
from calmtui.knowledge.index import CACHE_DIR, DocumentIndex, IndexReport
from calmtui.knowledge.settings import SearchSettings, faiss_installed
from calmtui.understanding.errors import LLMError
from calmtui.understanding.text import content_tokens
from calmtui.understanding.text_llm import Embedder, TextAnswer, TextLLM

TOP_K = 4
# Offline with check_relevancy: the best passage must cover this share of the question's weight.
MIN_COVERAGE = 0.5
UTTER_SOURCE = "EnterpriseSearchPolicy"


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    score: float
    rank: int
    position: int  # index of the passage in the document index

    def to_json(self) -> dict[str, Any]:
        return {**self.passage.to_json(), "score": self.score, "rank": self.rank}


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    outcome: str  # answered | no_passages | not_relevant | error
    query: str
    retriever: str
    hits: tuple[Hit, ...] = ()
    answer: str | None = None
    prompt: str | None = None
    llm: TextAnswer | None = None
    notes: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    latency_ms: float = 0.0

    @property
    def metadata(self) -> dict[str, Any]:
        """What Rasa puts on the answer's bot message (the e2e judge reads it)."""
        return {
            "utter_source": UTTER_SOURCE,
            "search_query": self.query,
            "search_results": [h.passage.text for h in self.hits],
            "search_sources": [h.passage.location for h in self.hits],
        }


class KnowledgeBase:
    def __init__(
        self,
        settings: SearchSettings,
        root: Path,
        *,
        llm: TextLLM | None = None,
        embedder: Embedder | None = None,
        template: str = answers.DEFAULT_PROMPT,
        use_cache: bool = True,
    ) -> None:
        self.settings = settings
        self.root = root
        self.llm = llm if settings.use_generative_llm else None
        self.embedder = embedder if settings.dense and settings.local else None
        self.template = template
        self.index = DocumentIndex(source=settings.source, root=root, use_cache=use_cache)
        self.last_report: IndexReport | None = None
        self._vectors = (
            VectorCache(root / CACHE_DIR / "embeddings", self.embedder.model_name)
            if self.embedder is not None and use_cache
            else None
        )
        self._dense: DenseIndex | None = None
        self._dense_version = -1

    # -- indexing ---------------------------------------------------------------------------------
    def refresh(self) -> IndexReport:
        self.last_report = self.index.refresh()
        return self.last_report

    async def embed_passages(self, turn: int = 0) -> None:
        """Vectors for every passage (only new ones are embedded), then the faiss index."""
        if self.embedder is None or self._dense_version == self.index.version:
            return
        cache = self._vectors or VectorCache(self.root / CACHE_DIR / "embeddings", "")
        texts = [p.text for p in self.index.passages]
        missing = cache.missing(texts)
        if missing:
            vectors = await self.embedder.embed(missing, turn=turn)
            cache.put(missing, vectors)
            cache.save()
        self._dense = DenseIndex(cache.matrix(texts))
        self._dense_version = self.index.version

    # -- retrieval --------------------------------------------------------------------------------
    async def retrieve(
        self, query: str, *, k: int = TOP_K, turn: int = 0
    ) -> tuple[str, list[Hit], list[str], list[Diagnostic]]:
        """(retriever, hits best first, notes, diagnostics): dense when configured and working,
        else lexical."""
        notes: list[str] = []
        problems: list[Diagnostic] = []
        if self.settings.dense and self.settings.local:
            if self.embedder is None:
                notes.append("no embeddings model can be called now (offline): lexical retrieval")
            elif not faiss_installed():
                notes.append("faiss is not installed: lexical retrieval (CT604)")
            else:
                try:
                    await self.embed_passages(turn)
                    assert self._dense is not None
                    vector = (await self.embedder.embed([query], turn=turn))[0]
                    pairs = self._dense.top(vector, k)
                    hits = [
                        Hit(self.index.passages[i], score, rank, i)
                        for rank, (i, score) in enumerate(pairs, start=1)
                        if score >= self.settings.threshold
                    ]
                    return "dense", hits, notes, problems
                except (LLMError, FaissMissingError, ValueError) as exc:
                    notes.append(f"dense retrieval failed ({exc}): lexical retrieval instead")
                    problems.append(
                        Diagnostic.warning(
                            "CT605",
                            f"the embeddings for knowledge search failed: {exc}",
                            hint="check the embeddings model group in endpoints.yml and that "
                            "its server is running; passages were retrieved lexically",
                        )
                    )
        pairs = self.index.lexical(content_tokens(query), k)
        hits = [
            Hit(self.index.passages[i], score, rank, i)
            for rank, (i, score) in enumerate(pairs, start=1)
        ]
        return "lexical", hits, notes, problems

    # -- answering --------------------------------------------------------------------------------
    async def answer(self, conversation: Conversation) -> SearchResult:
        started = time.perf_counter()
        if self.last_report is None:
            self.refresh()
        messages = conversation.last_messages(self.settings.max_messages_in_query)
        query = " ".join(reversed(messages)) if messages else conversation.user_message
        base: dict[str, Any] = {"query": query, "retriever": "lexical"}
        if not self.settings.local:
            return SearchResult(
                outcome="error",
                error=f"vector store type {self.settings.store_type!r} cannot be queried by calmtui",
                notes=("CT603: only local documents (type: faiss) are searched",),
                latency_ms=_ms(started),
                **base,
            )
        retriever, hits, notes, problems = await self.retrieve(query, turn=conversation.turn)
        common: dict[str, Any] = {
            "query": query,
            "retriever": retriever,
            "hits": tuple(hits),
            "diagnostics": tuple(problems),
        }
        if not hits:
            notes.append("no passage matches the question: cannot handle")
            return SearchResult(
                outcome="no_passages", notes=tuple(notes), latency_ms=_ms(started), **common
            )
        if self.llm is None:
            if self.settings.check_relevancy and retriever == "lexical":
                question = content_tokens(conversation.user_message or query)
                share = self.index.coverage(question, hits[0].position)
                if share < MIN_COVERAGE:
                    notes.append(
                        f"relevancy check (offline): the best passage covers {share:.0%} of the "
                        f"question's words, less than {MIN_COVERAGE:.0%}: cannot handle"
                    )
                    return SearchResult(
                        outcome="not_relevant",
                        notes=tuple(notes),
                        latency_ms=_ms(started),
                        **common,
                    )
            why = "offline" if self.settings.use_generative_llm else "use_generative_llm is false"
            notes.append(f"{why}: extractive answer from the best passage")
            text = answers.extractive_answer(
                conversation.user_message or query,
                [h.passage for h in hits],
                citation=self.settings.citation_enabled and self.settings.use_generative_llm,
            )
            return SearchResult(
                outcome="answered",
                answer=text,
                notes=tuple(notes),
                latency_ms=_ms(started),
                **common,
            )
        return await self._generate(conversation, hits, notes, common, started)

    async def _generate(
        self,
        conversation: Conversation,
        hits: Sequence[Hit],
        notes: list[str],
        common: dict[str, Any],
        started: float,
    ) -> SearchResult:
        assert self.llm is not None
        variables = {
            "docs": answers.prompt_documents([h.passage for h in hits]),
            "slots": answers.prompt_slots(conversation.slots, conversation.internal_slots),
            "current_conversation": conversation.readable(self.settings.max_history),
            "check_relevancy": self.settings.check_relevancy,
            "citation_enabled": self.settings.citation_enabled,
        }
        try:
            prompt = answers.render_prompt(self.template, variables)
        except Exception as exc:  # a broken custom template costs the answer, not the session
            return SearchResult(
                outcome="error",
                error=f"the search prompt template cannot be rendered: {exc}",
                notes=tuple(notes),
                latency_ms=_ms(started),
                diagnostics=(
                    *common.pop("diagnostics"),
                    Diagnostic.error("CT610", f"the search prompt cannot be rendered: {exc}"),
                ),
                **common,
            )
        reply = await self.llm.ask(
            prompt, turn=conversation.turn, user_message=conversation.user_message
        )
        notes.extend(reply.notes)
        if not reply.ok:
            error = reply.error or "no answer"
            return SearchResult(
                outcome="error",
                prompt=prompt,
                llm=reply,
                error=error,
                notes=tuple(notes),
                latency_ms=_ms(started),
                diagnostics=(
                    *common.pop("diagnostics"),
                    Diagnostic.error("CT610", f"the knowledge answer failed: {error}"),
                ),
                **common,
            )
        text = reply.text
        if self.settings.check_relevancy and not answers.is_relevant(text):
            notes.append("the relevancy check says the documents do not answer this: cannot handle")
            return SearchResult(
                outcome="not_relevant",
                prompt=prompt,
                llm=reply,
                notes=tuple(notes),
                latency_ms=_ms(started),
                **common,
            )
        if self.settings.citation_enabled:
            text = answers.renumber_citations(text)
        return SearchResult(
            outcome="answered",
            answer=text,
            prompt=prompt,
            llm=reply,
            notes=tuple(notes),
            latency_ms=_ms(started),
            **common,
        )


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
