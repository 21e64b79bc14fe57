"""`calmtui validate`: load the project, run every check, print all problems.

Output: the human report goes to stdout (it is the command's output), sorted by file and line,
ending with one summary line; `--json` prints only the JSON document on stdout. With
`GITHUB_ACTIONS=true` every shown diagnostic is also printed as a workflow annotation (on stderr
when `--json` keeps stdout for the document). No project found (CT100) goes to stderr.
Exit codes: 0 valid, 1 errors (or warnings with `--fail-on-warnings`), 2 usage error or no
project found.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

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
    from calmtui.app.policy import ProjectPolicy
    from calmtui.core.validate import ValidationReport


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate_command(
        project: ProjectOption = None,
        config: ConfigOption = None,
        domain: DomainOption = None,
        data: DataOption = None,
        endpoints: EndpointsOption = None,
        json_output: Annotated[
            bool, typer.Option("--json", help="Print a JSON document instead of text.")
        ] = False,
        fail_on_warnings: Annotated[
            bool, typer.Option("--fail-on-warnings", help="Exit 1 when there are warnings.")
        ] = False,
        ignore: IgnoreOption = None,
        strict: StrictOption = False,
        verbose: Annotated[
            bool, typer.Option("--verbose", "-v", help="Also show info diagnostics.")
        ] = False,
    ) -> None:
        """Check the project and print every problem found, sorted by file and line."""
        policy = policy_from_options(ignore, strict, fail_on_warnings=fail_on_warnings)
        result = load_from_options(project, config, domain, data, endpoints)
        report = policy.review(result, project_root(project))
        code = show_report(
            report,
            json_output=json_output,
            fail_on_warnings=fail_on_warnings,
            verbose=verbose,
            policy=policy,
        )
        raise typer.Exit(code)


def exit_code(report: ValidationReport, policy: ProjectPolicy) -> ExitCode:
    if not report.found_project:
        return ExitCode.USAGE
    return ExitCode.OK if policy.allows(report) else ExitCode.PROBLEMS


def show_report(
    report: ValidationReport,
    *,
    json_output: bool,
    fail_on_warnings: bool,
    verbose: bool,
    policy: ProjectPolicy,
) -> ExitCode:
    from calmtui.app.diagnostics_view import (
        PathDisplay,
        emit,
        render_github,
        render_json,
        render_text,
        should_color,
    )

    show_path = PathDisplay(report.root)
    code = exit_code(report, policy)
    shown = [d for d in report.diagnostics if verbose or d.severity != "info"]
    if os.environ.get("GITHUB_ACTIONS") == "true":
        stream = sys.stderr if json_output or not report.found_project else sys.stdout
        stream.write(render_github(shown, show_path))
    if json_output:
        project = report.root if report.found_project else None
        summary = summary_data(report, fail_on_warnings=fail_on_warnings, exit_code=code)
        sys.stdout.write(
            render_json(project=project, diagnostics=report.diagnostics, summary=summary)
        )
        return code
    if not report.found_project:
        sys.stderr.write(
            render_text(shown, report.sources, show_path=show_path, color=should_color(sys.stderr))
        )
        return code
    color = should_color(sys.stdout)
    sys.stdout.write(render_text(shown, report.sources, show_path=show_path, color=color))
    line = summary_line(report, fail_on_warnings=fail_on_warnings, verbose=verbose)
    style = "bold green" if code == ExitCode.OK else "bold red"
    sys.stdout.write(emit([[(line, style)]], color=color))
    return code


def summary_line(report: ValidationReport, *, fail_on_warnings: bool, verbose: bool) -> str:
    """`2 errors, 1 warning in 5 files` or `project is valid: 12 flows, 30 slots, ...`."""
    from calmtui.app.diagnostics_view import plural

    notes: list[str] = []
    if report.skipped_checks:
        notes.append("other checks skipped until the domain can be read")
    if verbose and report.infos:
        notes.append(plural(report.infos, "info"))
    if report.ignored:
        notes.append(f"{report.ignored} ignored")
    failed = report.errors or (fail_on_warnings and report.warnings)
    if failed:
        if not report.errors:
            notes.append("failing because of --fail-on-warnings")
        counts = f"{plural(report.errors, 'error')}, {plural(report.warnings, 'warning')}"
        line = f"{counts} in {plural(report.files, 'file')}"
    else:
        s = report.stats
        patterns = f"{plural(s.patterns, 'pattern')}, " if s.patterns else ""
        line = (
            f"project is valid: {plural(s.flows, 'flow')}, {patterns}{plural(s.slots, 'slot')}, "
            f"{plural(s.responses, 'response')}, {plural(s.actions, 'action')}"
        )
        if report.warnings:
            notes.insert(0, plural(report.warnings, "warning"))
    return line + (f" ({', '.join(notes)})" if notes else "")


def summary_data(
    report: ValidationReport, *, fail_on_warnings: bool, exit_code: int
) -> dict[str, Any]:
    s = report.stats
    return {
        "valid": report.is_valid(fail_on_warnings=fail_on_warnings),
        "exit_code": exit_code,
        "errors": report.errors,
        "warnings": report.warnings,
        "infos": report.infos,
        "ignored": report.ignored,
        "files": report.files,
        "flows": s.flows,
        "patterns": s.patterns,
        "slots": s.slots,
        "responses": s.responses,
        "actions": s.actions,
    }
