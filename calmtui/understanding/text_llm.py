"""Plain prompt-in, text-out LLM calls and embeddings, for what the bot says rather than what the
user means: knowledge answers, rephrased responses, free-form chitchat (calmtui.knowledge and
calmtui.generation use these; only `llm.py` imports litellm).

    llm = TextLLM(models, client)                  # a model group: the first model, then fallbacks
    llm = TextLLM(group.models, client, route=group)   # a group with a router: litellm's Router
    answer = await llm.ask(prompt, turn=3, user_message="how do I ...")
    vectors = await Embedder(model, client).embed(["passage one", "passage two"])

`LLMClients.for_mode(...)` gives the clients of an understanding mode (llm, record, replay), so
these calls are recorded and replayed exactly like command generation. A failure never raises
out of `ask`: the answer carries the error, and the caller decides (Rasa's policies say sorry
through the internal-error pattern; the rephraser keeps the template text).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from calmtui.core.diagnostics import did_you_mean
from calmtui.core.model.config import ModelConfig, ModelGroup
from calmtui.core.model.project import Project
from calmtui.understanding.client import (
    CompletionClient,
    CompletionRequest,
    EmbeddingClient,
    EmbeddingRequest,
)
from calmtui.understanding.errors import LLMError, LLMProviderError, UnderstandingConfigError
from calmtui.understanding.redaction import redact, secret_values
from calmtui.understanding.retrying import complete_with_retries
from calmtui.understanding.settings import model_from_mapping

DEFAULT_EMBEDDINGS = ModelConfig(provider="openai", model="text-embedding-3-large")
EMBED_BATCH = 64


def resolve_models(
    project: Project, value: Any, default: ModelConfig, owner: str
) -> tuple[ModelConfig, ...]:
    """The models an `llm:` / `embeddings:` option names: `{model_group: id}` (the group's
    models, in order), an inline model, or `default` when the option is absent.

    Raises UnderstandingConfigError naming the owner for an unknown group."""
    data: Mapping[str, Any] = cast(Mapping[str, Any], value) if isinstance(value, Mapping) else {}
    group_id = data.get("model_group")
    if group_id is None:
        return (model_from_mapping(data),) if data else (default,)
    group = project.endpoints.model_groups.get(str(group_id))
    if group is None or not group.models:
        known = sorted(project.endpoints.model_groups)
        hint = did_you_mean(str(group_id), known) or (
            f"defined groups: {', '.join(known)}" if known else "endpoints.yml defines none"
        )
        raise UnderstandingConfigError(
            f"{owner} uses model group {group_id!r}, which endpoints.yml does not define ({hint})"
        )
    return group.models


def resolve_route(project: Project, value: Any) -> ModelGroup | None:
    """The model group an `llm:` option names when it has a `router:` (Rasa hands every LLM
    component's calls of such a group to litellm's Router); None otherwise."""
    data: Mapping[str, Any] = cast(Mapping[str, Any], value) if isinstance(value, Mapping) else {}
    group = project.endpoints.model_groups.get(str(data.get("model_group")))
    return group if group is not None and group.router is not None and group.models else None


@dataclass(frozen=True, slots=True, kw_only=True)
class TextAnswer:
    """One prompt's answer, or why there is none (`error`), with what the inspector shows."""

    prompt: str
    text: str = ""
    model: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost: float | None = None
    latency_ms: float = 0.0
    error: str | None = None
    error_kind: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.text.strip())


