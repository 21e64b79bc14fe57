"""The offline understanding on realistic projects that it was not written for (issue 13).

`projects/` holds thirty-three Rasa Pro CALM projects written by other engineers before any tuning:
telecom, insurance and travel (round 1 of issue 13 was tuned on them), energy, health, helpdesk,
restaurant, retail and university (round 2 was tuned on all nine); pharmacy, gym, events, property,
food_delivery and garage were added before round 5 (they passed 77 of 173 then, words only 51:
a second unseen measurement), and twelve more later, each batch measured once as it landed
(figures below). Flows have descriptions only,
no `metadata.examples`; e2e tests are in Rasa's format, and `oracle.json` holds what a perfect
LLM answers to every user message (`benchmarks/bench_offline_understanding.py turns` compares
the offline understanding with it turn by turn). They are the *tune* set; a held-out set is
measured by the lead and never copied here.

The engine is deterministic, so each project's number of passing cases is exact: the floors
below are what the offline understanding reaches today. A change that loses a case fails here
(raise a floor when a change wins one). Words-only matching (the embedded model switched off)
is checked too: it must still work, if less well.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmtui.cli.main import app

PROJECTS = Path(__file__).with_name("projects")
# Cases per project, and how many pass offline (with the embedded model / words only).
CASES = {
    "telecom": 28, "insurance": 27, "travel": 26, "energy": 26, "health": 26, "helpdesk": 34,
    "restaurant": 28, "retail": 27, "university": 26,
    "pharmacy": 30, "gym": 29, "events": 28, "property": 30, "food_delivery": 30, "garage": 26,
    "library": 33, "hair_salon": 29, "home_services": 30,
    "brokerage": 30, "charity": 28, "ev_charging": 29,
    "parking": 27, "tax_office": 26, "bike_share": 28, "dental": 28, "saas_support": 27,
    "wedding_venue": 27,
    "ski_hire": 26, "laundry": 28, "music_school": 28, "bin_collection": 28, "boat_charter": 27,
    "print_shop": 28,
}  # fmt: skip
PASS_FLOOR = {
    "telecom": 26, "insurance": 23, "travel": 26, "energy": 23, "health": 21, "helpdesk": 28,
    "restaurant": 24, "retail": 21, "university": 23,
    "pharmacy": 26, "gym": 26, "events": 24, "property": 23, "food_delivery": 21, "garage": 24,
    "library": 27, "hair_salon": 28, "home_services": 26,
    "brokerage": 26, "charity": 23, "ev_charging": 27,
    "parking": 24, "tax_office": 22, "bike_share": 23, "dental": 23, "saas_support": 25,
    "wedding_venue": 22,
    "ski_hire": 18, "laundry": 13, "music_school": 17, "bin_collection": 16, "boat_charter": 15,
    "print_shop": 22,
}  # fmt: skip
WORDS_ONLY_FLOOR = {
    "telecom": 9, "insurance": 11, "travel": 14, "energy": 10, "health": 10, "helpdesk": 15,
    "restaurant": 11, "retail": 10, "university": 15,
    "pharmacy": 15, "gym": 14, "events": 15, "property": 18, "food_delivery": 14, "garage": 20,
    "library": 18, "hair_salon": 15, "home_services": 16,
    "brokerage": 22, "charity": 10, "ev_charging": 15,
    "parking": 12, "tax_office": 15, "bike_share": 16, "dental": 14, "saas_support": 16,
    "wedding_venue": 16,
    "ski_hire": 13, "laundry": 11, "music_school": 16, "bin_collection": 5, "boat_charter": 11,
    "print_shop": 17,
}  # fmt: skip
# Before issue 13 (words only, no values by role, no buttons by number): telecom, insurance and
# travel passed 3, 3 and 3; after round 1 of issue 13, the nine passed 132 of 248; after round 2,
# 182; after round 3, 188; after round 4, 194 (words only: 84, then 87, then 91). The six added
# before round 5 (property, food_delivery, garage, pharmacy, gym, events) passed 77 of 173 then
# (words only 51). After round 5 (flow choice and values together): the nine 208, the six 123,
# all fifteen 331 of 421 (words only 190). Six more, written blind before round 6 (library,
# hair_salon, home_services, brokerage, charity, ev_charging), passed 110 of 179 when they landed.
# The sentence encoder (round 6, sentence_model.py) took the fifteen to 336 and the six to 113
# (with fewer out-of-scope starts: 39 -> 37 of 567); it moved single projects both ways
# (insurance, restaurant, food_delivery and health lost one or two), so their floors were reset
# to the measured figures once, with the total higher. Round 7 (values at a start, flow choice by
# the verb said and faults, answers mid-flow) took all 21 to 499 of 600 (words only 289, out-of-
# scope starts 36 of 567) with no project lower than before; the floors are those figures.
# Six more, written blind before round 8 (parking, tax_office, bike_share, dental, saas_support,
# wedding_venue), passed 104 of 163 (words only 68) with round 7's code when they landed.
# Round 8 (values at a start, flow choice, answers mid-flow; tuned mostly on those six) took all
# 27 from 603 to 641 of 763 (the six 104 -> 137, the old 21 499 -> 504; words only 357 -> 383).
# gym lost one case (and one words only): "can you order me a pizza" is now cannot handle, as
# eight other tune oracles and the blind batches label a task no flow does; gym's oracle says
# small talk. Round 9 (values at a start, flow choice, answers mid-flow; each mechanism shown on
# invented projects of other domains first) took all 27 to 655 (words only 386, out-of-scope
# starts 43 of 729) with no project lower; the floors are those figures.
# Six more, written blind before round 11 (ski_hire, laundry, music_school, bin_collection,
# boat_charter, print_shop), passed 101 of 165 (words only 73) with round 9's code when they
# landed. They joined the tune set at once, as fresh material for round 11: the held-out set had
# shown (by counts of slot types, not by its messages) that text values said in the first message
# fail far more often on unseen projects than on the tune set, where rules had been fitted.


def run_offline(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, words_only: bool = False
) -> dict[str, object]:
    root = tmp_path / name
    shutil.copytree(PROJECTS / name, root, ignore=shutil.ignore_patterns(".calmtui"))
    report = tmp_path / f"{name}.json"
    env = {"CALMTUI_UNDERSTANDING": None, "CALMTUI_NO_SEMANTIC": "1" if words_only else None}
    monkeypatch.chdir(root)
    result = CliRunner(env=env).invoke(  # type: ignore[arg-type]
        app, ["test", "tests", "-u", "offline", "-q", "-n", "1", "--json", str(report)]
    )
    assert report.exists(), result.output
    return json.loads(report.read_text())


def failures(report: dict[str, object]) -> list[str]:
    cases = report["cases"]
    assert isinstance(cases, list)
    return [f"{c['name']} (turn {c['failure']['turn']})" for c in cases if c["status"] != "passed"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_offline_pass_share_does_not_fall(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = run_offline(name, tmp_path, monkeypatch)
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["total"] == CASES[name]
    assert summary["passed"] >= PASS_FLOOR[name], failures(report)


@pytest.mark.parametrize("name", sorted(CASES))
def test_words_only_still_works(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = run_offline(name, tmp_path, monkeypatch, words_only=True)
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["passed"] >= WORDS_ONLY_FLOOR[name], failures(report)
