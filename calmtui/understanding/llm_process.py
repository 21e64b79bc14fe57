"""litellm in a process of its own, for LLM-bound test runs (issue 16.8).

In one interpreter, litellm's import (~2.5 s of CPU) and each call's client work (~6.5 ms of CPU:
the OpenAI SDK's request and response models, cost, logging) share one GIL with the test runner:
an import thread cannot overlap loading the project, and 16 conversations' calls queue behind one
another's client code. So `calmtui test` in an LLM mode routes its calls (`route_calls`) to
`llm_worker`, a child process started at once: the import runs on another core while the project
and the tests load, and the runner's event loop keeps only the engine's work. The child uses the
same `LiteLLMClient`, so requests, retries, routers, redaction and errors are those of an
in-process call. `CALMTUI_LLM_PROCESS=0` keeps the calls in the test process. `shell` and `inspect`
do not route (one conversation: nothing to overlap).

Nothing hangs on the child: if it cannot import litellm or dies, the calls in flight fail with a
connection error that says so, and later calls are made in this process. One child serves the
whole process (a later run in the same interpreter reuses it) and ends with it.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import itertools
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import replace
from typing import IO, TYPE_CHECKING, Any, cast

from calmtui.understanding import errors
from calmtui.understanding.client import (
    Completion,
    CompletionClient,
    CompletionRequest,
    EmbeddingRequest,
    Embeddings,
)
from calmtui.understanding.errors import LLMConnectionError, LLMError, LLMProviderError
from calmtui.understanding.llm_frames import read_frame, write_frame

if TYPE_CHECKING:
    from calmtui.core.model.config import ModelConfig
    from calmtui.understanding.llm import LiteLLMClient

ENV_SWITCH = "CALMTUI_LLM_PROCESS"
WORKER_MODULE = "calmtui.understanding.llm_worker"
NEXT_STEP = f"run again; {ENV_SWITCH}=0 makes the calls in the test process itself"
Settle = Callable[[str, Any], None]

_process: LLMProcess | None = None
_routing = 0  # runs (nested in tests) whose LLM calls go to the process
_client_ids = itertools.count(1)


class LLMProcess:
    """The child and its pipes: frames out under a lock, a reader thread settling the calls."""

    def __init__(self) -> None:
        self._pending: dict[int, Settle] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.failure: str | None = None
        env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        self._child = subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # libraries' chatter; failures come back as frames
            env=env,
        )
        self._to_child = cast(IO[bytes], self._child.stdin)
        threading.Thread(
            target=self._read, args=(self._child.stdout,), name="llm-process", daemon=True
        ).start()

    @property
    def alive(self) -> bool:
        return self.failure is None

    def warm(self, models: Iterable[ModelConfig]) -> None:
        self.send(("warm", tuple(models)))

    def sync(self) -> None:
        """Block until the child has done everything sent so far (its import, warm-ups)."""
        self._ask(lambda call: ("sync", call))

    def missing_environment(self, model: ModelConfig) -> list[str] | None:
        """litellm's answer to `llm.missing_environment(model)`, asked in the child (so the
        start-up key check of an unlisted provider does not import litellm here); None when the
        child cannot answer (ask in this process then)."""
        status, value = self._ask(lambda call: ("missing_env", call, model))
        return cast(list[str], value) if status == "ok" else None

    def _ask(self, frame: Callable[[int], tuple[Any, ...]]) -> tuple[str, Any]:
        """Send a request and block until it is answered (or the child is gone)."""
        done = threading.Event()
        answer: list[tuple[str, Any]] = []

        def settle(status: str, value: Any) -> None:
            answer.append((status, value))
            done.set()

        self._request(settle, frame)
        done.wait()
        return answer[0]

    async def call(self, kind: str, client: int, request: object) -> tuple[str, Any]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[str, Any]] = loop.create_future()

        def settle(status: str, value: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
                loop.call_soon_threadsafe(_set_result, future, (status, value))

        self._request(settle, lambda call: (kind, call, client, request))
        return await future

    def send(self, frame: tuple[Any, ...]) -> None:
        with self._lock:
            if self.failure is not None:
                return
            try:
                write_frame(self._to_child, frame)
            except (OSError, ValueError) as exc:
                self._fail(f"calmtui's LLM process cannot be reached ({exc})")

    def stop(self) -> None:
        with self._lock:
            self._fail("calmtui's LLM process was stopped")
            with contextlib.suppress(OSError, ValueError):
                self._to_child.close()  # the child ends at the end of its input
        # It exits at once at the end of its input; waiting longer would only delay our exit.
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._child.wait(timeout=0.5)

    def _request(self, settle: Settle, frame: Callable[[int], tuple[Any, ...]]) -> None:
        with self._lock:
            failure = self.failure
            call = next(self._ids)
            if failure is None:
                self._pending[call] = settle
        if failure is not None:
            settle("gone", failure)
            return
        self.send(frame(call))

    def _read(self, source: IO[bytes]) -> None:
        with contextlib.suppress(Exception):
            while (frame := read_frame(source)) is not None:
                if frame[0] == "fatal":
                    with self._lock:
                        self._fail(str(frame[1]))
                    return
                with self._lock:
                    settle = self._pending.pop(frame[1], None)
                if settle is not None:
                    settle(frame[0], frame[2])
        code = self._child.poll()
        ended = f"exit code {code}" if code is not None else "its output closed"
        with self._lock:
            self._fail(f"calmtui's LLM process ended unexpectedly ({ended})")

    def _fail(self, reason: str) -> None:
        """Record the first failure and settle every call in flight with it (lock held)."""
        if self.failure is None:
            self.failure = reason
        pending, self._pending = self._pending, {}
        for settle in pending.values():
            settle("gone", self.failure)


def _set_result(future: asyncio.Future[tuple[str, Any]], result: tuple[str, Any]) -> None:
    if not future.done():
        future.set_result(result)


class ProcessClient:
    """A `CompletionClient` (and embedding client) whose calls the LLM process makes. Keys are
    read from `environ` (this process's environment when None), sent along whenever it changed."""

    def __init__(self, process: LLMProcess, environ: Mapping[str, str] | None = None) -> None:
        self._process = process
        self._environ = environ
        self._id = next(_client_ids)
        self._sent: dict[str, str] | None = None
        self._local: LiteLLMClient | None = None

    async def complete(self, request: CompletionRequest) -> Completion:
        return cast(Completion, await self._call("complete", request))

    async def embed(self, request: EmbeddingRequest) -> Embeddings:
        return cast(Embeddings, await self._call("embed", request))

    async def _call(self, kind: str, request: CompletionRequest | EmbeddingRequest) -> object:
        if not self._process.alive:
            return await self._in_process(request)
        environ = dict(os.environ if self._environ is None else self._environ)
        if environ != self._sent:
            self._process.send(("env", self._id, self._environ is not None, environ))
            self._sent = environ
        status, value = await self._process.call(kind, self._id, _plain(request))
        if status == "ok":
            return value
        if status == "error":
            raise _error(*value)
        raise LLMConnectionError(str(value), model=request.model_name, next_step=NEXT_STEP)

    async def _in_process(self, request: CompletionRequest | EmbeddingRequest) -> object:
        if self._local is None:
            from calmtui.understanding.llm import LiteLLMClient

            self._local = LiteLLMClient(self._environ)
        if isinstance(request, CompletionRequest):
            return await self._local.complete(request)
        return await self._local.embed(request)


def _plain(request: CompletionRequest | EmbeddingRequest) -> CompletionRequest | EmbeddingRequest:
    """The request with plain dicts (a mapping proxy or a YAML node type does not pickle)."""
    if isinstance(request, CompletionRequest):
        messages = tuple(dict(m) for m in request.messages)
        return replace(request, messages=messages, params=dict(request.params))
    return replace(request, params=dict(request.params))


def _error(name: str, message: str, model: str, next_step: str) -> LLMError:
    kind = getattr(errors, name, None)
    if not (isinstance(kind, type) and issubclass(kind, LLMError)):
        kind = LLMProviderError
    return kind(message, model=model, next_step=next_step)


# -- the process-wide switch -----------------------------------------------------------------------
def enabled(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(ENV_SWITCH, "1").strip().lower()
    return value not in ("0", "false", "no", "off")


@contextlib.contextmanager
def route_calls(on: bool = True) -> Generator[None, None, None]:
    """While inside, the LLM clients this process makes (`routed_client`) call through the
    LLM process (unless switched off with `CALMTUI_LLM_PROCESS=0`)."""
    global _routing
    on = on and enabled()
    _routing += on
    try:
        yield
    finally:
        _routing -= on


def routing() -> bool:
    return _routing > 0


def current(*, start: bool = True) -> LLMProcess | None:
    """The LLM process when calls are routed (started on first use unless `start` is False),
    else None."""
    global _process
    if not routing():
        return None
    if not start:
        return _process if _process is not None and _process.alive else None
    if _process is None or not _process.alive:
        try:
            _process = LLMProcess()
        except OSError:  # no child can be started: calls stay in this process
            return None
    return _process


def routed_client(environ: Mapping[str, str] | None = None) -> CompletionClient | None:
    process = current()
    return None if process is None else ProcessClient(process, environ)


@atexit.register
def _stop() -> None:
    if _process is not None:
        _process.stop()
