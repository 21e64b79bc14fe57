"""Can this project run? One answer for `validate`, `shell`, `inspect`, `test` and hot reload.

A project runs when it was found and no diagnostic blocks it; today every error blocks and
warnings never do (`validate --fail-on-warnings` makes warnings count for its exit code). This
is the one place to change that: codes a user silences (`--ignore CODE`), opinions that only
`--strict` enforces, or errors that do not stop a conversation from running.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calmtui.core.diagnostics import Diagnostic
    from calmtui.core.validate import ValidationReport


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectPolicy:
    fail_on_warnings: bool = False

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


DEFAULT_POLICY = ProjectPolicy()
