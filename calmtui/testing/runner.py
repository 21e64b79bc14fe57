"""Running many test cases concurrently, with results in a deterministic order.

Each case is a fresh conversation, so cases are independent: up to `workers` of them run at
once on one asyncio loop (understanding calls and action servers are I/O; the engine itself is
fast). Results come back in the order of the input, whatever finished first, so reports do not
depend on timing. Cases with more user turns start first (longest first), so the run does not
end waiting for a long case that started last; `--fail-fast` keeps the input order and stops
starting new cases after the first failure; `--repeat N` runs every case N times and marks it
flaky when the runs disagree, naming the first turn where their conversations differ.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from calmtui.core.dsl import to_dsl
from calmtui.core.events import BotUttered, SlotSet
from calmtui.testing.case_runner import RunEnvironment, run_case
from calmtui.testing.conversation import Conversation
from calmtui.testing.results import CaseResult, Flakiness, SuiteResult
from calmtui.testing.spec import TestCase, UserStep

ResultCallback = Callable[[CaseResult], None]


# The first `workers` cases start this far apart. Cases that call the same server (an LLM, an
# action server) with the same latency would otherwise stay in lockstep: all their replies arrive
# together and queue for the one event loop, adding ~workers x (client CPU per call) to every call.
# This only spreads the start: LLM requests are kept apart all along by the litellm client's
# `RequestPacer` (a case's first turn waits for `import litellm`, which re-synchronises them).
RAMP_UP_S = 0.02


@dataclass(frozen=True, slots=True, kw_only=True)
class RunOptions:
    workers: int = 1
    fail_fast: bool = False
    repeat: int = 1
    ramp_up_s: float = RAMP_UP_S


async def run_suite(
    cases: Sequence[TestCase],
    env: RunEnvironment,
    options: RunOptions = RunOptions(),
    on_result: ResultCallback | None = None,
) -> SuiteResult:
    began = time.perf_counter()
    slots: list[CaseResult | None] = [None] * len(cases)
    limit = asyncio.Semaphore(max(1, options.workers))
    stop = asyncio.Event()

    async def one(position: int, index: int, case: TestCase) -> None:
        async with limit:
            if position and position < options.workers:
                await asyncio.sleep(position * options.ramp_up_s)
            if stop.is_set():
                return
            result = await run_repeated(case, env, max(1, options.repeat))
            slots[index] = result
            if on_result is not None:
                on_result(result)
            if options.fail_fast and result.status == "failed":
                stop.set()

    order = start_order(cases, keep_input_order=options.fail_fast)
    # The semaphore admits waiters first come first served: cases start in this order.
    await asyncio.gather(*(one(p, i, cases[i]) for p, i in enumerate(order)))
    results = [r for r in slots if r is not None]
    return SuiteResult(
        results=results,
        not_run=len(cases) - len(results),
        duration_s=time.perf_counter() - began,
        workers=max(1, options.workers),
        repeat=max(1, options.repeat),
    )


def start_order(cases: Sequence[TestCase], *, keep_input_order: bool = False) -> list[int]:
    """Indices of `cases`, the ones with most user turns first (stable among equals).

    Starting the longest cases first is the classic makespan heuristic: with 16 workers and
    200 cases of 3-4 LLM turns, the last wave otherwise leaves workers idle behind a 4-turn case
    that started late."""
    indices = list(range(len(cases)))
    if keep_input_order:
        return indices
    return sorted(indices, key=lambda i: -sum(isinstance(s, UserStep) for s in cases[i].steps))


def run_suite_sync(
    cases: Sequence[TestCase],
    env: RunEnvironment,
    options: RunOptions = RunOptions(),
    on_result: ResultCallback | None = None,
    cleanup: Callable[[], Awaitable[None]] | None = None,
) -> SuiteResult:
    """`run_suite` from synchronous code; `cleanup` runs on the same loop afterwards.

    The result is handed out through a holder, not as the coroutine's return value: on Python
    3.11 `asyncio.run` formats the repr of its finished main task (result included) while
    restoring the SIGINT handler, which for a large run costs seconds.
    """
    holder: list[SuiteResult] = []

    async def main() -> None:
        try:
            holder.append(await run_suite(cases, env, options, on_result))
        finally:
            if cleanup is not None:
                await cleanup()

    asyncio.run(main())
    return holder[0]


async def run_repeated(case: TestCase, env: RunEnvironment, repeat: int) -> CaseResult:
    """Run a case `repeat` times; the runs must agree or the case is reported as flaky."""
    runs = [await run_case(case, env) for _ in range(repeat)]
    first = runs[0]
    if repeat == 1:
        return first
    duration = sum(r.duration_ms for r in runs)
    statuses = {r.status for r in runs}
    if len(statuses) == 1:
        return replace(first, duration_ms=duration)
    failing = next(r for r in runs if r.status == "failed")
    passing = next(r for r in runs if r.status != "failed")
    turn, detail = first_difference(failing.conversation, passing.conversation)
    flaky = Flakiness(
        runs=repeat, passed_runs=sum(r.status != "failed" for r in runs), turn=turn, detail=detail
    )
    return replace(failing, flaky=flaky, duration_ms=duration)


def _signature(conversation: Conversation | None) -> list[tuple[str, ...]]:
    if conversation is None:
        return []
    turns: list[tuple[str, ...]] = []
    for record in conversation.turns:
        result = record.result
        commands = tuple(to_dsl(c) for c in result.accepted_commands)
        bots = tuple(
            f"bot {e.utter_action or ''} {e.text!r}"
            for e in result.events
            if isinstance(e, BotUttered)
        )
        slots = tuple(f"slot {e.name}={e.value!r}" for e in result.events if isinstance(e, SlotSet))
        turns.append((*(f"command {c}" for c in commands), *bots, *slots))
    return turns


def first_difference(a: Conversation | None, b: Conversation | None) -> tuple[int | None, str]:
    """The first turn (1-based) where two runs of a case differ, and how."""
    left, right = _signature(a), _signature(b)
    for number, (x, y) in enumerate(zip(left, right, strict=False), start=1):
        if x != y:
            only_x = [s for s in x if s not in y][:2]
            only_y = [s for s in y if s not in x][:2]
            return (
                number,
                f"failing run: {'; '.join(only_x) or '(less)'} | passing run: {'; '.join(only_y) or '(less)'}",
            )
    if len(left) != len(right):
        number = min(len(left), len(right)) + 1
        return number, f"one run stopped before turn {number}"
    return None, "the runs had the same conversation but different verdicts"