class TextLLM:
    """Ask a model group for text: rate limits are retried with backoff, any other failure
    moves on to the next model of the group; every attempt is noted."""

    def __init__(
        self,
        models: Sequence[ModelConfig],
        client: CompletionClient,
        *,
        defaults: Mapping[str, Any] | None = None,
        attempts: int = 2,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        route: ModelGroup | None = None,
    ) -> None:
        # With a route, the group's router picks among `models` (its deployments), so there is
        # one request (the router retries and falls back itself); without, `models` in order.
        self.route = route
        self.models = tuple(models)[:1] if route is not None else tuple(models)
        self.client = client
        self.defaults = dict(defaults or {})
        self.attempts = max(1, attempts)
        self._sleep = sleep

    @property
    def model_names(self) -> tuple[str, ...]:
        if self.route is not None:
            return tuple(m.litellm_model for m in self.route.models)
        return tuple(m.litellm_model for m in self.models)

    async def ask(self, prompt: str, *, turn: int = 0, user_message: str = "") -> TextAnswer:
        started = time.perf_counter()
        notes: list[str] = []
        failures: list[LLMError] = []
        messages = ({"role": "user", "content": prompt},)
        for index, model in enumerate(self.models):
            if index:
                notes.append(f"falling back to {model.litellm_model}")
            request = CompletionRequest(
                model=model,
                messages=messages,
                params={**self.defaults, **model.params},
                turn=turn,
                user_message=user_message,
                route=self.route,
            )
            outcome = await complete_with_retries(
                self.client,
                request,
                attempts=self.attempts,
                delay=_backoff,
                sleep=self._sleep,
                notes=notes,
            )
            if isinstance(outcome, LLMError):
                failures.append(outcome)
                continue
            if outcome.deployment:
                notes.append(f"{request.model_name}: {outcome.deployment}")
            if outcome.recording:
                verb = "replayed from" if outcome.source == "recording" else "recorded to"
                notes.append(f"{verb} {outcome.recording}")
            text = outcome.text.strip()
            return TextAnswer(
                prompt=prompt,
                text=text,
                model=outcome.model,
                prompt_tokens=outcome.prompt_tokens,
                completion_tokens=outcome.completion_tokens,
                cost=outcome.cost,
                latency_ms=_ms(started),
                notes=tuple(notes),
                error=None if text else f"{outcome.model} gave an empty reply",
                error_kind=None if text else "empty_reply",
            )
        first = failures[0] if failures else LLMProviderError("no model to ask")
        message = "; ".join(map(str, failures)) or str(first)
        return TextAnswer(
            prompt=prompt,
            model=self.model_names[0] if self.models else None,
            latency_ms=_ms(started),
            error=message,
            error_kind=first.kind,
            notes=tuple(notes),
        )


class Embedder:
    """Embeddings for many texts, in batches, through one model."""

    def __init__(self, model: ModelConfig, client: EmbeddingClient, *, batch: int = EMBED_BATCH):
        self.model = model
        self.client = client
        self.batch = max(1, batch)

    @property
    def model_name(self) -> str:
        return self.model.litellm_model

    async def embed(
        self, texts: Sequence[str], *, turn: int = 0, user_message: str = ""
    ) -> list[tuple[float, ...]]:
        """Vectors in the order of `texts`; raises LLMError (the caller reports it)."""
        vectors: list[tuple[float, ...]] = []
        for start in range(0, len(texts), self.batch):
            request = EmbeddingRequest(
                model=self.model,
                texts=tuple(texts[start : start + self.batch]),
                params=dict(self.model.params),
                turn=turn,
                user_message=user_message,
            )
            try:
                result = await self.client.embed(request)
            except LLMError:
                raise
            except Exception as exc:
                detail = redact(f"{type(exc).__name__}: {exc}", secret_values(request.params))
                raise LLMProviderError(detail, model=request.model_name) from None
            vectors.extend(result.vectors)
        return vectors


@dataclass(frozen=True, slots=True, kw_only=True)
class LLMClients:
    """The completion and embedding clients of one understanding mode (None: offline)."""

    mode: str
    completion: CompletionClient | None = None
    embedding: EmbeddingClient | None = None
    notes: tuple[str, ...] = field(default_factory=tuple[str, ...])

    @property
    def online(self) -> bool:
        return self.completion is not None

    @classmethod
    def offline(cls) -> LLMClients:
        return cls(mode="offline")

    @classmethod
    def for_mode(
        cls,
        mode: str,
        root: Path,
        *,
        environ: Mapping[str, str] | None = None,
        client: object | None = None,
        recordings_dir: Path | None = None,
    ) -> LLMClients:
        """`llm`: litellm (or `client`), `record`: the same, recorded, `replay`: recordings only,
        anything else: offline. Building them never imports litellm."""
        from calmtui.understanding.recording import (
            RECORDINGS_DIR,
            RecordingClient,
            RecordingStore,
            ReplayClient,
        )

        if mode not in ("llm", "record", "replay"):
            return cls.offline()
        store = RecordingStore(recordings_dir or root / RECORDINGS_DIR, project_root=root)
        if mode == "replay":
            replay = ReplayClient(store)
            return cls(mode=mode, completion=replay, embedding=replay)
        if client is None:
            from calmtui.understanding.modes import litellm_client

            client = litellm_client(environ)
        real = cast(Any, client)
        inner: Any = RecordingClient(real, store) if mode == "record" else real
        return cls(mode=mode, completion=inner, embedding=inner)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _backoff(attempt: int) -> float:
    """0.5 s, 1 s, 2 s, ... at most 4 s: a text answer is worth less waiting than a command."""
    return min(4.0, 0.5 * 2 ** (attempt - 1))
