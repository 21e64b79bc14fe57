"""`calmtui test`: run the project's e2e test cases (Rasa format) and report.

    calmtui test [PATHS...] [-n N] [-x/--fail-fast] [-k EXPR] [--lf] [--repeat N]
                 [--understanding MODE] [--coverage] [--junit F] [--json F] [-o F] [-q|-v]

The report goes to stdout and ends with exactly `N passed, M failed` (`, K skipped` when any);
problems with the project or the test files go to stderr as diagnostics with file:line.
Exit codes: 0 all passed, 1 failures, 2 usage/project/test-file errors, 3 internal error,
5 no test cases found. Heavy imports (the runner, rich, litellm via understanding) happen inside
the command, so `calmtui test --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from calmtui.cli.project_options import (
    ConfigOption,
    DataOption,
    DomainOption,
    EndpointsOption,
    ProjectOption,
    load_from_options,
    project_root,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from calmtui.app.diagnostics_view import Line, PathDisplay
    from calmtui.core.diagnostics import Diagnostic
    from calmtui.core.loading.project_loader import LoadResult
    from calmtui.core.model.project import Project
    from calmtui.testing.coverage import CoverageReport
    from calmtui.testing.environment import Wiring
    from calmtui.testing.judge import Judge
    from calmtui.testing.loader import Target, TestSuite
    from calmtui.testing.results import CaseResult, SuiteResult
    from calmtui.testing.spec import JudgeConfig

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL, EXIT_NO_TESTS = 0, 1, 2, 3, 5
DEFAULT_WORKERS = 8


def register(app: typer.Typer) -> None:
    @app.command("test")
    def test_command(
        paths: Annotated[
            list[str] | None,
            typer.Argument(
                metavar="[PATHS]...",
                help="Test files or directories, `file::case` for one case (default: tests/).",
                show_default=False,
            ),
        ] = None,
        project: ProjectOption = None,
        config: ConfigOption = None,
        domain: DomainOption = None,
        data: DataOption = None,
        endpoints: EndpointsOption = None,
        workers: Annotated[
            int,
            typer.Option(
                "--workers", "-n", min=1, metavar="N", help="Test cases run at the same time."
            ),
        ] = DEFAULT_WORKERS,
        fail_fast: Annotated[
            bool,
            typer.Option(
                "--fail-fast", "-x", help="Stop starting test cases after the first failure."
            ),
        ] = False,
        keyword: Annotated[
            str | None,
            typer.Option(
                "-k",
                metavar="EXPR",
                help="Only cases whose file::name matches, e.g. 'transfer and not cancel'.",
            ),
        ] = None,
        last_failed: Annotated[
            bool,
            typer.Option(
                "--last-failed", "--lf", help="Only the cases that failed last time (all if none)."
            ),
        ] = False,
        repeat: Annotated[
            int,
            typer.Option(
                "--repeat", min=1, metavar="N", help="Run each case N times and report flaky ones."
            ),
        ] = 1,
        understanding: Annotated[
            str | None,
            typer.Option(
                "--understanding",
                "-u",
                metavar="MODE",
                help="offline, llm, record or replay (default: the project's).",
            ),
        ] = None,
        coverage: Annotated[
            bool, typer.Option("--coverage", help="Report which flow steps the tests go through.")
        ] = False,
        coverage_output: Annotated[
            Path | None,
            typer.Option(
                "--coverage-output",
                metavar="DIR",
                help="Where coverage CSVs go (default: e2e_coverage_results).",
            ),
        ] = None,
        junit: Annotated[
            Path | None, typer.Option("--junit", metavar="FILE", help="Write JUnit XML.")
        ] = None,
        json_file: Annotated[
            Path | None, typer.Option("--json", metavar="FILE", help="Write the results as JSON.")
        ] = None,
        e2e_results: Annotated[
            Path | None,
            typer.Option(
                "--e2e-results",
                "-o",
                metavar="FILE",
                help="Write Rasa's results YAML (FILE_passed/_failed.yml).",
            ),
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Only failure headers and the summary.")
        ] = False,
        verbose: Annotated[
            bool,
            typer.Option("--verbose", "-v", help="Every case, engine notes and raw LLM replies."),
        ] = False,
        collect_only: Annotated[
            bool, typer.Option("--collect-only", help="List the selected test cases and exit.")
        ] = False,
    ) -> None:
        """Run the e2e test cases and report failures, accuracy and coverage."""
        options = _Options(
            workers=workers,
            fail_fast=fail_fast,
            repeat=repeat,
            understanding=understanding,
            coverage=coverage or coverage_output is not None,
            coverage_output=coverage_output,
            junit=junit,
            json_file=json_file,
            e2e_results=e2e_results,
            quiet=quiet,
            verbose=verbose and not quiet,
        )
        try:
            code = _run(
                project,
                config,
                domain,
                data,
                endpoints,
                paths or [],
                keyword,
                last_failed,
                collect_only,
                options,
            )
        except (typer.Exit, typer.BadParameter, KeyboardInterrupt):
            raise
        except BrokenPipeError:  # `calmtui test | head`: the reader left, nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            code = EXIT_FAILED
        except Exception as exc:  # the command's own last line of defence (exit 3, no traceback)
            if verbose or os.environ.get("CALMTUI_VERBOSE") == "1":
                import traceback

                traceback.print_exc()
            sys.stderr.write(
                f"internal error: {type(exc).__name__}: {exc} (re-run with -v for the traceback)\n"
            )
            code = EXIT_INTERNAL
        raise typer.Exit(code)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Options:
    workers: int
    fail_fast: bool
    repeat: int
    understanding: str | None
    coverage: bool
    coverage_output: Path | None
    junit: Path | None
    json_file: Path | None
    e2e_results: Path | None
    quiet: bool
    verbose: bool


def _run(
    project_dir: Path | None,
    config: Path | None,
    domain: Path | None,
    data: list[Path] | None,
    endpoints: Path | None,
    paths: list[str],
    keyword: str | None,
    last_failed: bool,
    collect_only: bool,
    options: _Options,
) -> int:
    from calmtui.app.diagnostics_view import PathDisplay
    from calmtui.testing.selection import KeywordError, compile_keyword

    if keyword is not None:
        try:
            compile_keyword(keyword)
        except KeywordError as exc:
            raise typer.BadParameter(str(exc), param_hint="'-k'") from None
    root = project_root(project_dir)
    targets = _targets(paths, root)
    result = load_from_options(project_dir, config, domain, data, endpoints)
    project = _valid_project(result, root)
    if project is None:
        return EXIT_USAGE
    show_path = PathDisplay(project.root)
    only = _last_failed(project.root, last_failed, options.quiet)
    from calmtui.testing.loader import load_suite

    suite = load_suite(project, project.root, targets, keyword=keyword, only=only)
    if not _show_test_file_problems(suite, show_path):
        return EXIT_USAGE
    if not suite.cases:
        where = ", ".join(paths) if paths else f"{show_path('tests')}/"
        extra = f" ({suite.deselected} deselected)" if suite.deselected else ""
        sys.stderr.write(f"no test cases found in {where}{extra}\n")
        sys.stderr.write(
            "  hint: a test file is a YAML file with a top-level 'test_cases:' list (see docs/testing.md)\n"
        )
        return EXIT_NO_TESTS
    if collect_only:
        for case in suite.cases:
            sys.stdout.write(f"{show_path(case.path)}::{case.name}  (line {case.line})\n")
        sys.stdout.write(f"{len(suite.cases)} test cases\n")
        return EXIT_OK
    return _run_suite(project, suite, show_path, options)


def _targets(paths: list[str], root: Path) -> list[Target]:
    from calmtui.testing.loader import parse_target

    targets: list[Target] = []
    for text in paths:
        candidates = [parse_target(text, Path.cwd()), parse_target(text, root)]
        found = next((t for t in candidates if t.path.exists()), None)
        if found is None:
            raise typer.BadParameter(
                f"'{text.partition('::')[0]}' does not exist", param_hint="'PATHS'"
            )
        targets.append(found)
    return targets


def _valid_project(result: LoadResult, root: Path) -> Project | None:
    """The loaded project, or None after printing why it cannot be tested (exit 2)."""
    from calmtui.app.diagnostics_view import PathDisplay, render_text, should_color
    from calmtui.core.validate import report_for

    report = report_for(result, root)
    errors = [d for d in report.diagnostics if d.is_error]
    if report.project is not None and not errors:
        return report.project
    show_path = PathDisplay(report.root)
    sys.stderr.write(
        render_text(errors, report.sources, show_path=show_path, color=should_color(sys.stderr))
    )
    _github(errors, show_path)
    if report.project is not None:
        sys.stderr.write(
            f"the project has {len(errors)} error(s); fix them first (calmtui validate shows all problems)\n"
        )
    return None


def _last_failed(root: str, enabled: bool, quiet: bool) -> list[str] | None:
    if not enabled:
        return None
    from calmtui.testing.state import read_last_failed

    failed = read_last_failed(root)
    if not failed:
        if not quiet:
            sys.stderr.write("--last-failed: no failures recorded, running all test cases\n")
        return None
    return failed


def _show_test_file_problems(suite: TestSuite, show_path: PathDisplay) -> bool:
    from calmtui.app.diagnostics_view import plural, render_text, should_color

    if not suite.diagnostics:
        return True
    shown = [d for d in suite.diagnostics if d.severity != "info"]
    sys.stderr.write(
        render_text(shown, suite.sources, show_path=show_path, color=should_color(sys.stderr))
    )
    _github(shown, show_path)
    errors = sum(d.is_error for d in shown)
    if errors:
        files = len({d.span.path for d in shown if d.span is not None}) or 1
        sys.stderr.write(
            f"{plural(errors, 'error')} in test files ({plural(files, 'file')}): no test was run\n"
        )
        return False
    return True


def _github(diagnostics: list[Diagnostic], show_path: PathDisplay) -> None:
    if os.environ.get("GITHUB_ACTIONS") == "true" and diagnostics:
        from calmtui.app.diagnostics_view import render_github

        sys.stdout.write(render_github(diagnostics, show_path))


# -- running ---------------------------------------------------------------------------------------
def _run_suite(
    project: Project, suite: TestSuite, show_path: PathDisplay, options: _Options
) -> int:
    from calmtui.app.diagnostics_view import emit, plural, should_color
    from calmtui.testing.environment import build_wiring, make_generator
    from calmtui.understanding.errors import UnderstandingConfigError

    try:
        generator = make_generator(project, options.understanding, project.root)
    except UnderstandingConfigError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    _prefetch_litellm(generator)
    wiring = build_wiring(project, generator=generator, judge_factory=_judge_factory(project))
    color = should_color(sys.stdout)
    if not options.quiet:
        files = len({c.path for c in suite.cases})
        header = (
            f"running {plural(len(suite.cases), 'test case')} from {plural(files, 'file')} · "
            f"understanding: {wiring.mode or '?'} · {plural(options.workers, 'worker')}"
        )
        if options.repeat > 1:
            header += f" · each {options.repeat} times"
        sys.stdout.write(emit([[(header, "dim")]], color=color))
        sys.stdout.flush()
    result = _execute(suite, wiring, options)
    code = EXIT_FAILED if result.failed else EXIT_OK
    coverage = _coverage(project, result) if options.coverage else None
    sys.stdout.write(
        emit(_report_lines(project, suite, result, show_path, options, coverage), color=color)
    )
    _write_outputs(project, suite, result, options, coverage, wiring.mode, code, show_path)
    _remember_failures(project.root, result)
    sys.stdout.write(
        emit(
            [[(result.summary_line(), "bold red" if result.failed else "bold green")]], color=color
        )
    )
    return code


def _execute(suite: TestSuite, wiring: Wiring, options: _Options) -> SuiteResult:
    from calmtui.testing.runner import RunOptions, run_suite_sync

    run_options = RunOptions(
        workers=options.workers, fail_fast=options.fail_fast, repeat=options.repeat
    )
    with _progress(len(suite.cases), enabled=not options.quiet) as advance:
        return run_suite_sync(
            suite.cases, wiring.env, run_options, on_result=advance, cleanup=wiring.aclose
        )


class _progress:
    """A progress bar on stderr while cases run (only on a terminal)."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.enabled = (
            enabled
            and sys.stderr.isatty()
            and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM") != "dumb"
        )
        self._progress: object = None
        self._task: object = None

    def __enter__(self) -> Callable[[CaseResult], None]:
        if not self.enabled:
            return lambda result: None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        progress = Progress(
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        )
        progress.start()
        task = progress.add_task("tests", total=self.total)
        self._progress = progress

        def advance(result: CaseResult) -> None:
            progress.advance(task)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()  # type: ignore[attr-defined]


