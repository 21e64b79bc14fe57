"""A whole `calmtui test` run: select the cases, check what can run, run them, report, exit code.

    code = run_tests(TestRequest(root=..., loaded=..., paths=[...]), TestRunOptions(workers=8))

The CLI parses options and loads the project (`calmtui/cli/test_cmd.py`); everything from there on
is here, with no Typer: the project and test files are checked by the project policy
(`calmtui.app.policy`), understanding is resolved before the first case (`calmtui.app.understanding`),
the cases run concurrently (`runner.py`), the console report goes to `out` and the files to
`outputs.py`. Problems with the project or test files go to `err` as diagnostics with file:line.
Usage problems (an unknown path, a bad `-k` expression) raise `UsageError` for the CLI to print
its usage way. Exit codes (`ExitCode`): 0 all passed, 1 failures, 2 project/test-file errors or
unusable understanding settings, 5 no test cases found.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from calmtui.app.exit_codes import ExitCode, UsageError

if TYPE_CHECKING:
    from calmtui.app.diagnostics_view import Line, PathDisplay
    from calmtui.core.diagnostics import Diagnostic
    from calmtui.core.loading.project_loader import LoadResult
    from calmtui.core.model.project import Project
    from calmtui.testing.coverage import CoverageReport
    from calmtui.testing.environment import Wiring
    from calmtui.testing.judge import Judge
    from calmtui.testing.loader import Target, TestSuite
    from calmtui.testing.results import SuiteResult
    from calmtui.testing.sharding import Shard, ShardPlan
    from calmtui.testing.spec import JudgeConfig

DEFAULT_WORKERS = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class TestRunOptions:
    """How to run and what to write (the command line's options, parsed)."""

    __test__ = False  # not a pytest test class

    workers: int = DEFAULT_WORKERS
    fail_fast: bool = False
    repeat: int = 1
    understanding: str | None = None
    coverage: bool = False
    coverage_output: Path | None = None
    junit: Path | None = None
    json_file: Path | None = None
    e2e_results: Path | None = None
    quiet: bool = False
    verbose: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TestRequest:
    """Which project and which cases: `loaded` is the project as the options named it."""

    __test__ = False

    root: Path
    loaded: LoadResult
    paths: Sequence[str] = ()
    keyword: str | None = None
    last_failed: bool = False
    collect_only: bool = False
    shard: Shard | None = None  # `--shard i/n`: this machine's part of the selected cases


@dataclass(frozen=True, slots=True)
class _Streams:
    out: TextIO  # the report (the command's output)
    err: TextIO  # problems with the project, the test files or the run


def run_tests(
    request: TestRequest,
    options: TestRunOptions,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> ExitCode:
    """The run, start to finish; returns the exit code (raises `UsageError` for bad usage)."""
    from calmtui.app.diagnostics_view import PathDisplay
    from calmtui.testing.selection import KeywordError, compile_keyword

    io = _Streams(out or sys.stdout, err or sys.stderr)
    if request.keyword is not None:
        try:
            compile_keyword(request.keyword)
        except KeywordError as exc:
            raise UsageError(str(exc), param_hint="'-k'") from None
    targets = resolve_targets(request.paths, request.root)
    project = _valid_project(request.loaded, request.root, io)
    if project is None:
        return ExitCode.USAGE
    show_path = PathDisplay(project.root)
    only = _last_failed(project.root, request.last_failed, options.quiet, io)
    from calmtui.testing.loader import load_suite

    suite = load_suite(project, project.root, targets, keyword=request.keyword, only=only)
    if not _show_test_file_problems(suite, show_path, io):
        return ExitCode.USAGE
    if not suite.cases:
        where = ", ".join(request.paths) if request.paths else f"{show_path('tests')}/"
        extra = f" ({suite.deselected} deselected)" if suite.deselected else ""
        io.err.write(f"no test cases found in {where}{extra}\n")
        io.err.write(
            "  hint: a test file is a YAML file with a top-level 'test_cases:' list (see docs/testing.md)\n"
        )
        return ExitCode.NO_TESTS
    plan = _shard(suite, request.shard, project.root)
    if request.collect_only:
        for case in suite.cases:
            io.out.write(f"{show_path(case.path)}::{case.name}  (line {case.line})\n")
        io.out.write(
            f"{len(suite.cases)} test cases" + (f" ({plan.describe()})" if plan else "") + "\n"
        )
        return ExitCode.OK
    return _run_suite(project, suite, show_path, options, io, plan)


def _shard(suite: TestSuite, shard: Shard | None, root: str) -> ShardPlan | None:
    """Keep this shard's cases in `suite` (`calmtui.testing.sharding`); None without --shard."""
    if shard is None:
        return None
    from calmtui.testing.sharding import plan_shard, read_durations

    plan = plan_shard(suite.cases, shard, read_durations(root))
    suite.cases = plan.cases
    return plan


def resolve_targets(paths: Sequence[str], root: Path) -> list[Target]:
    """`PATHS` as targets: relative to the current directory, else to the project."""
    from calmtui.testing.loader import parse_target

    targets: list[Target] = []
    for text in paths:
        candidates = [parse_target(text, Path.cwd()), parse_target(text, root)]
        found = next((t for t in candidates if t.path.exists()), None)
        if found is None:
            raise UsageError(f"'{text.partition('::')[0]}' does not exist", param_hint="'PATHS'")
        targets.append(found)
    return targets


def _valid_project(result: LoadResult, root: Path, io: _Streams) -> Project | None:
    """The loaded project, or None after printing why it cannot be tested (exit 2)."""
    from calmtui.app.diagnostics_view import PathDisplay, write_text
    from calmtui.app.policy import DEFAULT_POLICY
    from calmtui.core.validate import report_for

    report = report_for(result, root)
    errors = DEFAULT_POLICY.blocking(report.diagnostics)
    if report.project is not None and DEFAULT_POLICY.allows(report):
        return report.project
    show_path = PathDisplay(report.root)
    write_text(io.err, errors, report.sources, root=report.root)
    _github(errors, show_path, io)
    if report.project is not None:
        io.err.write(
            f"the project has {len(errors)} error(s); fix them first (calmtui validate shows all problems)\n"
        )
    return None


def _last_failed(root: str, enabled: bool, quiet: bool, io: _Streams) -> list[str] | None:
    if not enabled:
        return None
    from calmtui.testing.state import read_last_failed

    failed = read_last_failed(root)
    if not failed:
        if not quiet:
            io.err.write("--last-failed: no failures recorded, running all test cases\n")
        return None
    return failed


def _show_test_file_problems(suite: TestSuite, show_path: PathDisplay, io: _Streams) -> bool:
    from calmtui.app.diagnostics_view import plural, render_text, should_color

    if not suite.diagnostics:
        return True
    shown = [d for d in suite.diagnostics if d.severity != "info"]
    io.err.write(render_text(shown, suite.sources, show_path=show_path, color=should_color(io.err)))
    _github(shown, show_path, io)
    errors = sum(d.is_error for d in shown)
    if errors:
        files = len({d.span.path for d in shown if d.span is not None}) or 1
        io.err.write(
            f"{plural(errors, 'error')} in test files ({plural(files, 'file')}): no test was run\n"
        )
        return False
    return True


def _github(diagnostics: list[Diagnostic], show_path: PathDisplay, io: _Streams) -> None:
    if os.environ.get("GITHUB_ACTIONS") == "true" and diagnostics:
        from calmtui.app.diagnostics_view import render_github

        io.out.write(render_github(diagnostics, show_path))


# -- running ---------------------------------------------------------------------------------------
def _run_suite(
    project: Project,
    suite: TestSuite,
    show_path: PathDisplay,
    options: TestRunOptions,
    io: _Streams,
    plan: ShardPlan | None = None,
) -> ExitCode:
    from calmtui.app.diagnostics_view import emit, plural, should_color
    from calmtui.app.understanding import (
        check_keys,
        make_generator,
        prefetch_litellm,
        wait_for_litellm,
    )
    from calmtui.testing.environment import build_wiring
    from calmtui.testing.outputs import (
        OutputOptions,
        remember_durations,
        remember_failures,
        write_outputs,
    )
    from calmtui.understanding.errors import UnderstandingConfigError

    try:
        generator = make_generator(project, options.understanding)
        prefetch_litellm(generator)
        for warning in check_keys(project, options.understanding):  # before the first case
            io.err.write(f"warning: {warning}\n")
    except UnderstandingConfigError as exc:
        io.err.write(f"error: {exc}\n")
        return ExitCode.USAGE
    wiring = build_wiring(project, generator=generator, judge_factory=_judge_factory(project))
    color = should_color(io.out)
    if not options.quiet:
        files = len({c.path for c in suite.cases})
        header = (
            f"running {plural(len(suite.cases), 'test case')} from {plural(files, 'file')} · "
            f"understanding: {wiring.mode or '?'} · {plural(options.workers, 'worker')}"
        )
        if options.repeat > 1:
            header += f" · each {options.repeat} times"
        if plan is not None:
            header += f" · {plan.describe()}"
        io.out.write(emit([[(header, "dim")]], color=color))
        io.out.flush()
    wait_for_litellm()  # imported and warmed: no case's first call stalls the others
    result = _execute(suite, wiring, options, io)
    code = ExitCode.PROBLEMS if result.failed else ExitCode.OK
    coverage = _coverage(project, result) if options.coverage else None
    io.out.write(
        emit(_report_lines(project, suite, result, show_path, options, coverage), color=color)
    )
    outputs = OutputOptions(
        junit=options.junit,
        json_file=options.json_file,
        e2e_results=options.e2e_results,
        coverage_output=options.coverage_output,
    )
    written = write_outputs(
        project,
        suite,
        result,
        outputs,
        coverage,
        mode=wiring.mode,
        code=code,
        out=io.out,
        shard=plan.to_json() if plan is not None else None,
    )
    if written and not options.quiet:
        io.out.write(f"wrote {', '.join(written)}\n")
    try:
        remember_failures(project.root, result)
    except OSError as exc:
        io.err.write(f"warning: could not record failures for --last-failed: {exc}\n")
    try:  # not by a shard: the shards of one suite run on one machine must split it alike
        if plan is None:
            remember_durations(project.root, result)
    except OSError as exc:
        io.err.write(f"warning: could not record durations for --shard: {exc}\n")
    io.out.write(
        emit(
            [[(result.summary_line(), "bold red" if result.failed else "bold green")]], color=color
        )
    )
    return code


def _execute(
    suite: TestSuite, wiring: Wiring, options: TestRunOptions, io: _Streams
) -> SuiteResult:
    from calmtui.testing.report.progress import progress_bar
    from calmtui.testing.runner import RunOptions, run_suite_sync

    run_options = RunOptions(
        workers=options.workers, fail_fast=options.fail_fast, repeat=options.repeat
    )
    with progress_bar(len(suite.cases), io.err, enabled=not options.quiet) as advance:
        return run_suite_sync(
            suite.cases, wiring.env, run_options, on_result=advance, cleanup=wiring.aclose
        )


def _judge_factory(project: Project) -> Callable[[JudgeConfig], Judge | None]:
    from calmtui.testing.environment import make_judge

    return lambda config: make_judge(config, project)


def _coverage(project: Project, result: SuiteResult) -> CoverageReport:
    from calmtui.testing.coverage import coverage_of

    return coverage_of(project, result.results)


def _report_lines(
    project: Project,
    suite: TestSuite,
    result: SuiteResult,
    show_path: PathDisplay,
    options: TestRunOptions,
    coverage: CoverageReport | None,
) -> list[Line]:
    from calmtui.app.diagnostics_view import plural
    from calmtui.testing.report import console

    hidden = frozenset(name for name, slot in project.domain.slots.items() if slot.builtin)
    lines: list[Line] = []
    if options.verbose:
        lines += [console.case_line(r, show_path) for r in result.results]
    for failed in result.failures:
        if options.quiet:
            lines.append(
                console.failure_lines(
                    failed, suite.sources, show_path=show_path, hidden_slots=hidden
                )[0]
            )
            continue
        lines.append([])
        lines += console.failure_lines(
            failed, suite.sources, show_path=show_path, hidden_slots=hidden, verbose=options.verbose
        )
    if not options.quiet:
        if result.failures:
            lines.append([])
        lines += console.skipped_lines(result, show_path)
        lines += console.flaky_lines(result, show_path)
        lines += console.accuracy_lines(result)
        if coverage is not None:
            lines += console.coverage_lines(coverage)
        rate = (
            len(result.results) * result.repeat / result.duration_s
            if result.duration_s > 0
            else 0.0
        )
        lines.append(
            [
                (
                    f"{plural(len(result.results), 'test case')} in {result.duration_s:.2f} s "
                    f"({rate:.0f} cases/s)",
                    "dim",
                )
            ]
        )
    lines += console.notes_lines(result, fail_fast=options.fail_fast)
    return lines
