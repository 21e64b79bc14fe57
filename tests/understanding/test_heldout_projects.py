"""The held-out projects stay sound (issue 13): they validate clean and every case passes with a
perfect understanding (their `oracle.json` answered in-process).

This keeps "a case that fails offline is a miss of the offline understanding" true as the engine
changes. It never runs the offline understanding on them: they are measured only
(`benchmarks/bench_offline_understanding.py eval tests/understanding/heldout`, see the README
there), never tuned on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calmtui.core.dsl import parse_dsl
from calmtui.core.loading.project_loader import load_project
from calmtui.testing.environment import build_wiring
from calmtui.testing.loader import load_suite
from calmtui.testing.runner import RunOptions, run_suite_sync
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace

HELDOUT = Path(__file__).with_name("heldout")
NAMES = sorted(p.name for p in HELDOUT.iterdir() if (p / "config.yml").exists())


class PerfectUnderstanding:
    """Answers each message with the oracle's commands for the conversation so far."""

    mode = "oracle"

    def __init__(self, oracle: dict[str, object]) -> None:
        self.replies: dict[tuple[str, ...], str] = {}
        for case in oracle["cases"]:  # type: ignore[union-attr]
            users, replies = case["users"], case["replies"]
            for k in range(len(users)):
                self.replies.setdefault(tuple(users[: k + 1]), replies[k])

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        said = (*(line for role, line in context.state.transcript if role == "user"), text)
        commands, _ = parse_dsl(self.replies[said])
        return UnderstandingTrace(mode=self.mode, commands=tuple(commands))


def test_there_are_thirty_held_out_projects() -> None:
    assert NAMES == [
        "allotments",
        "banking",
        "blood_donation",
        "campsite",
        "car_rental",
        "car_wash",
        "catering",
        "cinema",
        "city",
        "courier",
        "coworking",
        "driving_school",
        "escape_room",
        "florist",
        "hotel",
        "hr",
        "museum",
        "nursery",
        "pest_control",
        "phone_repair",
        "photo_studio",
        "removals",
        "school",
        "self_storage",
        "solar_installer",
        "streaming",
        "tailoring",
        "vet",
        "window_cleaning",
        "wine_club",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_a_held_out_project_validates_clean_and_passes_with_a_perfect_understanding(
    name: str,
) -> None:
    root = HELDOUT / name
    loaded = load_project(root, environ={})
    assert loaded.project is not None
    assert [d.headline() for d in loaded.diagnostics if d.severity != "info"] == []
    suite = load_suite(loaded.project, root)
    oracle = json.loads((root / "oracle.json").read_text(encoding="utf-8"))
    wiring = build_wiring(loaded.project, generator=PerfectUnderstanding(oracle))
    result = run_suite_sync(suite.cases, wiring.env, RunOptions(workers=4))
    failed = [r.case.name for r in result.results if r.status != "passed"]
    assert len(result.results) >= 22
    assert failed == []
