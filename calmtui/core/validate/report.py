"""The outcome of loading and validating a project, ready for any front end to show."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.model.project import Project


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectStats:
    """What the user defined (built-in patterns, slots, responses and actions not counted).

    `flows` are the user flows (what `calmtui init` announces); `patterns` the project's own
    pattern flows, i.e. overridden defaults."""

    flows: int = 0
    patterns: int = 0
    slots: int = 0
    responses: int = 0
    actions: int = 0

    @classmethod
    def of(cls, project: Project) -> ProjectStats:
        domain = project.domain
        return cls(
            flows=sum(1 for f in project.user_flows if not f.builtin),
            patterns=sum(1 for f in project.patterns if not f.builtin),
            slots=sum(1 for s in domain.slots.values() if not s.builtin),
            responses=sum(1 for r in domain.responses.values() if not r.builtin),
            actions=sum(1 for a in domain.actions.values() if not a.builtin),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidationReport:
    root: str
    project: Project | None
    diagnostics: tuple[Diagnostic, ...]
    sources: Mapping[str, str] = field(default_factory=dict[str, str])
    ignored: int = 0
    # True when the project checks did not run because a domain file could not be read.
    skipped_checks: bool = False

    @property
    def found_project(self) -> bool:
        return self.project is not None

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    @property
    def infos(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "info")

    @property
    def files(self) -> int:
        """How many project files were read (the `.env` file is not counted)."""
        return len(self.sources)

    @property
    def stats(self) -> ProjectStats:
        return ProjectStats.of(self.project) if self.project is not None else ProjectStats()

    def is_valid(self, *, fail_on_warnings: bool = False) -> bool:
        if not self.found_project or self.errors:
            return False
        return not (fail_on_warnings and self.warnings)

    def ignoring(self, codes: Collection[str]) -> ValidationReport:
        """The same report without diagnostics of the given codes (CT100 is never hidden)."""
        if not codes:
            return self
        kept = tuple(d for d in self.diagnostics if d.code not in codes or d.code == "CT100")
        return replace(
            self, diagnostics=kept, ignored=self.ignored + len(self.diagnostics) - len(kept)
        )
