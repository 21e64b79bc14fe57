"""Understanding speed (issue "Understanding: LLM command generator ... record/replay").

Targets:
* framework overhead per LLM turn (retrieval + prompt + parse + engine apply; the LLM's own time
  excluded by an instant fake client): under 5 ms on a 500-flow generated project;
* offline generator: under 2 ms per message on the same project;
* printed, no target: prompt tokens per turn for the banking template (retrieval off, as shipped)
  and for the 500-flow project with retrieval on (20 flows).

    python benchmarks/bench_understanding.py [--flows 500] [--cases 200] [--gen PATH]

The 500-flow project comes from the shared generator (`gen_project.py`), whose oracle.json gives
the answer a perfect LLM would give each turn; the fake client answers with it, so the engine
runs the real conversations.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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

from calmtui.core.loading.project_loader import load_project  # noqa: E402
from calmtui.core.model.project import Project  # noqa: E402
from calmtui.session import Session  # noqa: E402
from calmtui.understanding.base import UnderstandingContext  # noqa: E402
from calmtui.understanding.client import Completion, CompletionRequest  # noqa: E402
from calmtui.understanding.flow_catalog import catalog_for  # noqa: E402
from calmtui.understanding.llm_generator import LLMCommandGenerator  # noqa: E402
from calmtui.understanding.offline import OfflineGenerator, understand  # noqa: E402
from calmtui.understanding.prompt import load_template  # noqa: E402
from calmtui.understanding.settings import load_settings  # noqa: E402


class OracleClient:
    """Answers instantly with the reply queued for the current turn (the LLM time is excluded)."""

    def __init__(self) -> None:
        self.reply = "cannot handle"
        self.prompts: list[str] = []

    async def complete(self, request: CompletionRequest) -> Completion:
        self.prompts.append(request.prompt)
        return Completion(text=self.reply, model=request.model_name)


def load(root: Path) -> Project:
    result = load_project(root, environ={})
    assert result.project is not None, [d.headline() for d in result.diagnostics]
    return result.project


def llm_generator(project: Project, client: OracleClient) -> LLMCommandGenerator:
    settings = load_settings(project, project.root)
    return LLMCommandGenerator(settings, client, template=load_template(settings, project.root))


async def llm_turns(project: Project, cases: list[dict[str, Any]]) -> tuple[list[float], list[str]]:
    client = OracleClient()
    generator = llm_generator(project, client)
    times: list[float] = []
    for case in cases:
        session = Session(project, generator=generator)
        await session.start()
        for text, reply in zip(case["users"], case["replies"], strict=True):
            client.reply = reply
            started = time.perf_counter()
            await session.turn(text)
            times.append((time.perf_counter() - started) * 1000)
    return times, client.prompts


async def offline_turns(project: Project, cases: list[dict[str, Any]]) -> tuple[list[float], float]:
    """Per-message time of the offline generator alone, and how often it agrees with the oracle."""
    from calmtui.core.dsl import parse_dsl

    session_times: list[float] = []
    agree = total = 0
    for case in cases:
        session = Session(project, generator=OfflineGenerator())
        await session.start()
        for text, reply in zip(case["users"], case["replies"], strict=True):
            state = session.state
            context = UnderstandingContext(
                project=project, index=session.engine.index, state=state, turn=state.turn
            )
            started = time.perf_counter()
            decision = understand(text, context)
            session_times.append((time.perf_counter() - started) * 1000)
            expected = parse_dsl(reply)[0]
            total += 1
            agree += _same(project, decision.commands, expected)
            await session.turn(text, commands=decision.commands)
    return session_times, agree / max(total, 1)


def _same(project: Project, got: list[Any], expected: list[Any]) -> bool:
    def norm(commands: list[Any]) -> list[Any]:
        out: list[Any] = []
        for c in commands:
            if c.kind == "set_slot":
                slot = project.domain.slots.get(c.name)
                out.append((c.name, slot.coerce(c.value)[0] if slot else c.value))
            else:
                out.append(c)
        return out

    return norm(got) == norm(expected)


async def banking_prompts(project: Project) -> list[str]:
    client = OracleClient()
    session = Session(project, generator=llm_generator(project, client))
    await session.start()
    script = [
        ("I want to send money", "start flow transfer_money"),
        ("Anna", "set slot recipient Anna"),
        ("50", "set slot amount 50"),
        ("what is my balance?", "start flow check_balance"),
        ("yes", "set slot continue_interrupted_flow_confirmation True"),
    ]
    for text, reply in script:
        client.reply = reply
        await session.turn(text)
    return client.prompts


def tokens(prompts: list[str]) -> float:
    import litellm

    counts = [litellm.token_counter(model="gpt-4o-mini", text=p) for p in prompts]
    return statistics.mean(counts)


def figure(name: str, value: float, unit: str, target: float | None = None) -> None:
    verdict = (
        ""
        if target is None
        else (f"  target < {target:g} {unit}  " + ("OK" if value < target else "MISSED"))
    )
    print(f"{name:<58} {value:10.2f} {unit}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--flows", type=int, default=500)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument(
        "--gen", type=Path, default=DEFAULT_GEN, help="gen_project.py of the shared tools"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "generated"
        subprocess.run(
            [
                sys.executable,
                str(args.gen),
                str(root),
                "--flows",
                str(args.flows),
                "--tests",
                str(args.cases),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        # gen_project's endpoints name `actions_module: actions` and its tests stub every action:
        # an empty package makes the project valid (calmtui refuses a missing actions module, CT244).
        (root / "actions").mkdir(exist_ok=True)
        (root / "actions" / "__init__.py").touch()
        cases = json.loads((root / "oracle.json").read_text())["cases"]
        started = time.perf_counter()
        project = load(root)
        load_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        catalog_for(project)
        catalog_ms = (time.perf_counter() - started) * 1000
        llm_times, prompts = asyncio.run(llm_turns(project, cases))
        offline_times, agreement = asyncio.run(offline_turns(project, cases))
        banking = load(REPO / "templates" / "banking")
        bank_prompts = asyncio.run(banking_prompts(banking))

    print(
        f"project: {args.flows} generated flows, {len(cases)} conversations, {len(llm_times)} turns"
    )
    figure("project load (for reference)", load_ms, "ms")
    figure("flow catalog build, once per project version", catalog_ms, "ms")
    figure("LLM turn framework overhead, median", statistics.median(llm_times), "ms", 5)
    figure("LLM turn framework overhead, mean", statistics.mean(llm_times), "ms", 5)
    figure("LLM turn framework overhead, p95", sorted(llm_times)[int(len(llm_times) * 0.95)], "ms")
    figure("offline generator per message, median", statistics.median(offline_times), "ms", 2)
    figure("offline generator per message, mean", statistics.mean(offline_times), "ms", 2)
    figure(
        "offline generator per message, p95",
        sorted(offline_times)[int(len(offline_times) * 0.95)],
        "ms",
    )
    figure("offline generator agreement with the oracle", agreement * 100, "%")
    figure("prompt tokens per turn, banking template (retrieval off)", tokens(bank_prompts), "tok")
    figure(
        f"prompt tokens per turn, {args.flows} flows, retrieval on (20 flows)",
        tokens(prompts),
        "tok",
    )


if __name__ == "__main__":
    main()
