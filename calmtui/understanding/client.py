"""The seam between the LLM command generator and whatever answers its prompts.

`LLMCommandGenerator` builds a `CompletionRequest` for its model — or, for a model group with a
router, for the group (`route`): litellm's Router then picks the deployment — and awaits a
`CompletionClient`: the litellm client (`llm.py`), the recorder wrapped around it, or the
replayer that answers from recordings (`recording.py`). A client raises `LLMError` subclasses
only; the generator owns its retries and turning failures into `Error` commands, so every mode
behaves the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from calmtui.core.model.config import ModelConfig, ModelGroup
from calmtui.understanding.settings import DEFAULT_TIMEOUT


@dataclass(frozen=True, slots=True, kw_only=True)
class CompletionRequest:
    """One chat completion. `params` may hold secrets (api_key): never show or store it as is;
    `redaction.public_params` gives the part that may be shown."""

    model: ModelConfig
    messages: tuple[Mapping[str, str], ...]
    params: Mapping[str, Any] = field(default_factory=dict[str, Any], repr=False)
    turn: int = 0
    user_message: str = ""
    # A model group with a router: `model` is its first deployment, litellm's Router picks one.
    route: ModelGroup | None = field(default=None, repr=False)

    @property
    def model_name(self) -> str:
        """What answers: the model, or `router/<group id>` (also the key of its recordings, so
        a recording does not depend on the deployment that happened to answer)."""
        return f"router/{self.route.id}" if self.route is not None else self.model.litellm_model

    @property
    def timeout(self) -> float:
        return self.model.timeout if self.model.timeout is not None else DEFAULT_TIMEOUT

    @property
    def prompt(self) -> str:
        return "\n\n".join(m.get("content", "") for m in self.messages)


@dataclass(frozen=True, slots=True, kw_only=True)
class Completion:
    text: str
    model: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost: float | None = None
    latency_ms: float = 0.0
    source: Literal["provider", "recording"] = "provider"
    recording: str | None = None
    # For a routed request: which deployment answered, e.g. "deployment 2 of 3: openai/gpt-4o
    # at http://127.0.0.1:8080/v1, after 1 retry".
    deployment: str | None = None


class CompletionClient(Protocol):
    async def complete(self, request: CompletionRequest) -> Completion: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class EmbeddingRequest:
    """Texts to embed with one model (knowledge search: passages and queries). Like a
    `CompletionRequest`, `params` may hold secrets and is never shown or stored as is."""

    model: ModelConfig
    texts: tuple[str, ...]
    params: Mapping[str, Any] = field(default_factory=dict[str, Any], repr=False)
    turn: int = 0
    user_message: str = ""

    @property
    def model_name(self) -> str:
        return self.model.litellm_model

    @property
    def timeout(self) -> float:
        return self.model.timeout if self.model.timeout is not None else DEFAULT_TIMEOUT


@dataclass(frozen=True, slots=True, kw_only=True)
class Embeddings:
    vectors: tuple[tuple[float, ...], ...]
    model: str
    prompt_tokens: int | None = None
    cost: float | None = None
    latency_ms: float = 0.0
    source: Literal["provider", "recording"] = "provider"
    recording: str | None = None


class EmbeddingClient(Protocol):
    async def embed(self, request: EmbeddingRequest) -> Embeddings: ...
