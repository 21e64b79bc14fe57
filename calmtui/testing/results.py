"""What a test run found: per case a status, the first failing turn with every mismatch of that
turn, the outcome of each check (for the accuracy table), and the conversation itself (for the
failure context, coverage and the reports).

Statuses: `passed`, `failed`, `skipped` (with the reasons: an assertion calmtui cannot judge, or
a message the coexistence router would hand to the NLU-based half), and `error`: a test file or
case that cannot be read (`problems` says why, with file:line); it is not run, every other case
is, and it counts like a failure for the exit code (issue 11 §4)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.session import TurnResult
from calmtui.testing.conversation import Conversation
from calmtui.testing.spec import TestCase, UserStep

Status = Literal["passed", "failed", "skipped", "error"]
CheckStatus = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Mismatch:
    """One expectation that did not hold, as Rasa's message plus an expected/actual diff."""

    kind: str
    message: str
    expected: tuple[str, ...] = ()
    actual: tuple[str, ...] = ()
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOutcome:
    """One assertion or style-A step. `counted` follows Rasa's accuracy rule: checks after the
    first failure of a case are not counted."""

    kind: str
    status: CheckStatus
    span: Span | None = None
    counted: bool = True
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """Where a case failed: its turn (1-based; 0 = before the first user message)."""

    turn: int
    span: Span
    step: UserStep | None = None
    mismatches: tuple[Mismatch, ...] = ()
    result: TurnResult | None = None
    error: str | None = None
    difference: tuple[str, ...] = ()

    @property
    def first_message(self) -> str:
        if self.error:
            return self.error
        return self.mismatches[0].message if self.mismatches else "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Flakiness:
    """--repeat found runs that disagree: how many passed, and the first turn that differed."""

    runs: int
    passed_runs: int
    turn: int | None
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseResult:
    case: TestCase
    status: Status
    failure: Failure | None = None
    outcomes: tuple[CheckOutcome, ...] = ()
    conversation: Conversation | None = None
    duration_ms: float = 0.0
    flaky: Flakiness | None = None
    conversation_id: str = ""  # the sender id custom actions saw (`<case>_<timestamp>`)
    # Why a case or file with status "error" could not be run (diagnostics with file:line).
    problems: tuple[Diagnostic, ...] = ()
    # For a file's error entry: how many of its (or, for a conftest, its directory's) cases
    # were not run because of it.
    not_run: int = 0
    # Why a case was skipped as a whole (e.g. it needs the NLU-based half of the project).
    skip_reason: str = ""

    @property
    def skip_reasons(self) -> list[str]:
        reasons = [self.skip_reason] if self.skip_reason else []
        reasons += [o.reason for o in self.outcomes if o.status == "skipped" and o.reason]
        return list(dict.fromkeys(reasons))


@dataclass(slots=True, kw_only=True)
class SuiteResult:
    results: list[CaseResult] = field(default_factory=list[CaseResult])
    not_run: int = 0  # cases left out by --fail-fast
    duration_s: float = 0.0
    workers: int = 1
    repeat: int = 1

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def passed(self) -> int:
        return self.count("passed")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def errored(self) -> list[CaseResult]:
        """Test files and cases that could not be read (not run)."""
        return [r for r in self.results if r.status == "error"]

    @property
    def unsuccessful(self) -> bool:
        """Any failure or error: the run's exit code is 1."""
        return bool(self.failed or self.errors)

    @property
    def flaky(self) -> list[CaseResult]:
        return [r for r in self.results if r.flaky is not None]

    def summary_line(self) -> str:
        """Exactly `N passed, M failed`, then `, K error(s)` and `, K skipped` when any."""
        line = f"{self.passed} passed, {self.failed} failed"
        if self.errors:
            line += f", {self.errors} error{'' if self.errors == 1 else 's'}"
        return line + (f", {self.skipped} skipped" if self.skipped else "")

    def accuracy(self) -> list[tuple[str, int, int]]:
        """(check kind, passed, total) over the counted checks, sorted by kind."""
        return accuracy_of(self.results)


def accuracy_of(results: Sequence[CaseResult]) -> list[tuple[str, int, int]]:
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for result in results:
        for outcome in result.outcomes:
            if not outcome.counted or outcome.status == "skipped":
                continue
            total[outcome.kind] += 1
            passed[outcome.kind] += outcome.status == "passed"
    return [(kind, passed[kind], total[kind]) for kind in sorted(total)]
