"""One problem type for everything: `validate`, hot reload, test files and the inspector.

A `Diagnostic` says what is wrong (`message`), where (`span`, 1-based), what to do (`hint`) and
what else is involved (`related`, e.g. "first defined here"). Codes are stable and documented in
`docs/diagnostics.md`; the catalogue lives in `codes.py`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
_SEVERITY_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a project file. `path` is relative to the project root when possible."""

    path: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    @property
    def width(self) -> int:
        """How many columns a caret underline should cover (at least one)."""
        if self.end_line == self.line and self.end_col > self.col:
            return self.end_col - self.col
        return 1

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line or self.line,
            "end_col": self.end_col or self.col,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    span: Span | None = None
    hint: str | None = None
    related: tuple[Span, ...] = field(default=())

    @classmethod
    def error(
        cls,
        code: str,
        message: str,
        span: Span | None = None,
        *,
        hint: str | None = None,
        related: Iterable[Span] = (),
    ) -> Diagnostic:
        return cls(
            code=code,
            severity="error",
            message=message,
            span=span,
            hint=hint,
            related=tuple(related),
        )

    @classmethod
    def warning(
        cls,
        code: str,
        message: str,
        span: Span | None = None,
        *,
        hint: str | None = None,
        related: Iterable[Span] = (),
    ) -> Diagnostic:
        return cls(
            code=code,
            severity="warning",
            message=message,
            span=span,
            hint=hint,
            related=tuple(related),
        )

    @classmethod
    def info(
        cls,
        code: str,
        message: str,
        span: Span | None = None,
        *,
        hint: str | None = None,
        related: Iterable[Span] = (),
    ) -> Diagnostic:
        return cls(
            code=code,
            severity="info",
            message=message,
            span=span,
            hint=hint,
            related=tuple(related),
        )

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        s = self.span
        return (
            s.path if s else "",
            s.line if s else 0,
            s.col if s else 0,
            _SEVERITY_RANK[self.severity],
            self.code,
            self.message,
        )

    def headline(self) -> str:
        """`path:line:col: error[CT302]: message` — the compiler-style first line."""
        where = f"{self.span}: " if self.span else ""
        return f"{where}{self.severity}[{self.code}]: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "span": self.span.to_json() if self.span else None,
            "hint": self.hint,
            "related": [r.to_json() for r in self.related],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Diagnostic:
        def span(d: dict[str, Any] | None) -> Span | None:
            if not d:
                return None
            return Span(d["path"], d["line"], d["col"], d.get("end_line", 0), d.get("end_col", 0))

        related = [s for s in (span(r) for r in data.get("related", [])) if s]
        return cls(
            code=data["code"],
            severity=data["severity"],
            message=data["message"],
            span=span(data.get("span")),
            hint=data.get("hint"),
            related=tuple(related),
        )


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file, line, column; exact duplicates (same code, place, text) collapse to one."""
    unique = {(d.code, d.span, d.message): d for d in diagnostics}
    return sorted(unique.values(), key=Diagnostic.sort_key)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate, as a ready-made hint, or None (difflib, cutoff 0.6)."""
    match = closest(name, candidates)
    return f"did you mean {match!r}?" if match else None


def closest(name: str, candidates: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None
