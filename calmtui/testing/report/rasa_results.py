"""`-o/--e2e-results FILE`: Rasa's results YAML, so tooling built on `rasa test e2e` keeps working.

Like Rasa, `-o tests/e2e_results.yml` writes `tests/e2e_results_passed.yml` and
`tests/e2e_results_failed.yml`, each `test_results: [{name, pass_status, expected_steps,
error_path?, difference?, assertion_failure?}]`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from calmtui.core.events import Event
from calmtui.testing.results import CaseResult, SuiteResult
from calmtui.testing.transcript import describe_events


def results_paths(output: Path) -> tuple[Path, Path]:
    stem = output.with_suffix("") if output.suffix in (".yml", ".yaml") else output
    suffix = output.suffix if output.suffix in (".yml", ".yaml") else ".yml"
    return stem.with_name(f"{stem.name}_passed{suffix}"), stem.with_name(
        f"{stem.name}_failed{suffix}"
    )


def result_entry(result: CaseResult) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": result.case.name,
        "pass_status": result.status not in ("failed", "error"),
        "expected_steps": list(result.case.raw_steps),
    }
    failure = result.failure
    if failure is None:
        return entry
    line = (
        failure.mismatches[0].span.line
        if failure.mismatches and failure.mismatches[0].span
        else failure.span.line
    )
    entry["error_path"] = f"{result.case.path}:{line}"
    if failure.difference:
        entry["difference"] = list(failure.difference)
    if result.case.style == "assertions" or failure.error:
        first = failure.mismatches[0] if failure.mismatches else None
        entry["assertion_failure"] = {
            "assertion": {"type": first.kind if first else "error", "line": line},
            "error_message": first.message if first else failure.error,
            "actual_events_transcript": _transcript(result, failure.turn),
        }
    return entry


def _transcript(result: CaseResult, turn: int) -> list[str]:
    conversation = result.conversation
    if conversation is None:
        return []
    events: list[Event] = conversation.opening_events
    for record in conversation.turns:
        if record.number > turn:
            break
        events.extend(record.result.events)
    return describe_events(events)


def write_rasa_results(suite: SuiteResult, output: Path) -> tuple[Path, Path]:
    passed_path, failed_path = results_paths(output)
    passed = [result_entry(r) for r in suite.results if r.status not in ("failed", "error")]
    failed = [result_entry(r) for r in suite.results if r.status in ("failed", "error")]
    output.parent.mkdir(parents=True, exist_ok=True)
    for path, entries in ((passed_path, passed), (failed_path, failed)):
        text = yaml.safe_dump(
            {"test_results": entries}, sort_keys=False, allow_unicode=True, width=100
        )
        path.write_text(text, encoding="utf-8")
    return passed_path, failed_path
