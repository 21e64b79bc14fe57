"""The terminal report of a test run, as styled lines (no printing, no rich import here).

Every function returns `Line`s: lists of `(text, style)` segments, which the diagnostics renderer
(`calmtui.app.diagnostics_view.emit`) prints with or without colour, so goldens compare plain text.

A failure block (UX.md):

    tests/e2e_test_cases/transfer.yml:41: 'transfer with correction' failed at turn 2
       41 |     - user: "actually make it 80"
       42 |       assertions:
      state before: flow transfer_money at step transfer_money_1_collect_amount; slots recipient='Anna'
      understanding (offline): set slot amount 80
      ignored: set slot amount 80 (CT402: slot 'amount' is not collected by the active flow)
      bot said: BotUttered utter_ask_rephrase "Sorry, ..."
      slot_was_set at line 43: Slot 'amount' was not set.
      - expected  SlotSet amount = 80
      + actual    (no SlotSet for amount in this turn)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from calmtui.app.diagnostics_view import Line
from calmtui.core.coexistence import ROUTED_TO_NLU
from calmtui.core.diagnostics import Span
from calmtui.core.dialogue.frames import describe, top_user_frame
from calmtui.core.dsl import to_dsl
from calmtui.core.events import (
    ActionFailed,
    BotUttered,
    CommandIgnored,
    CommandRewritten,
    EngineNote,
)
from calmtui.session import TurnResult
from calmtui.testing.coverage import CoverageReport
from calmtui.testing.results import CaseResult, Failure, SuiteResult
from calmtui.testing.spec import TestCase, UserStep
from calmtui.testing.transcript import bot_line, short, slot_value

MAX_SOURCE_LINES = 14
MAX_RAW_LINES = 4
_HEADER = "bold red"
_GUTTER = "blue"
_LABEL = "cyan"
_DIM = "dim"
_EXPECTED = "red"
_ACTUAL = "green"


def where(case: TestCase, span: Span | None, show_path: Any = str) -> str:
    span = span or case.span
    return f"{show_path(span.path)}:{span.line}"


# -- one failure -------------------------------------------------------------------------------
def failure_lines(
    result: CaseResult,
    sources: Mapping[str, str],
    *,
    show_path: Any = str,
    hidden_slots: frozenset[str] = frozenset(),
    verbose: bool = False,
) -> list[Line]:
    failure = result.failure
    if failure is None:
        return []
    case = result.case
    header = f"{where(case, failure.span, show_path)}: {case.name!r} failed at turn {failure.turn}"
    lines: list[Line] = [[(header, _HEADER)]]
    lines += source_lines(case, failure, sources)
    if result.flaky is not None:
        lines.append([("  flaky: ", _LABEL), (flaky_text(result), None)])
    if result.conversation_id and _called_actions(result):
        # what the action server saw as sender_id: the key to its logs for this run
        lines.append([("  conversation id: ", _LABEL), (result.conversation_id, None)])
    lines += context_lines(failure, hidden_slots=hidden_slots, verbose=verbose)
    if failure.error:
        lines.append([("  error: ", _HEADER), (failure.error, None)])
    for mismatch in failure.mismatches:
        at = f" at line {mismatch.span.line}" if mismatch.span is not None else ""
        lines.append([(f"  {mismatch.kind}{at}: ", _LABEL), (mismatch.message, None)])
        for text in mismatch.expected:
            lines.append([("  - expected  ", _EXPECTED), (text, None)])
        for text in mismatch.actual:
            lines.append([("  + actual    ", _ACTUAL), (text, None)])
    return lines


def error_lines(
    result: CaseResult, sources: Mapping[str, str], *, show_path: Any = str
) -> list[Line]:
    """A test file or case that could not be read: where, what was not run, and why."""
    from calmtui.app.diagnostics_view import all_lines

    case = result.case
    if case.name == case.path:
        header = f"{show_path(case.path)}: this file cannot be used"
        if result.not_run:
            header += f" ({result.not_run} test case{'' if result.not_run == 1 else 's'} not run)"
    else:
        header = f"{where(case, case.span, show_path)}: {case.name!r} cannot be read"
    lines: list[Line] = [[(header, _HEADER)]]
    return lines + all_lines(result.problems, sources, show_path=show_path)


def _called_actions(result: CaseResult) -> bool:
    conversation = result.conversation
    return conversation is not None and any(t.result.action_calls for t in conversation.turns)


def _last_line(span: Span, lines: Sequence[str]) -> int:
    """A YAML node ends where the next one starts: when only indentation precedes its end
    position, the node really ended on the line before."""
    end = span.end_line or span.line
    if (
        end > span.line
        and 1 <= end <= len(lines)
        and not lines[end - 1][: max(0, span.end_col - 1)].strip()
    ):
        return end - 1
    return end


def _step_range(case: TestCase, failure: Failure, lines: Sequence[str]) -> tuple[int, int]:
    """The source lines of the failing user step and (style A) its expectation steps."""
    first = failure.span
    end = _last_line(first, lines)
    steps = list(case.steps)
    start_index = next((i for i, s in enumerate(steps) if s.span == first), None)
    if case.style == "steps" and start_index is not None:
        for step in steps[start_index + 1 :]:
            if isinstance(step, UserStep) or step.span is None:
                break
            end = max(end, _last_line(step.span, lines))
    return first.line, max(first.line, end)


def source_lines(case: TestCase, failure: Failure, sources: Mapping[str, str]) -> list[Line]:
    text = sources.get(failure.span.path)
    if text is None:
        return []
    all_lines = text.splitlines()
    first, last = _step_range(case, failure, all_lines)
    chosen = [(n, all_lines[n - 1]) for n in range(first, min(last, len(all_lines)) + 1)]
    while len(chosen) > 1 and not chosen[-1][1].strip():
        chosen.pop()
    extra = len(chosen) - MAX_SOURCE_LINES
    chosen = chosen[:MAX_SOURCE_LINES]
    width = max(4, len(str(chosen[-1][0]))) if chosen else 4
    lines: list[Line] = [
        [(f" {n:>{width}} | ", _GUTTER), (line.rstrip(), None)] for n, line in chosen
    ]
    if extra > 0:
        lines.append([(f" {'':>{width}} | ", _GUTTER), (f"... {extra} more lines", _DIM)])
    return lines


def _slots_before(result: TurnResult) -> dict[str, Any]:
    before = dict(result.state.slots)
    for change in result.slot_changes:
        before[change.name] = change.old
    return before


def _user_slots(slots: Mapping[str, Any], hidden: frozenset[str]) -> str:
    shown = [
        f"{name}={slot_value(value)}"
        for name, value in slots.items()
        if value is not None and name not in hidden
    ]
    return " ".join(shown) if shown else "(none set)"


def context_lines(
    failure: Failure, *, hidden_slots: frozenset[str] = frozenset(), verbose: bool = False
) -> list[Line]:
    """The state the failing turn started from and what happened in it."""
    turn = failure.result
    if turn is None or failure.turn == 0:
        return []
    frame = top_user_frame(turn.stack_before)
    where_text = f"flow {frame.flow_id} at step {frame.step_id}" if frame else "no active flow"
    lines: list[Line] = [
        [
            ("  state before: ", _LABEL),
            (f"{where_text}; slots {_user_slots(_slots_before(turn), hidden_slots)}", None),
        ]
    ]
    if turn.understanding is not None:
        trace = turn.understanding
        produced = " | ".join(to_dsl(c) for c in trace.commands) or "(no command)"
        model = f" {trace.model}" if trace.model else ""
        lines.append([(f"  understanding ({trace.mode}{model}): ", _LABEL), (produced, None)])
        if trace.error:
            lines.append([("  understanding error: ", _HEADER), (short(trace.error, 200), None)])
        if trace.raw_output and (verbose or trace.mode not in ("commands", "offline", "payload")):
            raw = trace.raw_output.strip().splitlines()
            for number, raw_line in enumerate(raw[:MAX_RAW_LINES]):
                label = "  raw reply: " if number == 0 else "             "
                lines.append([(label, _LABEL), (short(raw_line, 160), _DIM)])
        # what reading the reply dropped (unknown flow or slot, not startable), then the engine's
        lines.extend(_dropped_line(e, " by understanding") for e in trace.dropped)
    for event in turn.events:
        match event:
            case CommandIgnored() | CommandRewritten():
                lines.append(_dropped_line(event))
            case ActionFailed(name=name, error=error):
                lines.append(
                    [("  action failed: ", _HEADER), (f"{name}: {short(error, 200)}", None)]
                )
            case EngineNote(code=code, message=message) if code == ROUTED_TO_NLU:
                lines.append([("  coexistence: ", _LABEL), (message, None)])
            case EngineNote(code=code, message=message) if verbose:
                lines.append([("  engine: ", _LABEL), (f"{code}: {message}", _DIM)])
            case _:
                pass
    bots = [bot_line(e) for e in turn.events if isinstance(e, BotUttered)]
    for number, bot in enumerate(bots or ["(nothing)"]):
        lines.append([("  bot said: " if number == 0 else "            ", _LABEL), (bot, None)])
    lines.append(
        [("  stack after: ", _LABEL), (" > ".join(describe(turn.stack_after)) or "(empty)", None)]
    )
    return lines


def _dropped_line(event: CommandIgnored | CommandRewritten, stage: str = "") -> Line:
    if isinstance(event, CommandRewritten):
        text = f"{event.command} -> {event.rewritten_to} ({event.reason})"
        return [(f"  rewritten{stage}: ", _LABEL), (text, None)]
    detail = f": {event.detail}" if event.detail else ""
    return [(f"  ignored{stage}: ", _LABEL), (f"{event.command} ({event.reason}{detail})", None)]


def flaky_text(result: CaseResult) -> str:
    flaky = result.flaky
    if flaky is None:
        return ""
    text = f"{flaky.passed_runs} of {flaky.runs} runs passed"
    if flaky.turn is not None:
        text += f"; the runs differ at turn {flaky.turn}"
    return text + (f" ({flaky.detail})" if flaky.detail else "")


# -- the whole run -----------------------------------------------------------------------------
def case_line(result: CaseResult, show_path: Any = str) -> Line:
    style = {"passed": "green", "failed": "red", "skipped": "yellow", "error": "red"}[result.status]
    label = result.status.upper()
    return [
        (f"{label:<8}", style),
        (f"{where(result.case, result.case.span, show_path)} {result.case.name!r}", None),
        (f"  {result.duration_ms:.0f} ms", _DIM),
    ]


def accuracy_lines(suite: SuiteResult) -> list[Line]:
    rows = suite.accuracy()
    if not rows:
        return []
    width = max(len(kind) for kind, _, _ in rows) + 2
    lines: list[Line] = [[("accuracy by assertion type", "bold")]]
    for kind, passed, total in rows:
        percent = 100.0 * passed / total if total else 100.0
        style = "green" if passed == total else "red"
        lines.append(
            [
                (f"  {kind:<{width}}", None),
                (f"{percent:6.1f}%", style),
                (f"  {passed}/{total}", _DIM),
            ]
        )
    return lines


def skipped_lines(suite: SuiteResult, show_path: Any = str) -> list[Line]:
    lines: list[Line] = []
    for result in suite.results:
        for reason in result.skip_reasons:
            prefix = "skipped" if result.status == "skipped" else "not checked"
            lines.append(
                [
                    (f"{prefix}: ", "yellow"),
                    (
                        f"{where(result.case, result.case.span, show_path)} {result.case.name!r}: {reason}",
                        None,
                    ),
                ]
            )
    return lines


def flaky_lines(suite: SuiteResult, show_path: Any = str) -> list[Line]:
    return [
        [
            ("flaky: ", "yellow"),
            (f"{where(r.case, r.case.span, show_path)} {r.case.name!r}: {flaky_text(r)}", None),
        ]
        for r in suite.flaky
    ]


def coverage_lines(report: CoverageReport) -> list[Line]:
    if not report.flows:
        return [[("flow coverage: the project has no user flows", _DIM)]]
    names = [f"{f.path}::{f.flow_id}" for f in report.flows]
    width = max(len(n) for n in [*names, "flow", "total"]) + 2
    lines: list[Line] = [
        [("flow coverage", "bold")],
        [(f"  {'flow':<{width}}{'steps':>6}{'covered':>9}{'':>8}  untested lines", _DIM)],
    ]
    for name, flow in zip(names, report.flows, strict=True):
        style = "green" if not flow.untested else ("red" if flow.covered == 0 else "yellow")
        lines.append(
            [
                (f"  {name:<{width}}{flow.total:>6}{flow.covered:>9}", None),
                (f"{flow.percent:>7.1f}%", style),
                (f"  {flow.untested_lines}", _DIM),
            ]
        )
    lines.append(
        [
            (f"  {'total':<{width}}{report.total:>6}{report.covered:>9}", "bold"),
            (f"{report.percent:>7.1f}%", "bold"),
        ]
    )
    exercised = " · ".join(f"{kind} {count}" for kind, count in report.commands) or "none"
    lines.append([("commands exercised: ", _LABEL), (exercised, None)])
    lines += translation_lines(report)
    return lines


def translation_lines(report: CoverageReport) -> list[Line]:
    """Per additional language: responses said translated, said without a translation (in
    the default language), and translations no test said."""
    lines: list[Line] = []
    for language in report.translations:
        missing = f" ({', '.join(language.missing)})" if language.missing else ""
        lines.append(
            [
                (f"translations {language.language}: ", _LABEL),
                (f"{len(language.translated)} said translated", "green" if not missing else None),
                (", ", None),
                (
                    f"{len(language.missing)} said untranslated{missing}",
                    "yellow" if missing else None,
                ),
                (f", {len(language.never_said)} translations no test said", _DIM),
            ]
        )
    return lines


def summary_lines(suite: SuiteResult) -> list[Line]:
    """The final line, exactly `N passed, M failed` (`, K errors`, `, K skipped` when any)."""
    style = "bold red" if suite.unsuccessful else "bold green"
    return [[(suite.summary_line(), style)]]


def notes_lines(suite: SuiteResult, *, fail_fast: bool) -> list[Line]:
    lines: list[Line] = []
    if suite.not_run:
        why = "stopping after the first failure (--fail-fast)" if fail_fast else "not run"
        lines.append([(f"{suite.not_run} test cases not run: {why}", "yellow")])
    return lines
