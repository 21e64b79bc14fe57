"""Spacing the starts of concurrent LLM requests, so they do not travel in a convoy.

Every LLM call costs the one event loop several milliseconds of CPU (litellm, the openai SDK,
then the engine's turn), split into many small steps between awaits. When many calls are ready
at once, asyncio runs those steps round-robin, so each call finishes only when all of them have:
with 16 calls in flight, ~7 ms of CPU each added ~105 ms to every call. Calls that finish
together start their next request together and get their answers together, so the convoy never
breaks up (measured against a fake server answering after 300 ms, 16 in flight: a median of
415 ms per call unpaced, 320-330 ms paced). A burst of simultaneous connects can also overflow a small server's listen backlog; each
dropped SYN is retried after a full second.

`RequestPacer` lets requests start in arrival order, at least `spacing` apart: a call only waits
when another one started less than `spacing` ago, so a single conversation never waits. With
`spacing` a little above the loop's time per call, each call's work is done before the next
one's begins; the throughput stays bounded by that CPU, as it was anyway.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# The event loop's CPU per LLM turn is ~8 ms on a small machine (litellm ~7 ms, the engine's turn
# ~1 ms), more in wall time when other processes share the cores. With `-n 16` against a server
# answering after 300 ms (benchmarks/bench_test_runner.py on 2 cores), spacings of 6-10 ms still
# left calls overlapping and 12-17 ms did best. 16 calls in flight at 300 ms need one start every
# ~19 ms; 14 ms allows ~70 starts a second, about what the loop's CPU allows anyway.
DEFAULT_SPACING_S = 0.014


class RequestPacer:
    """Hands out request start times at least `spacing` apart, first come first served.

    Needs no lock: the slot is reserved synchronously before the first await, and all callers
    run on one event loop (or different loops, which only share the spacing)."""

    def __init__(
        self,
        spacing: float = DEFAULT_SPACING_S,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.spacing = max(0.0, spacing)
        self._clock = clock
        self._sleep = sleep
        self._next_start = float("-inf")

    def reserve(self) -> float:
        """Seconds to wait before starting (0.0: start now); the slot is taken either way."""
        now = self._clock()
        start = max(now, self._next_start)
        self._next_start = start + self.spacing
        return start - now

    async def wait(self) -> float:
        """Wait for this request's slot; returns the seconds waited."""
        delay = self.reserve()
        if delay > 0:
            await self._sleep(delay)
        return delay
