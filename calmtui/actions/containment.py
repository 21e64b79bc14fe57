"""Keeping untrusted action code in its place: its exceptions, its prints, its thread.

Custom actions are code a project ships; calmtui runs them but must outlive whatever they do:

- **Exceptions.** Anything an action raises — `BaseException`s included: `CancelledError`,
  `KeyboardInterrupt`, `SystemExit`, `GeneratorExit` — is the action's failure (the
  internal-error pattern follows and the conversation goes on). The one exception is a real
  cancellation of the turn: the user's Ctrl-C (asyncio turns the first one into a cancellation of
  the running task, a second one into `KeyboardInterrupt`), the inspector's Esc, a test run's
  timeout. Those cancel the *task*, which `stops_the_turn` checks, so they still stop cleanly.
- **Prints.** `print()` in an action would land in `--json`'s stream or on the inspector's
  screen. While an action runs, writes to `sys.stdout` from its context (its task, or the worker
  thread that inherited its context) go to a buffer instead, kept as the call's `output`.
  Writes straight to file descriptor 1 (a subprocess, C code) are not seen.
- **Threads.** Synchronous actions run in a worker thread (`asyncio.to_thread`), so a slow one
  never freezes the inspector; a real Ctrl-C is delivered to the main thread, never inside them.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import io
import sys
import threading
from collections.abc import Awaitable, Callable, Generator
from typing import Any, TextIO

# What one call's captured output may hold; the rest is cut (an action printing in a loop).
MAX_OUTPUT = 4_000

_TARGET: contextvars.ContextVar[io.StringIO | None] = contextvars.ContextVar(
    "calmtui_action_stdout", default=None
)


class _Router(io.TextIOBase):
    """`sys.stdout` while calmtui runs actions: writes from an action's context go to its
    buffer, every other write to the stream this replaced."""

    def __init__(self, original: TextIO) -> None:
        super().__init__()
        self.original = original

    def write(self, text: str) -> int:
        target = _TARGET.get()
        if target is None:
            return self.original.write(text)
        if target.tell() < MAX_OUTPUT:
            target.write(text)
        return len(text)

    def flush(self) -> None:
        if _TARGET.get() is None:
            self.original.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.original.isatty()

    def fileno(self) -> int:
        return self.original.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.original, "encoding", "utf-8")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)


@contextlib.contextmanager
def captured_stdout() -> Generator[io.StringIO]:
    """Route this context's (and its worker threads') writes to `sys.stdout` into a buffer."""
    if not isinstance(sys.stdout, _Router):
        sys.stdout = _Router(sys.stdout)
    buffer = io.StringIO()
    token = _TARGET.set(buffer)
    try:
        yield buffer
    finally:
        _TARGET.reset(token)


def printed(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    return text if len(text) <= MAX_OUTPUT else text[:MAX_OUTPUT] + "…"


class _Raised(Exception):
    """Carries what action code raised across a task or thread boundary as an ordinary
    exception: asyncio re-raises a `KeyboardInterrupt` or `SystemExit` of a task out of the
    event loop, and a `GeneratorExit` thrown into a coroutine closes its whole await chain
    instead of reaching the handlers on the way. Unwrapped (raised again) by the awaiting side."""

    def __init__(self, raised: BaseException) -> None:
        super().__init__(raised)
        self.raised = raised


async def _unwrapped(pending: Awaitable[Any]) -> Any:
    try:
        return await pending
    except _Raised as wrapper:
        raise wrapper.raised from None


async def in_task(coroutine: Awaitable[Any]) -> Any:
    """Await an async action in a task of its own, so an action that cancels "its" task
    cancels only itself; a real cancellation of the caller still reaches the caller."""

    async def guarded() -> Any:
        try:
            return await coroutine
        except BaseException as exc:
            raise _Raised(exc) from None

    return await _unwrapped(asyncio.ensure_future(guarded()))


async def in_thread(function: Callable[..., Any], *args: Any) -> Any:
    """`function(*args)` in a daemon thread of its own, with this context (so its prints are
    captured). Not the default executor: a thread stuck in an action (a deadline passed, the user
    pressed Ctrl-C) must not hold up the process's exit, and asyncio waits for its executor's
    threads when a run ends."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    context = contextvars.copy_context()

    def settle(outcome: Callable[[Any], None], value: Any) -> None:
        if not future.done():
            outcome(value)

    def work() -> None:
        try:
            result = context.run(function, *args)
        except BaseException as exc:  # whatever it is, the awaiting task decides
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(settle, future.set_exception, _Raised(exc))
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, future.set_result, result)

    threading.Thread(target=work, name="calmtui-action", daemon=True).start()
    return await _unwrapped(future)


def stops_the_turn(exc: BaseException) -> bool:
    """Whether `exc` must propagate: a cancellation (or a second Ctrl-C) of the running task.
    Everything else raised by action code, whatever its class, is the action's failure."""
    if not isinstance(exc, asyncio.CancelledError | KeyboardInterrupt):
        return False
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running loop: a plain synchronous caller
        return isinstance(exc, KeyboardInterrupt)
    return task is not None and task.cancelling() > 0


def describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
