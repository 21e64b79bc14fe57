"""Flow coverage: which steps of each user flow the test conversations went through.

Testable steps are Rasa's: action, collect, link, call and set_slots steps of user flows
(`noop` steps and patterns are not counted). A step counts as visited when the engine reported
it: `ActionExecuted` carries the flow and step id of action steps, `StackChanged` shows a flow's
frame at its collect, link or call step, and `FlowCompleted`/`FlowCancelled` name the last step
run. `set_slots` and `noop` steps leave no event of their own; they are credited when every path
between two reported steps of the same flow must pass through them (so a `set_slots` before a
branch is covered, one on an untaken branch is not).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from calmtui.core.diagnostics import Span
from calmtui.core.events import (
    ActionExecuted,
    Event,
    FlowCancelled,
    FlowCompleted,
    FlowStarted,
    StackChanged,
)
from calmtui.core.model.flows import CONTINUE_PREFIX, END, START, Flow, NoopStep, SetSlotsStep
from calmtui.core.model.project import Project
from calmtui.testing.results import CaseResult
from calmtui.testing.translation_coverage import LanguageCoverage, translation_coverage

_SILENT = (SetSlotsStep, NoopStep)


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowCoverage:
    flow_id: str
    path: str
    total: int
    untested: tuple[tuple[str, int, int], ...]  # (step id, first line, last line)

    @property
    def covered(self) -> int:
        return self.total - len(self.untested)

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 100.0

    @property
    def untested_lines(self) -> str:
        return ", ".join(f"{a}-{b}" if b > a else str(a) for _, a, b in self.untested)


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverageReport:
    flows: tuple[FlowCoverage, ...]
    commands: tuple[tuple[str, int], ...] = field(default=())
    # Per additional language: translated, missing and never-said responses (languages.md).
    translations: tuple[LanguageCoverage, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(f.total for f in self.flows)

    @property
    def covered(self) -> int:
        return sum(f.covered for f in self.flows)

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 100.0

    def to_csv(self) -> str:
        """Rasa's columns: flows, number_of_steps, number_of_untested_steps, untested_lines, coverage."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(
            ["flows", "number_of_steps", "number_of_untested_steps", "untested_lines", "coverage"]
        )
        for f in self.flows:
            writer.writerow(
                [
                    f"{f.path}::{f.flow_id}",
                    f.total,
                    len(f.untested),
                    f.untested_lines,
                    f"{f.percent:.2f}%",
                ]
            )
        writer.writerow(
            ["total", self.total, self.total - self.covered, "", f"{self.percent:.2f}%"]
        )
        return out.getvalue()

    def commands_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["command", "count"])
        writer.writerows(self.commands)
        return out.getvalue()


def coverage_of(project: Project, results: Sequence[CaseResult]) -> CoverageReport:
    visited: set[tuple[str, str]] = set()
    commands: Counter[str] = Counter()
    tracer = _Tracer(project)
    for result in results:
        if result.conversation is None:
            continue
        turns = result.conversation.all_results()
        visited |= tracer.trace(e for turn in turns for e in turn.events)
        for record in result.conversation.turns:  # user turns: the session start is not a command
            commands.update(c.kind for c in record.result.accepted_commands)
    flows = tuple(
        _flow_coverage(flow, visited)
        for flow in sorted(project.user_flows, key=lambda f: f.id)
        if flow.steps
    )
    return CoverageReport(
        flows=flows,
        commands=tuple(sorted(commands.items())),
        translations=translation_coverage(project, results),
    )


def _flow_coverage(flow: Flow, visited: set[tuple[str, str]]) -> FlowCoverage:
    testable = [s for s in flow.steps if not isinstance(s, NoopStep)]
    untested = tuple((s.id, *_lines(s.span)) for s in testable if (flow.id, s.id) not in visited)
    path = flow.span.path if flow.span else ""
    return FlowCoverage(flow_id=flow.id, path=path, total=len(testable), untested=untested)


def _lines(span: Span | None) -> tuple[int, int]:
    """First and last line of a step. A block node's end mark is where the next token starts,
    so a step spanning several lines really ends on the line before its end mark."""
    if span is None:
        return 0, 0
    end = span.end_line or span.line
    return span.line, end - 1 if end > span.line else span.line


class _Tracer:
    """Follows each flow through a conversation's events, step by reported step."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._forced: dict[tuple[str, str, str], frozenset[str]] = {}

    def trace(self, events: Iterable[Event]) -> set[tuple[str, str]]:
        visited: set[tuple[str, str]] = set()
        last: dict[str, str] = {}
        for event in events:
            for flow_id, step_id in _reported(event):
                flow = self.project.flows.get(flow_id)
                if flow is None or flow.is_pattern:
                    continue
                if step_id == START:
                    last[flow_id] = START
                    continue
                if flow.step(step_id) is None:
                    continue
                previous = last.get(flow_id)
                if previous is not None and previous != step_id:
                    visited.update((flow_id, s) for s in self.forced(flow, previous, step_id))
                visited.add((flow_id, step_id))
                last[flow_id] = step_id
        return visited

    def forced(self, flow: Flow, start: str, goal: str) -> frozenset[str]:
        """Silent steps on every path from `start` to `goal` through silent steps only."""
        key = (flow.id, start, goal)
        if key not in self._forced:
            self._forced[key] = _forced_between(flow, start, goal)
        return self._forced[key]


def _reported(event: Event) -> list[tuple[str, str]]:
    match event:
        case ActionExecuted(flow_id=flow_id, step_id=step_id) if flow_id and step_id:
            return [(flow_id, step_id)]
        case StackChanged(frames=frames):
            pairs: list[tuple[str, str]] = []
            for frame in frames:
                flow_id, _, step_id = frame.partition("@")
                step_id = step_id.removeprefix(CONTINUE_PREFIX)
                if step_id and step_id not in (START, END):
                    pairs.append((flow_id, step_id))
            return pairs
        case FlowStarted(flow_id=flow_id):
            return [(flow_id, START)]
        case (
            FlowCompleted(flow_id=flow_id, step_id=step_id)
            | FlowCancelled(flow_id=flow_id, step_id=step_id)
        ):
            return [(flow_id, step_id.removeprefix(CONTINUE_PREFIX))]
        case _:
            return []


def _successors(flow: Flow, node: str) -> list[str]:
    if node == START:
        return [flow.steps[0].id] if flow.steps else []
    step = flow.step(node)
    return [t for t in step.targets() if t != END] if step is not None else []


def _silent(flow: Flow, step_id: str) -> bool:
    return isinstance(flow.step(step_id), _SILENT)


def _reaches(flow: Flow, start: str, goal: str, without: str | None) -> bool:
    todo, seen = [start], {start}
    while todo:
        node = todo.pop()
        for nxt in _successors(flow, node):
            if nxt == goal:
                return True
            if nxt in seen or nxt == without or not _silent(flow, nxt):
                continue
            seen.add(nxt)
            todo.append(nxt)
    return False


def _forced_between(flow: Flow, start: str, goal: str) -> frozenset[str]:
    if not _reaches(flow, start, goal, None):
        return frozenset()
    candidates: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        for nxt in _successors(flow, node):
            if nxt != goal and nxt not in candidates and _silent(flow, nxt):
                candidates.add(nxt)
                todo.append(nxt)
    return frozenset(c for c in candidates if not _reaches(flow, start, goal, c))
