"""The child side of `llm_process`: litellm's calls, made in a process of their own.

Run as `python -m calmtui.understanding.llm_worker` by `llm_process.LLMProcess`, never by hand.
It starts reading its requests at once (into a queue, so the parent never blocks on a full pipe),
imports litellm — the seconds that would otherwise stall the test run — and then answers every
request on one event loop with the same `LiteLLMClient` an in-process run uses, so the requests,
retries, routers, redaction and error mapping are exactly those of that client.

Frames (`llm_process.read_frame` / `write_frame`: a length and a pickle) from the parent:
`("env", client, own, environ)` sets the environment a client reads its keys from (`own`: the
client was given one; otherwise the environment is this process's), `("warm", models)`,
`("sync", id)` (answered once everything sent before it is done: the parent's "ready"),
`("missing_env", id, model)` (the key variables litellm says the model lacks: the start-up check),
`("complete" | "embed", id, client, request)`. Answers: `("ok", id, value)` or
`("error", id, (error class name, message, model, next step))`; `("fatal", message)` when litellm
cannot be imported at all. Stray output of libraries goes to stderr (the parent discards it), so
nothing but frames reaches the pipe.
"""

from __future__ import annotations

import asyncio
import os
import queue
import sys
import threading
from typing import Any, BinaryIO

from calmtui.understanding.client import CompletionRequest, EmbeddingRequest
from calmtui.understanding.errors import LLMError
from calmtui.understanding.llm_frames import read_frame, write_frame
from calmtui.understanding.redaction import redact, secret_values

Frame = tuple[Any, ...]


def main() -> int:
    """Serve until the parent closes the pipe (exits the process), 1 if litellm is missing."""
    replies = _protocol_output()
    requests: queue.Queue[Frame | None] = queue.Queue()
    threading.Thread(target=_read_all, args=(sys.stdin.buffer, requests), daemon=True).start()
    try:
        from calmtui.understanding.llm import import_litellm

        import_litellm()
    except BaseException as exc:  # report it: the parent falls back to calling in its own process
        write_frame(replies, ("fatal", f"litellm cannot be imported: {type(exc).__name__}: {exc}"))
        return 1
    asyncio.run(_Worker(replies).serve(requests))
    replies.flush()
    os._exit(0)  # every answer is sent: skip tearing down litellm's thousands of modules


def _protocol_output() -> BinaryIO:
    """A private copy of stdout for the frames; fd 1 itself then points at stderr, so a library
    that prints cannot corrupt the protocol."""
    sys.stdout.flush()
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    return replies


def _read_all(source: BinaryIO, requests: queue.Queue[Frame | None]) -> None:
    try:
        while (frame := read_frame(source)) is not None:
            requests.put(frame)
    finally:
        requests.put(None)  # the parent closed the pipe (or exited): stop


class _Worker:
    def __init__(self, replies: BinaryIO) -> None:
        from calmtui.understanding.llm import LiteLLMClient

        self._replies = replies
        self._clients: dict[int, LiteLLMClient] = {}
        self._client_type = LiteLLMClient
        self._tasks: set[asyncio.Task[None]] = set()

    async def serve(self, requests: queue.Queue[Frame | None]) -> None:
        while (frame := await asyncio.to_thread(requests.get)) is not None:
            self._dispatch(frame)
        for task in list(self._tasks):
            task.cancel()

    def _dispatch(self, frame: Frame) -> None:
        kind = frame[0]
        if kind == "env":
            _, client, own, environ = frame
            if not own:
                os.environ.update(environ)
            self._clients[client] = self._client_type(dict(environ) if own else None)
        elif kind == "warm":
            from calmtui.understanding.llm import warm_client

            warm_client(frame[1])
        elif kind == "sync":
            write_frame(self._replies, ("ok", frame[1], None))
        elif kind == "missing_env":
            from calmtui.understanding.llm import missing_environment

            write_frame(self._replies, ("ok", frame[1], missing_environment(frame[2])))
        elif kind in ("complete", "embed"):
            task = asyncio.get_running_loop().create_task(self._call(*frame))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _call(
        self, kind: str, call: int, client: int, request: CompletionRequest | EmbeddingRequest
    ) -> None:
        target = self._clients.get(client) or self._client_type()
        try:
            if isinstance(request, CompletionRequest):
                value: object = await target.complete(request)
            else:
                value = await target.embed(request)
        except LLMError as exc:
            answer: Frame = ("error", call, _error_fields(exc))
        except Exception as exc:  # a bug of the client: still one failed call, never a hang
            detail = redact(f"{type(exc).__name__}: {exc}", secret_values(request.params))
            answer = ("error", call, ("LLMProviderError", detail, request.model_name, ""))
        else:
            answer = ("ok", call, value)
        write_frame(self._replies, answer)


def _error_fields(error: LLMError) -> tuple[str, str, str, str]:
    return (type(error).__name__, error.message, error.model, error.next_step)


if __name__ == "__main__":
    sys.exit(main())
