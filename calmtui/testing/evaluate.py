"""Evaluating one user step's `assertions:` on its turn (Rasa's `run_assertions`, per step).

Rasa stops a test case at its first failing assertion; so does the verdict here. For a precise
report the remaining assertions of that same step are still evaluated (on the same events) and
their mismatches shown, but they do not count towards the accuracy table, as in Rasa.
With `assertion_order_enabled`, every passing assertion that matched an event moves the events
up to and including it into the past, so the next assertion must match a later event.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from calmtui.core.diagnostics import Span
from calmtui.core.model.slots import Slot
from calmtui.testing.assertions import Check, TurnView, run_check
from calmtui.testing.conversation import TurnSlice
from calmtui.testing.judge import Judge, judge_assertion
from calmtui.testing.results import CheckOutcome, Mismatch
from calmtui.testing.spec import GenerativeAssertion, UnsupportedAssertion, UserStep


@dataclass(frozen=True, slots=True, kw_only=True)
class StepVerdict:
    outcomes: tuple[CheckOutcome, ...]
    mismatches: tuple[Mismatch, ...]

    @property
    def failed(self) -> bool:
        return bool(self.mismatches)


async def evaluate_step(
    step: UserStep,
    turn: TurnSlice,
    *,
    slots: dict[str, Slot],
    judge: Judge | None,
    counted: bool = True,
) -> StepVerdict:
    view = TurnView(
        events=list(turn.events),
        produced=turn.produced,
        slots=slots,
        order_enabled=step.assertion_order_enabled,
    )
    outcomes: list[CheckOutcome] = []
    mismatches: list[Mismatch] = []
    for assertion in step.assertions:
        count = counted and not mismatches
        if isinstance(assertion, UnsupportedAssertion):
            reason = f"{assertion.name}: Rasa's agent assertions are not supported by calmtui"
            outcomes.append(
                CheckOutcome(
                    kind=assertion.name,
                    status="skipped",
                    span=assertion.span,
                    counted=count,
                    reason=reason,
                )
            )
            continue
        if isinstance(assertion, GenerativeAssertion):
            check, skip = await judge_assertion(assertion, view, step.text, judge)
            if skip is not None:
                outcomes.append(
                    CheckOutcome(
                        kind=assertion.kind,
                        status="skipped",
                        span=assertion.span,
                        counted=count,
                        reason=skip,
                    )
                )
                continue
            assert check is not None
        else:
            check = run_check(assertion, view)
        outcomes.append(
            CheckOutcome(
                kind=assertion.kind,
                status="passed" if check.passed else "failed",
                span=assertion.span,
                counted=count,
            )
        )
        if not check.passed:
            mismatches.append(_mismatch(assertion.kind, check, check.span or assertion.span))
        elif step.assertion_order_enabled and not mismatches:
            view = _after(view, check)
    return StepVerdict(outcomes=tuple(outcomes), mismatches=tuple(mismatches))


def _after(view: TurnView, check: Check) -> TurnView:
    """Order checking: only the events after the matched one remain (Rasa keeps the last one
    when the match is the final event, so an assertion can never run on an empty turn)."""
    if check.matched is None or check.matched + 1 >= len(view.events):
        return view
    return replace(view, events=list(view.events[check.matched + 1 :]))


def _mismatch(kind: str, check: Check, span: Span | None) -> Mismatch:
    return Mismatch(
        kind=kind, message=check.message, expected=check.expected, actual=check.actual, span=span
    )
