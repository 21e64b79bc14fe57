"""`calmtui test`: run the project's e2e test cases (Rasa format) and report.

    calmtui test [PATHS...] [-n N] [-x/--fail-fast] [-k EXPR] [--lf] [--repeat N]
                 [--understanding MODE] [--coverage] [--junit F] [--json F] [-o F] [-q|-v]
                 [--shard I/N]
    calmtui test --merge-results FILES... [--json F] [--junit F]

A thin command: it parses the options, loads the project and hands the run to
`calmtui.testing.orchestration` (selection, policy, running, report, output files). The report goes
to stdout and ends with exactly `N passed, M failed` (`, K errors`, `, K skipped` when any);
problems with the project go to stderr as diagnostics with file:line; a test file or case that
cannot be read is an error entry of the report (file:line), and every other case runs. Exit codes
(`ExitCode`): 0 all passed, 1 failures or test-file errors, 2 usage/project errors, 3 internal
error, 5 no test cases found. Heavy imports (the runner, rich, litellm via understanding) happen inside the command, so
`calmtui test --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from calmtui.app.exit_codes import ExitCode
from calmtui.cli.project_options import (
    ConfigOption,
    DataOption,
    DomainOption,
    EndpointsOption,
    IgnoreOption,
    ProjectOption,
    StrictOption,
    load_from_options,
    policy_from_options,
    project_root,
)

if TYPE_CHECKING:
    from calmtui.testing.orchestration import TestRequest, TestRunOptions
    from calmtui.testing.sharding import Shard

DEFAULT_WORKERS = 8  # = calmtui.testing.orchestration.DEFAULT_WORKERS (not imported: start-up)


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
        ignore: IgnoreOption = None,
        strict: StrictOption = False,
        shard: Annotated[
            str | None,
            typer.Option(
                "--shard",
                metavar="I/N",
                help="Run only part I of N of the selected cases (CI matrix; see docs/testing.md).",
            ),
        ] = None,
        merge_results: Annotated[
            bool,
            typer.Option(
                "--merge-results",
                help="PATHS are the --json/--junit files of shards: merge them (into --json, --junit).",
            ),
        ] = False,
    ) -> None:
        """Run the e2e test cases and report failures, accuracy and coverage."""
        from calmtui.testing.orchestration import TestRequest, TestRunOptions

        if merge_results:  # no project: the shards' result files are the input
            raise typer.Exit(merge(paths or [], json_file, junit))
        from calmtui.understanding.llm_process import route_calls

        # an LLM run calls the model from a process of its own (litellm's import overlaps loading)
        with route_calls(not collect_only):
            if not collect_only:  # litellm imports while the project and the tests load
                from calmtui.app.understanding import prefetch_litellm_early

                prefetch_litellm_early(understanding)

            options = TestRunOptions(
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
            policy = policy_from_options(ignore, strict)
            try:
                loaded = load_from_options(project, config, domain, data, endpoints)
                request = TestRequest(
                    root=project_root(project),
                    loaded=loaded,
                    paths=paths or [],
                    keyword=keyword,
                    last_failed=last_failed,
                    collect_only=collect_only,
                    policy=policy,
                    shard=parse_shard_option(shard),
                )
                code = run(request, options)
            except (typer.Exit, typer.BadParameter, KeyboardInterrupt):
                raise
            except BrokenPipeError:  # `calmtui test | head`: the reader left, nothing more to say
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                code = ExitCode.PROBLEMS
            except (
                Exception
            ) as exc:  # the command's own last line of defence (exit 3, no traceback)
                from calmtui.cli.main import report_internal_error

                report_internal_error(exc, verbose=verbose)
                code = ExitCode.INTERNAL
        raise typer.Exit(code)


def run(request: TestRequest, options: TestRunOptions) -> ExitCode:
    """The run (`calmtui.testing.orchestration`); a usage problem becomes Typer's usage error."""
    from calmtui.app.exit_codes import UsageError
    from calmtui.testing.orchestration import run_tests

    try:
        return run_tests(request, options)
    except UsageError as exc:
        raise typer.BadParameter(str(exc), param_hint=exc.param_hint) from None


def parse_shard_option(text: str | None) -> Shard | None:
    if text is None:
        return None
    from calmtui.testing.sharding import parse_shard

    try:
        return parse_shard(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--shard'") from None


def merge(paths: list[str], json_file: Path | None, junit: Path | None) -> ExitCode:
    """`--merge-results`: `calmtui.testing.merging`; a usage problem is Typer's usage error."""
    from calmtui.app.exit_codes import UsageError
    from calmtui.testing.merging import run_merge

    try:
        return run_merge(paths, json_file=json_file, junit=junit, out=sys.stdout, err=sys.stderr)
    except UsageError as exc:
        raise typer.BadParameter(str(exc), param_hint=exc.param_hint) from None
