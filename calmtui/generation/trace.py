"""The record of one generated reply (a knowledge answer, a chitchat reply, a rephrased
response): what the turn result carries to the inspector, `shell --debug`/`--json`, the store
and the test reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calmtui.core.diagnostics import Diagnostic
from calmtui.knowledge.documents import location


@dataclass(frozen=True, slots=True, kw_only=True)
class RetrievedPassage:
    source: str
    start_line: int
    end_line: int
    score: float
    rank: int
    text: str

    @property
    def location(self) -> str:
        return location(self.source, self.start_line, self.end_line)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "score": self.score,
            "rank": self.rank,
            "text": self.text,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RetrievedPassage:
        return cls(
            source=str(data["source"]),
            start_line=int(data["start_line"]),
            end_line=int(data["end_line"]),
            score=float(data["score"]),
            rank=int(data["rank"]),
            text=str(data["text"]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class GeneratedTrace:
    """`kind`: search | chitchat | rephrase. `outcome`: answered, no_passages, not_relevant,
    error, offline, fallback, rephrased, unchanged, ... `text` is what the bot said (for a
    rephrase, the new text; `template_text` the response's own)."""

    kind: str
    outcome: str
    mode: str = "offline"
    action: str | None = None
    response: str | None = None
    query: str | None = None
    retriever: str | None = None
    passages: tuple[RetrievedPassage, ...] = ()
    prompt: str | None = None
    raw_output: str | None = None
    text: str | None = None
    template_text: str | None = None
    model: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost: float | None = None
    latency_ms: float = 0.0
    notes: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    error: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict[str, Any])

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "outcome": self.outcome,
            "mode": self.mode,
            "action": self.action,
            "response": self.response,
            "query": self.query,
            "retriever": self.retriever,
            "passages": [p.to_json() for p in self.passages],
            "prompt": self.prompt,
            "raw_output": self.raw_output,
            "text": self.text,
            "template_text": self.template_text,
            "model": self.model,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost": self.cost,
            "latency_ms": self.latency_ms,
            "notes": list(self.notes),
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "error": self.error,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GeneratedTrace:
        return cls(
            kind=str(data["kind"]),
            outcome=str(data["outcome"]),
            mode=str(data.get("mode", "offline")),
            action=data.get("action"),
            response=data.get("response"),
            query=data.get("query"),
            retriever=data.get("retriever"),
            passages=tuple(RetrievedPassage.from_json(p) for p in data.get("passages", [])),
            prompt=data.get("prompt"),
            raw_output=data.get("raw_output"),
            text=data.get("text"),
            template_text=data.get("template_text"),
            model=data.get("model"),
            prompt_tokens=data.get("prompt_tokens"),
            completion_tokens=data.get("completion_tokens"),
            cost=data.get("cost"),
            latency_ms=float(data.get("latency_ms", 0.0)),
            notes=tuple(data.get("notes", [])),
            diagnostics=tuple(Diagnostic.from_json(d) for d in data.get("diagnostics", [])),
            error=data.get("error"),
            extra=dict(data.get("extra") or {}),
        )

    def summary(self) -> str:
        """One line for `shell --debug` and the inspector's heading."""
        head = {"search": "knowledge", "chitchat": "chitchat", "rephrase": "rephrase"}.get(
            self.kind, self.kind
        )
        parts = [f"{head}: {self.outcome}", self.mode]
        if self.retriever:
            parts.append(f"{self.retriever} retrieval")
        if self.model:
            parts.append(self.model)
        if self.latency_ms:
            parts.append(f"{self.latency_ms:.0f} ms")
        return "  ".join(parts)
