"""GitHub Actions: an annotation at each failing step and a Markdown job summary.

Failures become `Diagnostic`s (code CT530) so the CLI prints them with the same
`::error file=...,line=...::` renderer it uses for `calmtui validate`. The summary is appended
to the file named by `$GITHUB_STEP_SUMMARY`.
"""

from __future__ import annotations

from calmtui.core.diagnostics import Diagnostic
from calmtui.testing.results import SuiteResult

TEST_FAILED = "CT530"
MAX_ROWS = 50


def failure_diagnostics(suite: SuiteResult) -> list[Diagnostic]:
    """An annotation at each failing step, and each problem of a file or case that could not
    be read (with its own code and place)."""
    diagnostics: list[Diagnostic] = [d for r in suite.errored for d in r.problems]
    for result in suite.failures:
        failure = result.failure
        if failure is None:
            continue
        first = failure.mismatches[0] if failure.mismatches else None
        span = first.span if first is not None and first.span is not None else failure.span
        message = f"{result.case.name!r} failed at turn {failure.turn}: {failure.first_message}"
        if first is not None and first.expected:
            message += f"\nexpected: {'; '.join(first.expected)}\nactual: {'; '.join(first.actual)}"
        diagnostics.append(Diagnostic.error(TEST_FAILED, message, span))
    return diagnostics


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def step_summary(suite: SuiteResult, *, mode: str) -> str:
    icon = "❌" if suite.unsuccessful else "✅"
    lines = [
        f"## {icon} calmtui test: {suite.summary_line()}",
        "",
        f"{len(suite.results)} test cases · understanding: {mode} · {suite.duration_s:.1f} s",
        "",
    ]
    if suite.failures:
        lines += ["| test case | where | turn | first problem |", "|---|---|---|---|"]
        for result in suite.failures[:MAX_ROWS]:
            failure = result.failure
            assert failure is not None
            lines.append(
                f"| {_cell(result.case.name)} | `{failure.span.path}:{failure.span.line}` | {failure.turn} | {_cell(failure.first_message)} |"
            )
        if len(suite.failures) > MAX_ROWS:
            lines.append(f"\n… and {len(suite.failures) - MAX_ROWS} more failures")
        lines.append("")
    if suite.errored:
        lines += ["| cannot be read | where | first problem |", "|---|---|---|"]
        for result in suite.errored[:MAX_ROWS]:
            failure = result.failure
            assert failure is not None
            lines.append(
                f"| {_cell(result.case.name)} | `{failure.span.path}:{failure.span.line}` | {_cell(failure.first_message)} |"
            )
        lines.append("")
    rows = suite.accuracy()
    if rows:
        lines += ["| assertion type | accuracy |", "|---|---|"]
        lines += [
            f"| {kind} | {100.0 * passed / total:.1f}% ({passed}/{total}) |"
            for kind, passed, total in rows
        ]
        lines.append("")
    return "\n".join(lines) + "\n"
