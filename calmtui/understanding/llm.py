"""The only module that talks to litellm — lazily, quietly, and through our own error types.

`import litellm` costs seconds and, by default, fetches a price map from the internet and logs
to the terminal. So litellm is imported on the first call only, after setting
`LITELLM_LOCAL_MODEL_COST_MAP=True` (the bundled map: no network, costs still computed) and
`LITELLM_MODE=PRODUCTION` (no stray `.env` loaded), with its loggers routed away from the
terminal. litellm's own retries are off (`max_retries=0`): the generator retries rate limits with
backoff and falls back along the model group itself, so every attempt is visible in the trace.

A model group with a `router:` goes through litellm's own `Router` (the library Rasa uses for
this), built once per group from the router's settings exactly as Rasa passes them
(`routing_strategy`, `num_retries`, `allowed_fails`, `cooldown_time`, ...; litellm's defaults
otherwise): it spreads the requests over the group's deployments and retries past a failing one.
Each deployment carries an id of ours, so the completion says which one answered.

Per call, the client stays cheap for the one event loop it shares with every conversation: request
starts are spaced (`pacing.RequestPacer`: concurrent calls otherwise move in a convoy), and the
cost litellm already computed for the response is reused rather than computed a second time.

Exceptions from litellm, openai and httpx are mapped to `LLMError` subclasses with a next step
("set OPENAI_API_KEY in .env"); API keys are masked in every message (`redaction.redact`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import json
import logging
import os
import threading
import time
import weakref
from collections.abc import Generator, Mapping, Sequence
from dataclasses import replace
from types import ModuleType
from typing import Any, NoReturn, cast
from urllib.parse import urlsplit, urlunsplit

from calmtui.core.model.config import ModelConfig, ModelGroup
from calmtui.understanding.client import (
    Completion,
    CompletionRequest,
    EmbeddingRequest,
    Embeddings,
)
from calmtui.understanding.credentials import (
    OPENAI_COMPATIBLE,
    PROVIDER_KEY_ENV,
    check_key,
    provider_of,
)
from calmtui.understanding.errors import (
    LLMAuthError,
    LLMBadRequestError,
    LLMBadResponseError,
    LLMConnectionError,
    LLMError,
    LLMModelNotFoundError,
    LLMProviderError,
    LLMRateLimitError,
    LLMTimeoutError,
)
from calmtui.understanding.pacing import RequestPacer
from calmtui.understanding.redaction import redact, secret_values
from calmtui.understanding.settings import request_params

# OpenAI-compatible local servers (llama.cpp, vLLM, LM Studio, Ollama's /v1) need no key, but the
# openai client refuses to send a request without one.
NO_KEY_PLACEHOLDER = "sk-no-key-required"
LITELLM_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm")
_MESSAGE_LIMIT = 400
# A router setting Rasa reads itself (chat or text completions); litellm's Router does not take it.
USE_CHAT_COMPLETIONS = "use_chat_completions_endpoint"

log = logging.getLogger("calmtui.understanding.llm")
log.addHandler(logging.NullHandler())
_litellm: ModuleType | None = None
_IMPORTING = threading.Lock()
# litellm sends these providers' requests through the OpenAI SDK's client.
OPENAI_SDK_PROVIDERS = OPENAI_COMPATIBLE | {"azure"}
# One pacer for every client of the process: they all share the CPU of one event loop.
_SHARED_PACER = RequestPacer()
# litellm Routers by event loop, then by configuration (group id, deployments, router settings).
_ROUTERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Any]] = (
    weakref.WeakKeyDictionary()
)


def import_litellm() -> ModuleType:
    """litellm, imported once, offline and silent (safe to call from a worker thread early:
    `calmtui.app.understanding.prefetch_litellm` does, while the project and tests load)."""
    global _litellm
    if _litellm is None:
        with _IMPORTING:  # a first call waits for an import a prefetch thread has begun
            if _litellm is None:
                _litellm = _import()
    return _litellm


def _import() -> ModuleType:
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    # In its default "DEV" mode litellm's import loads the first `.env` python-dotenv finds
    # (walking up from the working directory or the caller's file) into os.environ: keys of
    # some other project could leak in. The project's `.env` is read by calmtui itself (core/loading), so keep it off.
    os.environ.setdefault("LITELLM_MODE", "PRODUCTION")
    # The import creates ~2,700 modules' objects, all of which live as long as the process: the
    # cyclic GC would walk them again and again while they are made (~20% of the import's CPU).
    paused = gc.isenabled()
    gc.disable()
    try:
        import litellm
    finally:
        if paused:
            gc.enable()
    litellm.suppress_debug_info = True
    for name in LITELLM_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [_Forward()]
        logger.propagate = False
    # Without this, every full collection walks those objects and stalls the event loop (and
    # every call in flight) for ~300 ms; frozen, such a collection takes ~50 ms.
    gc.freeze()
    return litellm


def warm_client(models: Sequence[ModelConfig]) -> None:
    """Do litellm's one-off set-up of a first call ahead of it (in the prefetch thread), so the
    first calls of a run do not each stall the event loop on it: one call per model answered by
    litellm's `mock_response` (no network: its lazily loaded provider code and cost tables), and
    the OpenAI SDK's resource classes its OpenAI-compatible clients import on their first
    request (~0.4 s). Failures are ignored: the real call reports what is wrong."""
    litellm = import_litellm()
    for name in dict.fromkeys(m.litellm_model for m in models):
        with contextlib.suppress(Exception):
            litellm.completion(
                model=name,
                messages=[{"role": "user", "content": "warm-up"}],
                mock_response="ok",
                api_key="warm-up",
            )
    if any(provider_of(m) in OPENAI_SDK_PROVIDERS for m in models):
        with contextlib.suppress(Exception):
            importlib.import_module("openai.resources")


class _Forward(logging.Handler):
    """litellm's log records, redacted, into our logger (never straight to the terminal)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = redact(record.getMessage(), secret_values())
        except Exception:  # a log line must never break a turn
            return
        log.log(record.levelno, "litellm: %s", message[:_MESSAGE_LIMIT])


