"""The files a test run writes besides its console report, and what it remembers.

JUnit XML (`--junit`), the JSON document (`--json`), Rasa's results YAML (`-o`), coverage CSVs
(`--coverage`), GitHub annotations and the job summary (under GitHub Actions), and the failures
`--last-failed` reruns. Each writer lives in `report/`; this module decides which run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from calmtui.core.model.project import Project
    from calmtui.testing.coverage import CoverageReport
    from calmtui.testing.loader import TestSuite
    from calmtui.testing.results import CaseResult, SuiteResult


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputOptions:
    junit: Path | None = None
    json_file: Path | None = None
    e2e_results: Path | None = None
    coverage_output: Path | None = None


def write_outputs(
    project: Project,
    suite: TestSuite,
    result: SuiteResult,
    options: OutputOptions,
    coverage: CoverageReport | None,
    *,
    mode: str,
    code: int,
    out: TextIO,
    shard: Mapping[str, Any] | None = None,
) -> list[str]:
    """Write the files asked for; returns what was written, for the "wrote ..." line. GitHub
    annotations go to `out` (the runner reads them from the step's output)."""
    from calmtui.app.diagnostics_view import plain_text
    from calmtui.testing.report import console

    hidden = frozenset(name for name, slot in project.domain.slots.items() if slot.builtin)

    def failure_text(case_result: CaseResult) -> str:
        if case_result.status == "error":
            return plain_text(console.error_lines(case_result, suite.sources))
        return plain_text(console.failure_lines(case_result, suite.sources, hidden_slots=hidden))

    written: list[str] = []
    if options.junit is not None:
        from calmtui.testing.report.junit import render_junit

        _write(options.junit, render_junit(result, failure_text))
        written.append(str(options.junit))
    if options.json_file is not None:
        from calmtui.testing.report.json_report import render_json

        _write(
            options.json_file,
            render_json(
                result,
                project=project.root,
                mode=mode,
                exit_code=code,
                coverage=coverage,
                shard=shard,
            ),
        )
        written.append(str(options.json_file))
    if options.e2e_results is not None:
        from calmtui.testing.report.rasa_results import write_rasa_results

        written += [str(p) for p in write_rasa_results(result, options.e2e_results)]
    if coverage is not None:
        written += _write_coverage(project, result, coverage, options.coverage_output)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        _github_outputs(result, mode, project.root, out)
    return written


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_coverage(
    project: Project, result: SuiteResult, coverage: CoverageReport, output: Path | None
) -> list[str]:
    from calmtui.testing.coverage import coverage_of

    directory = output if output is not None else Path(project.root) / "e2e_coverage_results"
    files = {
        "coverage.csv": coverage.to_csv(),
        "coverage_report_for_passed_tests.csv": coverage_of(
            project, [r for r in result.results if r.status != "failed"]
        ).to_csv(),
        "coverage_report_for_failed_tests.csv": coverage_of(project, result.failures).to_csv(),
        "commands.csv": coverage.commands_csv(),
    }
    if coverage.translations:
        from calmtui.testing.translation_coverage import translations_csv

        files["translations.csv"] = translations_csv(coverage.translations)
    for name, text in files.items():
        _write(directory / name, text)
    return [f"{directory}/ (coverage CSVs)"]


def _github_outputs(result: SuiteResult, mode: str, root: str, out: TextIO) -> None:
    from calmtui.app.diagnostics_view import PathDisplay, render_github
    from calmtui.testing.report.github import failure_diagnostics, step_summary

    out.write(render_github(failure_diagnostics(result), PathDisplay(root)))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(step_summary(result, mode=mode))


def remember_failures(root: str, result: SuiteResult) -> None:
    """Record the failures for `--last-failed` (raises OSError when the file cannot be written)."""
    from calmtui.testing.state import update_last_failed

    update_last_failed(
        root,
        [r.case.node_id for r in result.results],
        [r.case.node_id for r in (*result.failures, *result.errored)],
    )


def remember_durations(root: str, result: SuiteResult) -> None:
    """Record how long each case took, so the next `--shard` balances by it (raises OSError)."""
    from calmtui.testing.sharding import update_durations

    update_durations(root, [(r.case.node_id, r.duration_ms) for r in result.results])
