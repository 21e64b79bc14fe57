"""The offline understanding on projects it was never tuned on, and what it costs (issues 13, 16.7).

    python benchmarks/bench_offline_understanding.py eval DIR [DIR ...] [--words-only]
    python benchmarks/bench_offline_understanding.py turns DIR [DIR ...] [--list]
    python benchmarks/bench_offline_understanding.py cost [--flows 500] [--cases 200]
    python benchmarks/bench_offline_understanding.py scale [--profile]
    python benchmarks/bench_offline_understanding.py          # all three, eval on the tune set

* `eval`: each DIR is a project (it has a config.yml) or a folder of projects. Each project's
  e2e tests run offline (`calmtui test -u offline`) in a temporary copy, so nothing is written
  next to the project; prints passed / total per project and overall. Cases that need generated
  answers (`generative_response_is_relevant` / `_is_grounded` assertions) are counted apart, as
  "excluded", and are not part of the share. Goal: >= 70% on unseen projects.
* `turns`: for projects with an `oracle.json` (what a perfect LLM answers at each turn), the
  first turn where the offline understanding disagrees with the oracle in each failing case,
  by category (wrong flow started, value missed, answer taken as a question, ...), per project,
  turns agreeing, out-of-scope messages that start a flow, and how many first messages still
  start their flow when wrapped as people write (a greeting or thanks around them, context before,
  details after: `turn_diagnostic.WRAPPINGS`); `--list` shows those turns (see
  `turn_diagnostic.py`).
* `cost`: time of the offline understanding per message (median and p95) on a generated
  500-flow project, over the conversations of its 200 generated test cases. Target < 5 ms.
* `scale` (issue 16.7): the same 200 offline cases on a 200-flow and on a 2,000-flow generated
  project, CPU time per turn (understanding and engine) once start-up is taken off — goal: the
  2,000-flow project costs at most 2x — and the start-up of the 2,000-flow project by stage
  (loading, validation, flow catalog, phrase vectors; the model's own load apart).

The generated projects come from the shared generator (`gen_project.py`, found next to the
repository under shared/tools, or given with --gen); `eval` needs nothing but the projects.
Timings are CPU time of this process (`time.process_time`), so that other work on a shared
machine does not inflate them.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_GEN = REPO.parent / "shared" / "tools" / "gen_project.py"
TUNE = REPO / "tests" / "understanding" / "projects"
GENERATED_ASSERTIONS = ("generative_response_is_relevant", "generative_response_is_grounded")

import yaml  # noqa: E402

from calmtui.core.dsl import parse_dsl  # noqa: E402
from calmtui.core.loading.project_loader import load_project  # noqa: E402
from calmtui.core.model.project import Project  # noqa: E402
from calmtui.core.validate import validate_project  # noqa: E402
from calmtui.session import Session  # noqa: E402
from calmtui.understanding import semantic_model  # noqa: E402
from calmtui.understanding.base import UnderstandingContext  # noqa: E402
from calmtui.understanding.flow_catalog import catalog_for  # noqa: E402
from calmtui.understanding.offline import OfflineGenerator, understand  # noqa: E402
from calmtui.understanding.semantic_index import WARM_PHRASES  # noqa: E402
from calmtui.understanding.semantic_model import shared_model  # noqa: E402

# -- eval -----------------------------------------------------------------------------------------


def projects_in(folder: Path) -> list[Path]:
    if (folder / "config.yml").is_file():
        return [folder]
    return sorted(p for p in folder.iterdir() if p.is_dir() and (p / "config.yml").is_file())


def excluded_cases(project: Path) -> set[str]:
    """Cases with assertions on generated answers (an LLM's rephrasing or search answer)."""
    names: set[str] = set()
    for path in sorted((project / "tests").rglob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for case in data.get("test_cases", []) if isinstance(data, dict) else []:
            text = json.dumps(case)
            if any(key in text for key in GENERATED_ASSERTIONS):
                names.add(str(case.get("test_case")))
    return names


def run_project(project: Path, *, words_only: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / project.name
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns(".calmtui", "__pycache__"))
        report = Path(tmp) / "report.json"
        env = {**os.environ, "CALMTUI_UNDERSTANDING": "offline"}
        env.pop("CALMTUI_NO_SEMANTIC", None)
        if words_only:
            env["CALMTUI_NO_SEMANTIC"] = "1"
        command = [sys.executable, "-m", "calmtui", "test", "tests", "-u", "offline", "-q"]
        subprocess.run(
            [*command, "-n", "1", "--json", str(report)],
            cwd=copy,
            env=env,
            capture_output=True,
            check=False,
        )
        if not report.exists():
            return {"cases": [], "error": "no report (the project did not load?)"}
        return json.loads(report.read_text())


def evaluate(folders: list[Path], *, words_only: bool) -> float:
    total_pass = total = total_excluded = 0
    label = "words only" if words_only else "offline"
    print(f"pass share ({label}), excluding cases that need generated answers")
    for folder in folders:
        for project in projects_in(folder):
            report = run_project(project, words_only=words_only)
            excluded = excluded_cases(project)
            cases = report.get("cases", [])
            counted = [c for c in cases if c["name"] not in excluded]
            passed = sum(1 for c in counted if c["status"] == "passed")
            note = f"  ({report['error']})" if report.get("error") else ""
            skipped = len(cases) - len(counted)
            print(
                f"  {project.name:20s} {passed:3d} / {len(counted):3d}  "
                f"{_share(passed, len(counted))}   excluded {skipped}{note}"
            )
            total_pass += passed
            total += len(counted)
            total_excluded += skipped
    print(f"  {'all':20s} {total_pass:3d} / {total:3d}  {_share(total_pass, total)}   "
          f"excluded {total_excluded}")  # fmt: skip
    return total_pass / total if total else 0.0


def _share(passed: int, total: int) -> str:
    return f"{100 * passed / total:5.1f}%" if total else "   - "


# -- generated projects ---------------------------------------------------------------------------


def generate(gen: Path, flows: int, cases: int, into: Path) -> Path:
    out = into / f"p{flows}"
    if not out.exists():
        subprocess.run(
            [sys.executable, str(gen), str(out), "--flows", str(flows), "--tests", str(cases)],
            check=True,
            capture_output=True,
        )
    return out


def load(root: Path) -> Project:
    result = load_project(root, environ={})
    assert result.project is not None, [d.headline() for d in result.diagnostics]
    return result.project


def oracle_cases(root: Path, count: int) -> list[dict[str, Any]]:
    return json.loads((root / "oracle.json").read_text())["cases"][:count]


async def understanding_times(project: Project, cases: list[dict[str, Any]]) -> list[float]:
    """CPU ms of `understand` per message; the conversation follows the oracle's commands."""
    times: list[float] = []
    generator = OfflineGenerator()
    for case in cases:
        session = Session(project, generator=generator)
        await session.start()
        for text, reply in zip(case["users"], case["replies"], strict=True):
            context = UnderstandingContext(
                project=project,
                index=session.engine.index,
                state=session.state,
                turn=session.state.turn,
            )
            started = time.process_time()
            understand(text, context)
            times.append((time.process_time() - started) * 1000)
            await session.turn(text, commands=parse_dsl(reply)[0])
    return times


async def turn_cpu(project: Project, cases: list[dict[str, Any]]) -> tuple[float, int]:
    """CPU seconds for every turn of the cases (offline understanding and engine), and turns."""
    generator = OfflineGenerator()
    spent = 0.0
    turns = 0
    for case in cases:
        session = Session(project, generator=generator)
        await session.start()
        for text in case["users"]:
            started = time.process_time()
            await session.turn(text)
            spent += time.process_time() - started
            turns += 1
    return spent, turns


def cost(gen: Path, flows: int, cases: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(gen, flows, cases, Path(tmp))
        project = load(root)
        _warm(project)
        encoded, encoding_s = _encode_sentences(project)
        times = asyncio.run(understanding_times(project, oracle_cases(root, cases)))
    times.sort()
    median = statistics.median(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"offline understanding per message, {flows} flows, {len(times)} messages:")
    print(f"  median {median:.2f} ms   p95 {p95:.2f} ms   (target < 5 ms)")
    if encoded:
        print(
            f"  (after encoding all {encoded} phrases with the sentence model up front: "
            f"{encoding_s:.1f} s CPU; a catalog of more than {WARM_PHRASES} phrases encodes a "
            "flow's phrases the first time it is shortlisted instead)"
        )


def _encode_sentences(project: Project) -> tuple[int, float]:
    """Encode every phrase with the sentence model (whatever the catalog's size): per-message
    figures then show the steady state, and the encoding's cost is printed on its own."""
    index = catalog_for(project).semantic()
    started = time.process_time()
    encoded = index.encode_sentences(limit=10**9) if index is not None else 0
    return encoded, time.process_time() - started


def _warm(project: Project) -> float:
    """Build the catalog and phrase vectors up front; returns the CPU seconds it took."""
    started = time.process_time()
    catalog_for(project).semantic()
    return time.process_time() - started


def scale(gen: Path, cases: int, *, profile: bool) -> None:
    was_loaded = semantic_model._loader.ready  # pyright: ignore[reportPrivateUsage]
    started = time.process_time()
    model = shared_model()
    model_s = time.process_time() - started
    with tempfile.TemporaryDirectory() as tmp:
        figures: dict[int, float] = {}
        for flows in (200, 2000):
            root = generate(gen, flows, cases, Path(tmp))
            stages: dict[str, float] = {}
            began = time.process_time()
            project = load(root)
            stages["load"] = time.process_time() - began
            began = time.process_time()
            validate_project(project)
            stages["validate"] = time.process_time() - began
            began = time.process_time()
            catalog = catalog_for(project)
            stages["catalog"] = time.process_time() - began
            if model is not None:
                model._cache.clear()  # pyright: ignore[reportPrivateUsage]  (cold vectors)
            began = time.process_time()
            catalog.semantic()
            stages["vectors"] = time.process_time() - began
            spent, turns = asyncio.run(turn_cpu(project, oracle_cases(root, cases)))
            figures[flows] = spent / turns * 1000
            startup = " · ".join(f"{k} {v:.2f} s" for k, v in stages.items())
            print(f"{flows:5d} flows: start-up {sum(stages.values()):.2f} s ({startup})")
            print(f"             {turns} turns of {cases} cases: {figures[flows]:.2f} ms per turn")
            if profile and flows == 2000:
                _profile_startup(root)
    ratio = figures[2000] / figures[200]
    print(f"per-turn cost 2,000 vs 200 flows: {ratio:.2f}x (goal <= 2x)")
    if model is None:
        print("(the embedded model is unavailable: words only)")
    elif was_loaded:
        print("(the embedded model was loaded earlier in this process: once per process)")
    else:
        print(f"(the embedded model itself: {model_s:.2f} s CPU, once per process)")


def _profile_startup(root: Path) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    load(root)
    profiler.disable()
    print("  start-up profile (load_project, 2,000 flows), top 12 by own time:")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what", nargs="?", choices=("eval", "turns", "cost", "scale", "all"), default="all"
    )
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--words-only", action="store_true", help="eval with the model off")
    parser.add_argument("--flows", type=int, default=500)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--gen", type=Path, default=DEFAULT_GEN)
    parser.add_argument("--profile", action="store_true", help="profile the 2,000-flow start-up")
    parser.add_argument("--list", action="store_true", help="turns: show every first wrong turn")
    args = parser.parse_args()
    if args.what in ("eval", "all"):
        evaluate(args.dirs or [TUNE], words_only=args.words_only)
    if args.what == "turns":
        from turn_diagnostic import run as diagnose_turns

        diagnose_turns(args.dirs or [TUNE], projects_in, listing=args.list)
    if args.what in ("cost", "scale", "all") and not args.gen.is_file():
        sys.exit(f"the project generator is not at {args.gen} (pass --gen PATH)")
    if args.what in ("cost", "all"):
        cost(args.gen, args.flows, args.cases)
    if args.what in ("scale", "all"):
        scale(args.gen, args.cases, profile=args.profile)


if __name__ == "__main__":
    main()
