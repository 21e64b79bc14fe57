"""A whole `calmtui test` run: select the cases, check what can run, run them, report, exit code.

    code = run_tests(TestRequest(root=..., loaded=..., paths=[...]), TestRunOptions(workers=8))

The CLI parses options and loads the project (`calmtui/cli/test_cmd.py`); everything from there on
is here, with no Typer: the project is reviewed by the project policy (`calmtui.app.policy`, as
for every command), the test files' problems are isolated (`isolation.py`: a file or case that
cannot be read is an error entry of the run, every other case runs), understanding is resolved
before the first case (`calmtui.app.understanding`), the cases run concurrently (`runner.py`),
the console report goes to `out` and the files to `outputs.py`. Problems with the project go to
`err` as diagnostics with file:line, warnings of test files too; the test files' errors are in
the report. Usage problems (an unknown path, a bad `-k` expression) raise `UsageError` for the
CLI to print its usage way. Exit codes (`ExitCode`): 0 all passed, 1 failures or test-file errors,
2 project errors or unusable understanding settings, 5 no test cases found.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from calmtui.app.exit_codes import ExitCode, UsageError
from calmtui.app.policy import DEFAULT_POLICY, ProjectPolicy

if TYPE_CHECKING:
    from calmtui.app.diagnostics_view import Line, PathDisplay
    from calmtui.core.diagnostics import Diagnostic
    from calmtui.core.loading.project_loader import LoadResult
    from calmtui.core.model.project import Project
    from calmtui.testing.coverage import CoverageReport
    from calmtui.testing.environment import Wiring
    from calmtui.testing.isolation import Isolated
    from calmtui.testing.judge import Judge
    from calmtui.testing.loader import Target, TestSuite
    from calmtui.testing.results import SuiteResult
    from calmtui.testing.sharding import Shard, ShardPlan
    from calmtui.testing.spec import JudgeConfig, TestCase

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
    # `--ignore` / `--strict`; the project's own `calmtui:` settings add to it.
    policy: ProjectPolicy = DEFAULT_POLICY
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
    reviewed = _valid_project(request.loaded, request.root, io, request.policy)
    if reviewed is None:
        return ExitCode.USAGE
    project, not_run = reviewed
    policy = request.policy.for_project(project)
    show_path = PathDisplay(project.root)
    only = _last_failed(project.root, request.last_failed, options.quiet, io)
    from calmtui.testing.isolation import isolate
    from calmtui.testing.loader import load_suite

    suite = load_suite(project, project.root, targets, keyword=request.keyword, only=only)
    isolated = isolate(suite, policy.judge)
    if not _show_test_file_problems(suite, isolated, show_path, io):
        return ExitCode.USAGE
    if not isolated.runnable and not isolated.errors:
        where = ", ".join(request.paths) if request.paths else f"{show_path('tests')}/"
        extra = f" ({suite.deselected} deselected)" if suite.deselected else ""
        io.err.write(f"no test cases found in {where}{extra}\n")
        io.err.write(
            "  hint: a test file is a YAML file with a top-level 'test_cases:' list (see docs/testing.md)\n"
        )
        return ExitCode.NO_TESTS
    plan = _shard(isolated, request.shard, project.root)
    if request.collect_only:
        for case in isolated.runnable:
            io.out.write(f"{show_path(case.path)}::{case.name}  (line {case.line})\n")
        for entry in isolated.errors:
            io.out.write(f"{show_path(entry.case.path)}:{entry.case.line}  error: cannot be read\n")
        io.out.write(
            f"{len(isolated.runnable)} test cases"
            + (f" ({plan.describe()})" if plan else "")
            + "\n"
        )
        return ExitCode.PROBLEMS if isolated.errors else ExitCode.OK
    return _run_suite(project, suite, isolated, show_path, options, io, not_run=not_run, plan=plan)


def _shard(isolated: Isolated, shard: Shard | None, root: str) -> ShardPlan | None:
    """Keep this shard's part of `isolated` (`calmtui.testing.sharding`); None without --shard.
    The entries of cases that cannot be read are split with the others, so each is reported by
    exactly one shard and the merged report has every case once."""
    if shard is None:
        return None
    from calmtui.testing.sharding import plan_shard, read_durations

    entries = [*isolated.runnable, *(entry.case for entry in isolated.errors)]
    plan = plan_shard(entries, shard, read_durations(root))
    mine = {id(case) for case in plan.cases}
    isolated.runnable = [case for case in isolated.runnable if id(case) in mine]
    isolated.errors = [entry for entry in isolated.errors if id(entry.case) in mine]
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


def _valid_project(
    result: LoadResult, root: Path, io: _Streams, policy: ProjectPolicy
) -> tuple[Project, str | None] | None:
    """The project and the line naming what calmtui does not run in it, or None after printing
    why it cannot be tested (exit 2)."""
    from calmtui.app.diagnostics_view import PathDisplay, write_text
    from calmtui.core.validate.not_run import summary

    report = policy.review(result, root)
    errors = policy.blocking(report.diagnostics)
    if report.project is not None and policy.allows(report):
        return report.project, summary(report.diagnostics)
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


def _show_test_file_problems(
    suite: TestSuite, isolated: Isolated, show_path: PathDisplay, io: _Streams
) -> bool:
    """Warnings of the test files on `err` (their errors are entries of the report); False
    after printing a usage error (an unknown `path::name`) that stops the run."""
    from calmtui.app.diagnostics_view import render_text, should_color

    shown = [*isolated.shown, *isolated.usage]
    if not shown:
        return True
    color = should_color(io.err)
    io.err.write(render_text(shown, suite.sources, show_path=show_path, color=color))
    _github(shown, show_path, io)
    return not isolated.usage


def _github(diagnostics: list[Diagnostic], show_path: PathDisplay, io: _Streams) -> None:
    if os.environ.get("GITHUB_ACTIONS") == "true" and diagnostics:
        from calmtui.app.diagnostics_view import render_github

        io.out.write(render_github(diagnostics, show_path))


# -- running ---------------------------------------------------------------------------------------
def _warn_about_models(io: _Streams) -> None:
    """A model that failed to load is a warning of the run, said once: per-turn notes are only
    read in verbose runs."""
    from calmtui.understanding.semantic_model import load_failure
    from calmtui.understanding.sentence_model import load_failure as encoder_failure

    if (failure := load_failure()) is not None:
        io.err.write(f"warning: the offline understanding matched by words only: {failure}\n")
    elif (failure := encoder_failure()) is not None:
        io.err.write(
            "warning: the offline understanding ran without its sentence model "
            f"(static word vectors only): {failure}\n"
        )


def _run_suite(
    project: Project,
    suite: TestSuite,
    isolated: Isolated,
    show_path: PathDisplay,
    options: TestRunOptions,
    io: _Streams,
    *,
    not_run: str | None = None,
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
        # the responder (knowledge answers, chitchat, rephrasing) follows the same mode
        wiring = build_wiring(project, generator=generator, judge_factory=_judge_factory(project))
        for warning in check_keys(project, options.understanding):  # before the first case
            io.err.write(f"warning: {warning}\n")
    except UnderstandingConfigError as exc:
        io.err.write(f"error: {exc}\n")
        return ExitCode.USAGE
    color = should_color(io.out)
    if not options.quiet:
        files = len({c.path for c in isolated.runnable})
        header = (
            f"running {plural(len(isolated.runnable), 'test case')} from {plural(files, 'file')} · "
            f"understanding: {wiring.mode or '?'} · {plural(options.workers, 'worker')}"
        )
        if options.repeat > 1:
            header += f" · each {options.repeat} times"
        if isolated.errors:
            header += f" · {len(isolated.errors)} cannot be read"
        if plan is not None:
            header += f" · {plan.describe()}"
        lines: list[Line] = [[(header, "dim")]]
        if not_run is not None:
            lines.append([(not_run, "yellow")])
        io.out.write(emit(lines, color=color))
        io.out.flush()
    wait_for_litellm()  # imported and warmed: no case's first call stalls the others
    result = _execute(isolated.runnable, wiring, options, io)
    _warn_about_models(io)
    if isolated.errors:
        result.results = sorted(
            [*isolated.errors, *result.results], key=lambda r: (r.case.path, r.case.line)
        )
    code = ExitCode.PROBLEMS if result.unsuccessful else ExitCode.OK
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
            [[(result.summary_line(), "bold red" if result.unsuccessful else "bold green")]],
            color=color,
        )
    )
    return code


def _execute(
    cases: Sequence[TestCase], wiring: Wiring, options: TestRunOptions, io: _Streams
) -> SuiteResult:
    from calmtui.testing.report.progress import progress_bar
    from calmtui.testing.runner import RunOptions, run_suite_sync

    run_options = RunOptions(
        workers=options.workers, fail_fast=options.fail_fast, repeat=options.repeat
    )
    with progress_bar(len(cases), io.err, enabled=not options.quiet) as advance:
        return run_suite_sync(
            cases, wiring.env, run_options, on_result=advance, cleanup=wiring.aclose
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
    for errored in result.errored:
        block = console.error_lines(errored, suite.sources, show_path=show_path)
        lines += block[:1] if options.quiet else [[], *block]
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
        if result.failures or result.errored:
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
