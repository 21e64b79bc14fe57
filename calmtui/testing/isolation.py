"""A test file or case that cannot be read is an error of that file or case; every other case
runs (issue 11 §4).

    isolated = isolate(suite, policy)
    run(isolated.runnable) ... results = [*isolated.errors, *run_results]

Each error diagnostic of the loaded suite (after the project policy: `--ignore`, `--strict`) is
given to what it belongs to:

* inside a test case (the lines of its `test_cases:` item) -> that case: status `error`, not run;
  an item that could not be read as a case at all gets an entry of its own ("test case at line N");
* anywhere else in a test file (its YAML, its top-level keys, fixtures, metadata, stubs) -> the
  file: one `error` entry, and none of its cases run (they depend on what is broken);
* in a conftest.yml -> the conftest: one `error` entry, and the cases of the test files below it
  are not run (their fixtures and metadata come from it).

The entries carry their diagnostics, so every report shows them with file:line: the console,
JUnit (`<error>`), JSON and GitHub annotations. Only an unknown `path::name` (CT520) stays a
usage error of the whole run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.testing.loader import TestSuite
from calmtui.testing.results import CaseResult, Failure
from calmtui.testing.spec import TestCase

# The project policy's view of one diagnostic (None: silenced), `ProjectPolicy.judge`.
Judge = Callable[[Diagnostic], Diagnostic | None]
USAGE_CODES = frozenset({"CT520"})
NO_FILE = "(test files)"


@dataclass(slots=True)
class Isolated:
    runnable: list[TestCase] = field(default_factory=list[TestCase])
    errors: list[CaseResult] = field(default_factory=list[CaseResult])
    shown: list[Diagnostic] = field(default_factory=list[Diagnostic])  # warnings, for stderr
    usage: list[Diagnostic] = field(default_factory=list[Diagnostic])  # stop the whole run


def isolate(suite: TestSuite, judge: Judge | None = None) -> Isolated:
    """Split the suite into cases that run and error entries (see the module docstring)."""
    ends = _Ends(suite.sources)
    judged = [judge(d) if judge is not None else d for d in suite.diagnostics]
    diagnostics = [d for d in judged if d is not None]
    out = Isolated(shown=[d for d in diagnostics if not d.is_error and d.severity != "info"])
    by_case: dict[str, list[Diagnostic]] = {}
    by_item: dict[tuple[str, int, str], list[Diagnostic]] = {}
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if not d.is_error:
            continue
        if d.code in USAGE_CODES:
            out.usage.append(d)
            continue
        span = d.span
        if span is None:
            by_file.setdefault(NO_FILE, []).append(d)
            continue
        case = _case_at(suite.cases, span, ends)
        if case is not None:
            by_case.setdefault(case.node_id, []).append(d)
            continue
        item = _item_at(suite.case_items.get(span.path, ()), span, ends)
        if item is not None:
            where, name = item
            label = name or f"test case at line {where.line}"
            by_item.setdefault((span.path, where.line, label), []).append(d)
        else:
            by_file.setdefault(span.path, []).append(d)
    broken_dirs = [PurePosixPath(path).parent for path in by_file if path in suite.conftests]
    for case in suite.cases:
        if case.node_id in by_case:
            out.errors.append(_error(case, by_case[case.node_id]))
        elif case.path in by_file or _below(case.path, broken_dirs):
            continue  # counted in its file's (or conftest's) entry
        else:
            out.runnable.append(case)
    for (path, line, label), found in sorted(by_item.items()):
        if path in by_file:
            continue
        out.errors.append(_error(_placeholder(path, line, label), found))
    for path, found in sorted(by_file.items()):
        not_run = sum(
            1
            for c in suite.cases
            if c.node_id not in by_case
            and (c.path == path or (path in suite.conftests and _below(c.path, [_dir(path)])))
        )
        out.errors.append(_error(_placeholder(path, 1, path), found, not_run=not_run))
    out.errors.sort(key=lambda r: (r.case.path, r.case.line))
    return out


class _Ends:
    """The last line of a YAML node: its end mark is where the next node starts, so when only
    indentation precedes the end position, the node really ended on the line before."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = sources
        self._lines: dict[str, list[str]] = {}

    def last_line(self, span: Span) -> int:
        end = max(span.line, span.end_line)
        if end == span.line:
            return end
        lines = self._lines.get(span.path)
        if lines is None:
            lines = self._lines[span.path] = self.sources.get(span.path, "").splitlines()
        before = lines[end - 1][: max(0, span.end_col - 1)] if 1 <= end <= len(lines) else ""
        return end - 1 if not before.strip() else end

    def contains(self, item: Span, line: int) -> bool:
        return item.line <= line <= self.last_line(item)


def _case_at(cases: Iterable[TestCase], span: Span, ends: _Ends) -> TestCase | None:
    for case in cases:
        if case.path == span.path and ends.contains(case.span, span.line):
            return case
    return None


def _item_at(
    items: Iterable[tuple[Span, str | None]], span: Span, ends: _Ends
) -> tuple[Span, str | None] | None:
    return next((item for item in items if ends.contains(item[0], span.line)), None)


def _dir(path: str) -> PurePosixPath:
    return PurePosixPath(path).parent


def _below(path: str, directories: list[PurePosixPath]) -> bool:
    here = PurePosixPath(path)
    return any(d == PurePosixPath(".") or d in here.parents for d in directories)


def _placeholder(path: str, line: int, name: str) -> TestCase:
    return TestCase(name=name, path=path, span=Span(path, line, 1), steps=(), style="steps")


def _error(case: TestCase, problems: list[Diagnostic], *, not_run: int = 0) -> CaseResult:
    first = problems[0]
    return CaseResult(
        case=case,
        status="error",
        failure=Failure(turn=0, span=first.span or case.span, error=first.message),
        problems=tuple(problems),
        not_run=not_run,
    )
