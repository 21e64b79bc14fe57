"""Can this project run? One answer for `validate`, `shell`, `inspect`, `test`, the pytest
plugin and hot reload (issue 11 §3).

    report = ProjectPolicy(ignore={"CT240"}, strict=True).review(load_project(root), root)
    if not policy.allows(report): ...   # the errors that stop the start are policy.blocking(...)

`review` is the one way a command learns about a project: the core checks, then the checks that
import the project's own actions code (CT243, CT244) and read its search documents (CT6xx), then
the policy itself:

* codes the user silences (`--ignore CODE`, or `calmtui: {ignore: [...]}` in config.yml) are
  dropped and counted;
* with `--strict` (or `calmtui: {strict: true}`) the warnings where calmtui is stricter than
  Rasa by opinion (`core.codes.STRICT_CODES`) become errors;
* errors stop the start; warnings are shown and the project runs (`validate
  --fail-on-warnings` makes them count for validate's exit code only).

So a project is judged the same way by every command: actions code that does not import is an
error everywhere (CT244), and a custom action the module lacks is a warning everywhere (CT243).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from calmtui.core.codes import CODES, STRICT_CODES, UNSILENCEABLE

if TYPE_CHECKING:
    from calmtui.core.diagnostics import Diagnostic
    from calmtui.core.loading.project_loader import LoadResult
    from calmtui.core.model.project import Project
    from calmtui.core.validate import ValidationReport

STRICT_NOTE = "an error because of --strict (calmtui is stricter than Rasa here)"


def ignored_codes(values: Iterable[str]) -> frozenset[str]:
    """`["CT240", "ct241,CT242"]` -> the codes. ValueError names an unknown code or one that
    cannot be hidden (the command line and the pytest plugin turn it into their usage error)."""
    codes = {part.strip().upper() for value in values for part in value.split(",") if part.strip()}
    unknown = sorted(codes - set(CODES))
    if unknown:
        raise ValueError(
            f"unknown diagnostic code {unknown[0]!r} (the codes are listed in docs/diagnostics.md)"
        )
    fixed = sorted(codes & UNSILENCEABLE)
    if fixed:
        raise ValueError(f"{fixed[0]} cannot be hidden")
    return frozenset(codes)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectPolicy:
    fail_on_warnings: bool = False
    ignore: frozenset[str] = frozenset()
    strict: bool = False

    def for_project(self, project: Project | None) -> ProjectPolicy:
        """The command line's settings plus the project's own (`calmtui:` in config.yml)."""
        if project is None:
            return self
        settings = project.config.settings
        return replace(
            self,
            ignore=self.ignore | settings.ignore,
            strict=self.strict or settings.strict,
        )

    def judge(self, diagnostic: Diagnostic) -> Diagnostic | None:
        """The diagnostic as this policy shows it: None when silenced, an error when strict."""
        if diagnostic.code in self.ignore and diagnostic.code not in UNSILENCEABLE:
            return None
        if self.strict and diagnostic.code in STRICT_CODES and diagnostic.severity == "warning":
            hint = f"{diagnostic.hint}; {STRICT_NOTE}" if diagnostic.hint else STRICT_NOTE
            return replace(diagnostic, severity="error", hint=hint)
        return diagnostic

    def apply(self, report: ValidationReport) -> ValidationReport:
        """The report with the silenced codes dropped (counted) and strict codes upgraded."""
        judged = [self.judge(d) for d in report.diagnostics]
        kept = tuple(d for d in judged if d is not None)
        return replace(report, diagnostics=kept, ignored=report.ignored + len(judged) - len(kept))

    def blocking(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics that stop the project from running, in their order."""
        return [
            d
            for d in diagnostics
            if d.is_error or (self.fail_on_warnings and d.severity == "warning")
        ]

    def allows(self, report: ValidationReport) -> bool:
        """True when the project was found and nothing in the report blocks it."""
        return report.project is not None and not self.blocking(report.diagnostics)

    def review(self, result: LoadResult, root: str | os.PathLike[str]) -> ValidationReport:
        """Validate a loaded project as every command does: core checks, the actions code,
        then this policy merged with the project's own settings."""
        from calmtui.core.validate import report_for

        report = with_generative_checks(with_actions_checks(report_for(result, root)))
        return self.for_project(report.project).apply(report)


DEFAULT_POLICY = ProjectPolicy()


def with_actions_checks(report: ValidationReport) -> ValidationReport:
    """Add CT244 (the actions code does not import) or CT243 (an action it lacks) for a project
    whose custom actions run in-process (`actions_module`). This imports user code, so it is not
    part of the pure core validator; it runs only when it applies."""
    project = report.project
    endpoint = project.endpoints.action_endpoint if project is not None else None
    if project is None or report.skipped_checks or endpoint is None or not endpoint.actions_module:
        return report
    from calmtui.actions.checks import find_missing_actions
    from calmtui.core.diagnostics import sort_diagnostics

    found = find_missing_actions(project)
    if not found:
        return report
    sources = dict(report.sources)
    for problem in found:
        span = problem.span
        if span is not None and span.path.endswith(".py") and span.path not in sources:
            with contextlib.suppress(OSError, UnicodeDecodeError):  # shown with its source line
                sources[span.path] = (Path(project.root) / span.path).read_text(encoding="utf-8")
    return replace(
        report,
        diagnostics=tuple(sort_diagnostics([*report.diagnostics, *found])),
        sources=sources,
    )


def with_generative_checks(report: ValidationReport) -> ValidationReport:
    """Add the CT6xx findings on knowledge search, chitchat and rephrasing (all warnings): they
    read the search documents (user files beyond the project's YAML), so they live above the
    core."""
    project = report.project
    if project is None or report.skipped_checks:
        return report
    from calmtui.core.diagnostics import sort_diagnostics
    from calmtui.generation.checks import generative_diagnostics

    found = generative_diagnostics(project, Path(report.root))
    if not found:
        return report
    return replace(report, diagnostics=tuple(sort_diagnostics([*report.diagnostics, *found])))
