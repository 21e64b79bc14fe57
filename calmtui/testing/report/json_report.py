"""`--json FILE`: the whole run as one stable, versioned JSON document.

    {"version": 1, "summary": {...}, "cases": [{"name", "file", "line", "status", "duration_ms",
     "failure": {"turn", "line", "error", "mismatches": [...], "context": {...}},
     "error": {"diagnostics": [...], "not_run"} (status "error": not run), "skipped": [...],
     "flaky": {...}, "turns": [{"user", "mode", "commands", "ignored", "bot", "slots"}]}],
     "accuracy": [...], "coverage": {...},
     "shard": {"index", "count", "suite_cases", "suite_fingerprint", "durations_fingerprint"}}

(`shard` only with `--shard i/n`: what `--merge-results` checks the shards against.)

Turns list what understanding produced and what the bot said, so a CI job can diff two runs.
API keys never appear: prompts are left out and understanding traces are already redacted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from calmtui.core.dsl import to_dsl
from calmtui.core.events import BotUttered, CommandIgnored, CommandRewritten, SlotSet
from calmtui.session import TurnResult
from calmtui.testing.coverage import CoverageReport
from calmtui.testing.results import CaseResult, Failure, SuiteResult

VERSION = 1


def render_json(
    suite: SuiteResult,
    *,
    project: str | None,
    mode: str,
    exit_code: int,
    coverage: CoverageReport | None = None,
    shard: Mapping[str, Any] | None = None,
) -> str:
    document: dict[str, Any] = {
        "version": VERSION,
        "project": project,
        "understanding": mode,
        "summary": {
            "passed": suite.passed,
            "failed": suite.failed,
            "skipped": suite.skipped,
            "errors": suite.errors,
            "not_run": suite.not_run,
            "flaky": len(suite.flaky),
            "total": len(suite.results),
            "duration_s": round(suite.duration_s, 3),
            "workers": suite.workers,
            "repeat": suite.repeat,
            "exit_code": exit_code,
            "line": suite.summary_line(),
        },
        "cases": [case_json(r) for r in suite.results],
        "accuracy": [
            {"type": kind, "passed": passed, "total": total}
            for kind, passed, total in suite.accuracy()
        ],
    }
    if coverage is not None:
        document["coverage"] = coverage_json(coverage)
    if shard is not None:  # `--shard i/n`: what `--merge-results` checks the shards against
        document["shard"] = dict(shard)
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


def case_json(result: CaseResult) -> dict[str, Any]:
    case = result.case
    data: dict[str, Any] = {
        "name": case.name,
        "file": case.path,
        "line": case.line,
        "id": case.node_id,
        "status": result.status,
        "duration_ms": round(result.duration_ms, 2),
        "conversation_id": result.conversation_id,
        "failure": failure_json(result.failure)
        if result.failure and result.status != "error"
        else None,
        "error": {
            "diagnostics": [d.to_json() for d in result.problems],
            "not_run": result.not_run,
        }
        if result.status == "error"
        else None,
        "skipped": result.skip_reasons,
        "flaky": None,
        "turns": [],
    }
    if result.flaky is not None:
        data["flaky"] = {
            "runs": result.flaky.runs,
            "passed_runs": result.flaky.passed_runs,
            "turn": result.flaky.turn,
            "detail": result.flaky.detail,
        }
    if result.conversation is not None:
        data["turns"] = [turn_json(r.result) for r in result.conversation.turns]
    return data


def failure_json(failure: Failure) -> dict[str, Any]:
    return {
        "turn": failure.turn,
        "file": failure.span.path,
        "line": failure.span.line,
        "error": failure.error,
        "mismatches": [
            {
                "type": m.kind,
                "message": m.message,
                "line": m.span.line if m.span else None,
                "expected": list(m.expected),
                "actual": list(m.actual),
            }
            for m in failure.mismatches
        ],
        "difference": list(failure.difference),
    }


def turn_json(result: TurnResult) -> dict[str, Any]:
    trace = result.understanding
    return {
        "user": result.user_text,
        "mode": result.mode,
        "produced": [to_dsl(c) for c in trace.commands] if trace else [],
        "accepted": [to_dsl(c) for c in result.accepted_commands],
        "ignored": [
            {"command": e.command, "reason": e.reason, "detail": e.detail, "stage": stage}
            for stage, events in (
                ("understanding", trace.dropped if trace else ()),
                ("engine", result.events),
            )
            for e in events
            if isinstance(e, CommandIgnored | CommandRewritten)
        ],
        "bot": [
            {
                "utter_action": e.utter_action,
                "text": e.text,
                **(
                    {"template_text": e.metadata["rephrased_from"]}
                    if "rephrased_from" in e.metadata
                    else {}
                ),
            }
            for e in result.events
            if isinstance(e, BotUttered)
        ],
        "slots": [
            {"name": e.name, "value": e.value} for e in result.events if isinstance(e, SlotSet)
        ],
        # Knowledge answers, chitchat and rephrasing: query, passages, prompt, outcome, notes.
        "generated": [g.to_json() for g in result.generated],
    }


def coverage_json(report: CoverageReport) -> dict[str, Any]:
    return {
        "steps": report.total,
        "covered": report.covered,
        "percent": round(report.percent, 2),
        "flows": [
            {
                "flow": f.flow_id,
                "file": f.path,
                "steps": f.total,
                "covered": f.covered,
                "untested": [{"step": step, "line": a, "end_line": b} for step, a, b in f.untested],
            }
            for f in report.flows
        ],
        "commands": dict(report.commands),
        "translations": [
            {
                "language": t.language,
                "translated": list(t.translated),
                "missing": list(t.missing),
                "never_said": list(t.never_said),
            }
            for t in report.translations
        ],
    }
