"""Engine throughput and state size, measured on a generated 200-flow project.

    python benchmarks/bench_engine.py [PROJECT_DIR] [--turns 10000] [--profile]

Without PROJECT_DIR, /work/shared/tools/gen_project.py (or $CALMTUI_GEN_PROJECT) generates
`--flows 200` into a temporary directory. Conversations follow the project's oracle.json (the
commands a perfect LLM would answer), given to `Session.turn(..., commands=...)` so understanding
is not part of the figure; custom actions are answered in-process with empty outcomes.

Printed, next to the targets: turns/s (median over windows of 500 turns), the split of the time
per stage (measured in a second, instrumented run: wrappers installed here, nothing in the engine),
and the JSON size of a 100-turn conversation's DialogueState and of its TurnResults.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calmtui.actions.protocol import ActionOutcome, ActionRequest  # noqa: E402
from calmtui.core.commands import Command  # noqa: E402
from calmtui.core.dsl import parse_dsl  # noqa: E402
from calmtui.core.loading.project_loader import load_project  # noqa: E402
from calmtui.core.model.project import Project  # noqa: E402
from calmtui.session import Session  # noqa: E402
from calmtui.understanding.scripted import ScriptedGenerator  # noqa: E402

GEN_PROJECT = Path(os.environ.get("CALMTUI_GEN_PROJECT", "/work/shared/tools/gen_project.py"))
TARGET_TURNS_PER_S = 2000.0
TARGET_STATE_BYTES = 200 * 1024
WINDOW = 500

Turn = tuple[str, list[Command]]


class EmptyOutcomes:
    """An in-process action runner: every custom action succeeds and does nothing."""

    kind = "bench"

    async def run(self, request: ActionRequest) -> ActionOutcome:
        return ActionOutcome()


def generate(out: Path) -> Path:
    if not GEN_PROJECT.is_file():
        sys.exit(
            f"no project given and {GEN_PROJECT} does not exist: pass a generated project directory"
        )
    subprocess.run(
        [sys.executable, str(GEN_PROJECT), str(out), "--flows", "200", "--tests", "3000"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


def load(root: Path) -> tuple[Project, list[list[Turn]]]:
    result = load_project(root)
    if result.project is None or not result.ok:
        sys.exit(
            "the project does not load: " + "; ".join(d.headline() for d in result.diagnostics[:3])
        )
    oracle = json.loads((root / "oracle.json").read_text(encoding="utf-8"))
    conversations = [
        [
            (text, parse_dsl(reply)[0])
            for text, reply in zip(case["users"], case["replies"], strict=True)
        ]
        for case in oracle["cases"]
    ]
    return result.project, conversations


def turn_stream(conversations: list[list[Turn]], total: int) -> Iterator[tuple[bool, Turn]]:
    """`total` turns, conversation after conversation; True marks the first turn of one."""
    produced = 0
    while True:
        for conversation in conversations:
            for i, turn in enumerate(conversation):
                yield i == 0, turn
                produced += 1
                if produced == total:
                    return


async def run(
    project: Project, conversations: list[list[Turn]], total: int
) -> list[tuple[float, float]]:
    """(CPU seconds, wall seconds) per window of WINDOW turns."""
    runner = EmptyOutcomes()
    session: Session | None = None
    windows: list[tuple[float, float]] = []
    cpu, wall = time.process_time(), time.perf_counter()
    for count, (first, (text, commands)) in enumerate(turn_stream(conversations, total), start=1):
        if first or session is None:
            session = Session(project, generator=ScriptedGenerator(), action_runner=runner)
        await session.turn(text, commands=commands)
        if count % WINDOW == 0:
            now_cpu, now_wall = time.process_time(), time.perf_counter()
            windows.append((now_cpu - cpu, now_wall - wall))
            cpu, wall = now_cpu, now_wall
    return windows


@contextmanager
def instrumented(totals: dict[str, float]) -> Iterator[None]:
    """Time the engine's stages by wrapping its functions from the outside."""
    from calmtui.core.engine import apply, executor, runtime, turn

    def timed(owner: Any, name: str, stage: str) -> tuple[Any, str, Callable[..., Any]]:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[stage] += time.perf_counter() - began

        setattr(owner, name, wrapper)
        return owner, name, original

    def timed_async(owner: Any, name: str, stage: str) -> tuple[Any, str, Callable[..., Any]]:
        original = getattr(owner, name)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                totals[stage] += time.perf_counter() - began

        setattr(owner, name, wrapper)
        return owner, name, original

    patched = [
        timed(turn, "clean_commands", "cleanup"),
        timed(apply.CommandApplier, "apply_all", "apply"),
        timed(executor.Executor, "advance", "advance"),
        timed(runtime, "render_response", "rendering"),
        timed_async(Session, "turn", "total"),
    ]
    try:
        yield
    finally:
        for owner, name, original in patched:
            setattr(owner, name, original)


