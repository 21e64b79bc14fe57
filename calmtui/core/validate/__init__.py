"""Project validation: every check of FORMATS.md (h) that the loader does not already do.

`validate_project(project)` runs the checks of `registry.CHECKS` on a loaded project;
`check(root, paths)` loads and validates in one go and returns a `ValidationReport` with everything
a front end needs (sorted diagnostics, counts, file texts for caret rendering).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from calmtui.core.diagnostics import Diagnostic, sort_diagnostics
from calmtui.core.loading.project_loader import LoadResult, ProjectPaths, load_project
from calmtui.core.model.project import Project
from calmtui.core.validate.context import ValidationContext
from calmtui.core.validate.registry import CHECKS, Check
from calmtui.core.validate.report import ProjectStats, ValidationReport

__all__ = [
    "CHECKS",
    "Check",
    "ProjectStats",
    "ValidationReport",
    "check",
    "report_for",
    "validate_project",
]


def validate_project(project: Project, checks: Iterable[Check] = CHECKS) -> list[Diagnostic]:
    """Run every check on a loaded project; the diagnostics come back sorted by place."""
    ctx = ValidationContext(project)
    found: list[Diagnostic] = []
    for c in checks:
        found.extend(c.run(ctx))
    return sort_diagnostics(found)


# Loader codes meaning "this file's content is lost": checks would report its absence.
UNREADABLE_CODES = frozenset(
    {"CT101", "CT103", "CT104", "CT107", "CT108", "CT109", "CT180", "CT181"}
)


def unreadable_domain_files(result: LoadResult) -> list[str]:
    """Domain files that could not be read; cross-checks against the domain are then skipped."""
    if result.project is None:
        return []
    domain_files = set(result.project.domain.files)
    return sorted(
        {
            d.span.path
            for d in result.diagnostics
            if d.code in UNREADABLE_CODES and d.span is not None and d.span.path in domain_files
        }
    )


def report_for(result: LoadResult, root: str | os.PathLike[str]) -> ValidationReport:
    """Validate what `load_project` returned and combine both sets of diagnostics.

    When a domain file cannot be read, the project checks are skipped (`skipped_checks`):
    every reference to a slot, response or action would otherwise be reported as unknown.
    """
    diagnostics = list(result.diagnostics)
    skipped = bool(unreadable_domain_files(result))
    if result.project is not None and not skipped:
        diagnostics += validate_project(result.project)
    project_root = result.project.root if result.project is not None else str(Path(root).resolve())
    return ValidationReport(
        root=project_root,
        project=result.project,
        diagnostics=tuple(sort_diagnostics(diagnostics)),
        sources=dict(result.sources),
        skipped_checks=skipped,
    )


def check(
    root: str | os.PathLike[str],
    paths: ProjectPaths | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> ValidationReport:
    """Load the project at `root` and validate it."""
    return report_for(load_project(root, paths, environ=environ), root)
