"""The file reports: JSON, JUnit XML, Rasa's results YAML and the GitHub Actions output."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from calmtui.app.diagnostics_view import plain_text
from calmtui.testing.report.console import failure_lines
from calmtui.testing.report.github import failure_diagnostics, step_summary
from calmtui.testing.report.json_report import render_json
from calmtui.testing.report.junit import render_junit
from calmtui.testing.report.rasa_results import results_paths, write_rasa_results
from calmtui.testing.results import CaseResult, SuiteResult
from calmtui.testing.runner import run_suite_sync
from tests.testing.conftest import cases_yaml, environment, suite_of, write_project

CASES = """\
- test_case: passes
  steps:
    - user: balance
      commands: start flow check_balance
      assertions:
        - bot_uttered: {utter_name: utter_balance}
- test_case: fails_b
  steps:
    - user: balance
      commands: start flow check_balance
      assertions:
        - slot_was_set:
            - name: balance
              value: 3
- test_case: fails_a
  steps:
    - user: send
      commands: start flow transfer_money
    - utter: utter_ask_amount
- test_case: skipped
  steps:
    - user: balance
      commands: start flow check_balance
      assertions:
        - generative_response_is_grounded: {threshold: 0.5}
"""


@pytest.fixture
def outcome(bank: Path) -> tuple[SuiteResult, dict[str, str]]:
    write_project(bank, {"tests/cases.yml": cases_yaml(CASES)})
    suite = suite_of(bank)
    return run_suite_sync(suite.cases, environment(bank)), suite.sources


def test_json_report(outcome: tuple[SuiteResult, dict[str, str]]) -> None:
    result, _ = outcome
    data = json.loads(render_json(result, project="/p", mode="commands", exit_code=1))
    assert data["version"] == 1
    assert data["summary"] | {"duration_s": 0} == {
        "passed": 1,
        "failed": 2,
        "skipped": 1,
        "errors": 0,
        "not_run": 0,
        "flaky": 0,
        "total": 4,
        "duration_s": 0,
        "workers": 1,
        "repeat": 1,
        "exit_code": 1,
        "line": "1 passed, 2 failed, 1 skipped",
    }
    names = [c["name"] for c in data["cases"]]
    assert names == ["passes", "fails_b", "fails_a", "skipped"]
    fails_b = data["cases"][1]
    assert fails_b["id"] == "tests/cases.yml::fails_b"
    assert fails_b["failure"]["turn"] == 1
    assert fails_b["failure"]["mismatches"][0] == {
        "type": "slot_was_set",
        "message": "Slot 'balance' was set to a different value '100.5' than the expected '3' value.",
        "line": 25,
        "expected": ["SlotSet balance = 3"],
        "actual": ["SlotSet balance = 100.5"],
    }
    assert fails_b["turns"][0]["accepted"] == ["start flow check_balance"]
    assert fails_b["turns"][0]["bot"][0] == {
        "utter_action": "utter_balance",
        "text": "Your balance is 100.5.",
    }
    assert data["cases"][3]["skipped"][0].startswith(
        "generative_response_is_grounded needs an LLM judge"
    )
    assert {"type": "slot_was_set", "passed": 0, "total": 1} in data["accuracy"]


def test_junit_report(outcome: tuple[SuiteResult, dict[str, str]]) -> None:
    result, sources = outcome

    def text(r: CaseResult) -> str:
        return plain_text(failure_lines(r, sources))

    root = ET.fromstring(render_junit(result, text))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "2", "1")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "tests/cases.yml"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert cases["passes"].find("failure") is None
    failure = cases["fails_b"].find("failure")
    assert failure is not None
    assert (
        failure.get("message")
        == "Slot 'balance' was set to a different value '100.5' than the expected '3' value."
    )
    assert failure.text is not None
    assert "'fails_b' failed at turn 1" in failure.text
    assert cases["fails_b"].get("file") == "tests/cases.yml"
    assert cases["fails_b"].get("line") == "19"
    assert cases["fails_b"].get("classname") == "tests.cases"
    assert cases["skipped"].find("skipped") is not None


def test_rasa_results_files(outcome: tuple[SuiteResult, dict[str, str]], tmp_path: Path) -> None:
    result, _ = outcome
    assert results_paths(Path("tests/e2e_results.yml")) == (
        Path("tests/e2e_results_passed.yml"),
        Path("tests/e2e_results_failed.yml"),
    )
    passed_path, failed_path = write_rasa_results(result, tmp_path / "out" / "e2e_results.yml")
    passed = yaml.safe_load(passed_path.read_text())["test_results"]
    failed = yaml.safe_load(failed_path.read_text())["test_results"]
    assert [r["name"] for r in passed] == ["passes", "skipped"]
    assert all(r["pass_status"] for r in passed)
    by_name = {r["name"]: r for r in failed}
    style_b = by_name["fails_b"]
    assert style_b["pass_status"] is False
    assert style_b["error_path"] == "tests/cases.yml:25"
    assert style_b["expected_steps"][0]["user"] == "balance"
    assert style_b["assertion_failure"]["assertion"]["type"] == "slot_was_set"
    assert "SlotSet balance = 100.5" in style_b["assertion_failure"]["actual_events_transcript"]
    style_a = by_name["fails_a"]
    assert style_a["error_path"] == "tests/cases.yml:31"
    assert "+ bot: utter_ask_amount" in style_a["difference"]  # Rasa: ndiff(actual, expected)


def test_github_annotations_and_summary(outcome: tuple[SuiteResult, dict[str, str]]) -> None:
    result, _ = outcome
    diagnostics = failure_diagnostics(result)
    assert [(d.code, d.span.line if d.span else None) for d in diagnostics] == [
        ("CT530", 25),
        ("CT530", 31),
    ]
    assert diagnostics[0].message.startswith("'fails_b' failed at turn 1: Slot 'balance'")
    summary = step_summary(result, mode="offline")
    assert summary.startswith("## ❌ calmtui test: 1 passed, 2 failed, 1 skipped\n")
    assert "| fails_b | `tests/cases.yml:21` | 1 |" in summary
    assert "| slot_was_set | 0.0% (0/1) |" in summary