class LiteLLMClient:
    """Chat completions through `litellm.acompletion` (any provider litellm supports)."""

    def __init__(
        self, environ: Mapping[str, str] | None = None, *, pacer: RequestPacer | None = None
    ) -> None:
        self._environ = environ
        self.pacer = pacer if pacer is not None else _SHARED_PACER

    @property
    def environ(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    async def complete(self, request: CompletionRequest) -> Completion:
        if request.route is not None:
            return await self._complete_routed(request, request.route)
        kwargs = self._kwargs(request)
        secrets = secret_values(kwargs, self.environ)
        litellm = import_litellm()
        await self.pacer.wait()
        started = time.perf_counter()
        with _mapped_errors(request, secrets):
            response = await litellm.acompletion(**kwargs)
            text = _content(response, request.model_name)
        return _completion(litellm, response, text, request.model_name, started)

    async def _complete_routed(self, request: CompletionRequest, route: ModelGroup) -> Completion:
        """One call through the group's Router; the completion names the deployment used."""
        deployments = [self._deployment(route, i, model) for i, model in enumerate(route.models)]
        secrets = [v for d in deployments for v in secret_values(d["litellm_params"], self.environ)]
        litellm = import_litellm()
        router = self._router(litellm, route, deployments, request, secrets)
        await self.pacer.wait()
        started = time.perf_counter()
        with _mapped_errors(request, secrets):
            if (route.router or {}).get(USE_CHAT_COMPLETIONS, True) is False:
                response = await router.atext_completion(model=route.id, prompt=request.prompt)
                text = _text(response, request.model_name)
            else:
                messages = [dict(m) for m in request.messages]
                response = await router.acompletion(model=route.id, messages=messages)
                text = _content(response, request.model_name)
        completion = _completion(litellm, response, text, request.model_name, started)
        index, earlier = _answered_by(response, route)
        if index is None:
            return completion
        model = route.models[index]
        where = f" at {_shown_url(model.api_base)}" if model.api_base else ""
        return replace(
            completion,
            model=model.litellm_model,
            deployment=f"deployment {index + 1} of {len(route.models)}: "
            f"{model.litellm_model}{where}{earlier}",
        )

    def _deployment(self, route: ModelGroup, index: int, model: ModelConfig) -> dict[str, Any]:
        """One entry of the Router's model list: the same parameters as a direct call."""
        request = CompletionRequest(model=model, messages=(), params=request_params(model))
        params = self._kwargs(request)
        # Retries are the Router's (its num_retries, as Rasa configures it): a deployment's own
        # max_retries would override them (litellm reads it back from the failed call).
        for key in ("messages", "num_retries", "max_retries"):
            params.pop(key, None)
        return {
            "model_name": route.id,
            "litellm_params": params,
            "model_info": {"id": _deployment_id(route, index)},
        }

    def _router(
        self,
        litellm: ModuleType,
        route: ModelGroup,
        deployments: list[dict[str, Any]],
        request: CompletionRequest,
        secrets: list[str],
    ) -> Any:
        """The group's Router, made once per event loop and configuration: its cooldowns and
        counters must outlive a call, and each Router registers callbacks with litellm for good
        (so a reload or another client with the same settings reuses it). Its HTTP clients
        belong to the loop it first ran on, hence one per loop."""
        settings = {k: v for k, v in (route.router or {}).items() if k != USE_CHAT_COMPLETIONS}
        key = json.dumps([route.id, deployments, settings], sort_keys=True, default=str)
        routers = _ROUTERS.setdefault(asyncio.get_running_loop(), {})
        router = routers.get(key)
        if router is None:
            try:
                router = litellm.Router(model_list=deployments, **settings)
            except Exception as exc:  # an unknown or ill-typed router setting
                text = redact(_clean_message(str(exc)), secrets)
                raise LLMBadRequestError(
                    f"litellm's Router refused the router of model group {route.id!r}: {text}",
                    model=request.model_name,
                    next_step="check 'router:' of the model group in endpoints.yml",
                ) from None
            routers[key] = router
        return router

    async def embed(self, request: EmbeddingRequest) -> Embeddings:
        """Embeddings through `litellm.aembedding` (knowledge search over documents)."""
        kwargs = self._base_kwargs(request)
        kwargs["input"] = list(request.texts)
        secrets = secret_values(kwargs, self.environ)
        litellm = import_litellm()
        await self.pacer.wait()
        started = time.perf_counter()
        with _mapped_errors(request, secrets):
            response = await litellm.aembedding(**kwargs)
            vectors = _vectors(response, request)
        usage = getattr(response, "usage", None)
        return Embeddings(
            vectors=vectors,
            model=request.model_name,
            prompt_tokens=_int(getattr(usage, "prompt_tokens", None)),
            cost=_cost(litellm, response),
            latency_ms=(time.perf_counter() - started) * 1000,
        )

    def _kwargs(self, request: CompletionRequest) -> dict[str, Any]:
        kwargs = self._base_kwargs(request)
        kwargs["messages"] = [dict(m) for m in request.messages]
        kwargs["drop_params"] = True
        return kwargs

    def _base_kwargs(self, request: CompletionRequest | EmbeddingRequest) -> dict[str, Any]:
        model = request.model
        params = {k: v for k, v in request.params.items() if v is not None}
        if "api_key" in params and not str(params["api_key"]).strip():
            raise LLMAuthError(
                "the api_key of this model is empty",
                model=request.model_name,
                next_step="set the environment variable its ${...} value in endpoints.yml refers to",
            )
        kwargs: dict[str, Any] = {
            **params,
            "model": request.model_name,
            "timeout": request.timeout,
            "max_retries": 0,
            "num_retries": 0,
        }
        if model.api_base:
            kwargs["api_base"] = model.api_base
        if model.api_version:
            kwargs["api_version"] = model.api_version
        if "api_key" not in kwargs:
            self._check_key(request, kwargs)
        return kwargs

    def _check_key(
        self, request: CompletionRequest | EmbeddingRequest, kwargs: dict[str, Any]
    ) -> None:
        """The key rule of `credentials.check_key` (without asking litellm: it reports a
        missing key of other providers itself)."""
        check = check_key(request.model, self.environ, ask_litellm=False)
        if check.key is not None:
            kwargs["api_key"] = check.key  # explicit, so an injected environment works too
        elif check.no_key_needed and provider_of(request.model) == "openai":
            kwargs["api_key"] = NO_KEY_PLACEHOLDER  # the openai client refuses to send none
        elif check.empty_api_key:
            raise LLMAuthError(
                "the api_key of this model is empty",
                model=request.model_name,
                next_step="set the environment variable its ${...} value in endpoints.yml refers to",
            )
        elif check.missing:
            raise LLMAuthError(
                f"no API key for {provider_of(request.model)}",
                model=request.model_name,
                next_step=f"set {' or '.join(check.missing)} in .env or in your shell, "
                "or use --understanding offline",
            )


def missing_environment(model: ModelConfig) -> list[str]:
    """The environment variables litellm says `model` needs and does not find (its own list
    per provider; empty for a provider litellm does not know)."""
    litellm = import_litellm()
    provider = provider_of(model)
    if provider not in getattr(litellm, "provider_list", ()):
        return []  # litellm prints its provider list for a provider it does not know
    try:
        found: object = litellm.validate_environment(
            model=model.litellm_model, api_base=model.api_base, api_version=model.api_version
        )
    except Exception:  # a provider whose check itself fails: leave it to the call
        return []
    if not isinstance(found, dict):
        return []
    missing: object = cast(dict[str, object], found).get("missing_keys", [])
    return [str(name) for name in cast(list[Any], missing)] if isinstance(missing, list) else []


@contextlib.contextmanager
def _mapped_errors(
    request: CompletionRequest | EmbeddingRequest, secrets: list[str]
) -> Generator[None, None, None]:
    """Any exception inside becomes an LLMError with a next step (httpx's `map_exceptions`)."""
    try:
        yield
    except LLMError:
        raise
    except Exception as exc:
        _raise_mapped(exc, request, secrets)


def _raise_mapped(
    exc: Exception, request: CompletionRequest | EmbeddingRequest, secrets: list[str]
) -> NoReturn:
    model = request.model_name
    names = {cls.__name__ for cls in type(exc).__mro__}
    text = redact(_clean_message(str(exc)), secrets)
    lowered = text.lower()
    where = request.model.api_base or (request.model.provider or model.split("/", 1)[0])
    error: LLMError
    if "RouterRateLimitError" in names:
        error = LLMRateLimitError(
            f"no deployment of the model group is available (all cooling down after failures): {text}",
            model=model,
            next_step="check the group's deployments; the router's cooldown_time says when they are tried again",
        )
    elif "RateLimitError" in names:
        error = LLMRateLimitError(
            f"rate limited: {text}",
            model=model,
            next_step="wait a moment, or check the plan's limits",
        )
    elif names & {"Timeout", "APITimeoutError", "TimeoutError", "ReadTimeout"}:
        error = LLMTimeoutError(
            f"no answer within {request.timeout:g}s",
            model=model,
            next_step="raise 'timeout' for this model in endpoints.yml, or check the server",
        )
    elif "AuthenticationError" in names or "missing credentials" in lowered or "api key" in lowered:
        provider = (request.model.provider or model.split("/", 1)[0]).lower()
        env_name = " or ".join(PROVIDER_KEY_ENV.get(provider, ("the provider's API key variable",)))
        error = LLMAuthError(
            f"authentication failed: {text}",
            model=model,
            next_step=f"set {env_name} in .env or in your shell",
        )
    elif "NotFoundError" in names:
        error = LLMModelNotFoundError(
            f"model not found: {text}",
            model=model,
            next_step="check the model name in endpoints.yml",
        )
    elif "connection error" in lowered or names & {
        "APIConnectionError",
        "ConnectError",
        "ConnectionError",
    }:
        error = LLMConnectionError(
            f"cannot connect to {where}: {text}",
            model=model,
            next_step="check api_base in endpoints.yml and that the server is running",
        )
    elif "expecting value" in lowered or names & {
        "JSONDecodeError",
        "IndexError",
        "KeyError",
        "AttributeError",
    }:
        error = LLMBadResponseError(
            f"the reply is not a chat completion: {text}",
            model=model,
            next_step="check that api_base points at an OpenAI-compatible server",
        )
    elif "BadRequestError" in names:
        error = LLMBadRequestError(
            f"request rejected: {text}",
            model=model,
            next_step="check the model's parameters in endpoints.yml",
        )
    else:
        error = LLMProviderError(
            f"{type(exc).__name__}: {text}",
            model=model,
            next_step="try again, or add a fallback model to the model group",
        )
    raise error from None


def _clean_message(message: str) -> str:
    """litellm repeats class names ("litellm.RateLimitError: RateLimitError: OpenAIException - x")."""
    for marker in ("OpenAIException - ", "Exception - ", "Error: "):
        if marker in message:
            message = message.rsplit(marker, 1)[-1]
    message = " ".join(message.split())
    return message[:_MESSAGE_LIMIT] + ("..." if len(message) > _MESSAGE_LIMIT else "")


def _content(response: Any, model: str) -> str:
    try:
        content = response.choices[0].message.content
    except (AttributeError, IndexError, KeyError, TypeError):
        raise LLMBadResponseError(
            "the reply has no message",
            model=model,
            next_step="check that api_base points at an OpenAI-compatible server",
        ) from None
    return content if isinstance(content, str) else ""


def _text(response: Any, model: str) -> str:
    """The text of a (legacy) text completion: `use_chat_completions_endpoint: false`."""
    try:
        content = response.choices[0].text
    except (AttributeError, IndexError, KeyError, TypeError):
        raise LLMBadResponseError(
            "the reply has no text",
            model=model,
            next_step="check that api_base points at an OpenAI-compatible server",
        ) from None
    return content if isinstance(content, str) else ""


def _completion(
    litellm: ModuleType, response: Any, text: str, model: str, started: float
) -> Completion:
    usage = getattr(response, "usage", None)
    return Completion(
        text=text,
        model=model,
        prompt_tokens=_int(getattr(usage, "prompt_tokens", None)),
        completion_tokens=_int(getattr(usage, "completion_tokens", None)),
        cost=_cost(litellm, response),
        latency_ms=(time.perf_counter() - started) * 1000,
    )


def _deployment_id(route: ModelGroup, index: int) -> str:
    return f"calmtui:{route.id}#{index}"


def _answered_by(response: Any, route: ModelGroup) -> tuple[int | None, str]:
    """Which of the group's deployments answered (by our id), and `, after 1 retry` when the
    Router retried or fell back (to a deployment of a higher `order`) before that."""
    hidden = getattr(response, "_hidden_params", None)
    if not isinstance(hidden, dict):
        return None, ""
    ids = {_deployment_id(route, i): i for i in range(len(route.models))}
    hidden = cast(dict[str, Any], hidden)
    raw = hidden.get("additional_headers")
    headers = cast(dict[str, Any], raw) if isinstance(raw, dict) else {}
    parts: list[str] = []
    for header, one, many in (
        ("retries", "retry", "retries"),
        ("fallbacks", "fallback", "fallbacks"),
    ):
        count = _int(headers.get(f"x-litellm-attempted-{header}")) or 0
        if count:
            parts.append(f"{count} {one if count == 1 else many}")
    return ids.get(str(hidden.get("model_id"))), f", after {' and '.join(parts)}" if parts else ""


def _shown_url(url: str) -> str:
    """A URL without user, password, query or fragment (they can hold credentials)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", "")) if host else url


def _vectors(response: Any, request: EmbeddingRequest) -> tuple[tuple[float, ...], ...]:
    """One vector per text, in the order of the texts (servers may answer out of order)."""
    try:
        items = sorted(response.data, key=lambda item: _item(item, "index"))
        vectors = tuple(tuple(float(x) for x in _item(item, "embedding")) for item in items)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        raise LLMBadResponseError(
            "the reply is not a list of embeddings",
            model=request.model_name,
            next_step="check that api_base points at an OpenAI-compatible embeddings server",
        ) from None
    if len(vectors) != len(request.texts) or any(not v for v in vectors):
        raise LLMBadResponseError(
            f"asked for {len(request.texts)} embeddings, got {len(vectors)}",
            model=request.model_name,
            next_step="check the embeddings model in endpoints.yml",
        )
    return vectors


def _item(item: Any, key: str) -> Any:
    if isinstance(item, Mapping):
        return cast(Mapping[str, Any], item)[key]
    return getattr(item, key)


def _cost(litellm: ModuleType, response: Any) -> float | None:
    """The cost litellm put into the response's hidden params (None there: a model without a
    price); computed here only for a response that has no such entry."""
    hidden = getattr(response, "_hidden_params", None)
    if isinstance(hidden, dict) and "response_cost" in hidden:
        cost: object = cast(dict[str, object], hidden)["response_cost"]
        return float(cost) if isinstance(cost, int | float) else None
    try:
        cost = litellm.completion_cost(completion_response=response)
    except Exception:  # unknown models have no price: no cost, not an error
        return None
    return float(cost) if isinstance(cost, int | float) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