async def long_conversation(
    project: Project, conversations: list[list[Turn]], turns: int
) -> Session:
    """One session running conversations back to back for `turns` turns."""
    session = Session(project, generator=ScriptedGenerator(), action_runner=EmptyOutcomes())
    for _, (text, commands) in turn_stream(conversations, turns):
        await session.turn(text, commands=commands)
    return session


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "project", nargs="?", type=Path, help="a generated project (default: generate one)"
    )
    parser.add_argument("--turns", type=int, default=10_000)
    parser.add_argument(
        "--profile", action="store_true", help="also print the top of a cProfile run"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = args.project or generate(Path(tmp) / "project")
        began = time.perf_counter()
        project, conversations = load(root)
        load_s = time.perf_counter() - began

    flows = len(project.user_flows)
    print(
        f"project: {flows} user flows, {len(conversations)} scripted conversations (loaded in {load_s:.2f} s)"
    )

    asyncio.run(run(project, conversations, 1000))  # warm-up: caches, imports
    windows = asyncio.run(run(project, conversations, args.turns))
    cpu_rates = [WINDOW / cpu for cpu, _ in windows]
    wall_rates = [WINDOW / wall for _, wall in windows]
    median = statistics.median(cpu_rates)
    verdict = "ok" if median >= TARGET_TURNS_PER_S else "MISSED"
    print(
        f"throughput: {median:,.0f} turns/s on one core (CPU time), median over {len(cpu_rates)} windows "
        f"of {WINDOW} turns (min {min(cpu_rates):,.0f}, max {max(cpu_rates):,.0f})   "
        f"target >= {TARGET_TURNS_PER_S:,.0f}   {verdict}"
    )
    print(
        f"            {statistics.median(wall_rates):,.0f} turns/s wall clock, median "
        f"(min {min(wall_rates):,.0f}, max {max(wall_rates):,.0f}; lower when other processes share the cores)"
    )

    totals: dict[str, float] = defaultdict(float)
    with instrumented(totals):
        asyncio.run(run(project, conversations, args.turns))
    total = totals["total"]
    advance_only = totals["advance"] - totals["rendering"]
    session_overhead = total - totals["cleanup"] - totals["apply"] - totals["advance"]
    print(f"per-stage split of {total * 1000 / args.turns:.3f} ms per turn (instrumented run):")
    for label, seconds in (
        ("cleanup", totals["cleanup"]),
        ("apply", totals["apply"]),
        ("advance (without rendering)", advance_only),
        ("rendering", totals["rendering"]),
        ("session overhead", session_overhead),
    ):
        print(
            f"  {label:<28} {seconds * 1e6 / args.turns:8.1f} us/turn  {100 * seconds / total:5.1f} %"
        )

    session = asyncio.run(long_conversation(project, conversations, 100))
    state_bytes = len(json.dumps(session.state.to_json()))
    results_bytes = sum(len(json.dumps(r.to_json())) for r in session.history)
    verdict = "ok" if state_bytes < TARGET_STATE_BYTES else "MISSED"
    print(
        f"100-turn conversation: DialogueState {state_bytes / 1024:.1f} KB   target < "
        f"{TARGET_STATE_BYTES // 1024} KB   {verdict}"
    )
    print(
        f"                       TurnResults {results_bytes / 1024:.1f} KB in total, "
        f"{results_bytes / 1024 / len(session.history):.1f} KB per turn (each includes its state)"
    )

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        asyncio.run(run(project, conversations, min(args.turns, 3000)))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