def _prefetch_litellm(generator: object) -> None:
    """In LLM modes, import litellm (seconds) in a thread while the cases are set up, instead
    of blocking the event loop on the first call."""
    if getattr(generator, "mode", "") not in ("llm", "record"):
        return
    import threading

    from calmtui.understanding.llm import import_litellm

    threading.Thread(target=import_litellm, name="litellm-import", daemon=True).start()


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
    options: _Options,
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


def _write_outputs(
    project: Project,
    suite: TestSuite,
    result: SuiteResult,
    options: _Options,
    coverage: CoverageReport | None,
    mode: str,
    code: int,
    show_path: PathDisplay,
) -> None:
    from calmtui.app.diagnostics_view import plain_text
    from calmtui.testing.report import console

    hidden = frozenset(name for name, slot in project.domain.slots.items() if slot.builtin)

    def failure_text(case_result: CaseResult) -> str:
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
            render_json(result, project=project.root, mode=mode, exit_code=code, coverage=coverage),
        )
        written.append(str(options.json_file))
    if options.e2e_results is not None:
        from calmtui.testing.report.rasa_results import write_rasa_results

        written += [str(p) for p in write_rasa_results(result, options.e2e_results)]
    if coverage is not None:
        written += _write_coverage(project, result, coverage, options.coverage_output)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        _github_outputs(result, mode, show_path)
    if written and not options.quiet:
        sys.stdout.write(f"wrote {', '.join(written)}\n")


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
    for name, text in files.items():
        _write(directory / name, text)
    return [f"{directory}/ (coverage CSVs)"]


def _github_outputs(result: SuiteResult, mode: str, show_path: PathDisplay) -> None:
    from calmtui.app.diagnostics_view import render_github
    from calmtui.testing.report.github import failure_diagnostics, step_summary

    sys.stdout.write(render_github(failure_diagnostics(result), show_path))
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(step_summary(result, mode=mode))


def _remember_failures(root: str, result: SuiteResult) -> None:
    from calmtui.testing.state import update_last_failed

    try:
        update_last_failed(
            root,
            [r.case.node_id for r in result.results],
            [r.case.node_id for r in result.failures],
        )
    except OSError as exc:
        sys.stderr.write(f"warning: could not record failures for --last-failed: {exc}\n")
