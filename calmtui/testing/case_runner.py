"""Running one test case: a fresh `Session`, fixtures, the user steps, and the verdict.

Both step styles are evaluated as the conversation goes, and a case stops sending messages at
its first failing turn (Rasa does the same for style A; for style B it evaluates only after the
whole conversation but stops at the first failure, so the verdict is the same and failing cases
finish sooner). An exception from understanding, an action runner or the engine fails the case
with its message; it never ends the run.

In a coexistence project, a case that sends a message Rasa's router would hand to the NLU-based
half needs that half, which calmtui does not run (`calmtui.core.coexistence` says exactly which
messages): the case stops at that message and ends *skipped*, with the reason and its line, not
failed with a diff that would only show CALM answering a message it was never meant to get.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from calmtui.actions.containment import stops_the_turn
from calmtui.actions.protocol import ActionRunner
from calmtui.core.engine import Engine
from calmtui.core.events import SlotSet
from calmtui.core.model.project import Project
from calmtui.session import Session
from calmtui.testing.conversation import Conversation, TurnRecord, turn_slice
from calmtui.testing.conversation_ids import new_conversation_id
from calmtui.testing.evaluate import evaluate_step
from calmtui.testing.judge import Judge
from calmtui.testing.results import CaseResult, CheckOutcome, Failure, Mismatch, Status
from calmtui.testing.spec import ExpectationStep, TestCase, UserStep
from calmtui.testing.steps import actual_line, expected_line, step_holds, step_mismatch, user_line
from calmtui.understanding.base import CommandGenerator

if TYPE_CHECKING:
    from calmtui.generation.responder import Responder


def _no_judge(case: TestCase) -> Judge | None:
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class RunEnvironment:
    """How cases meet the world: understanding, custom actions and the LLM judge per case."""

    project: Project
    generator_for: Callable[[TestCase], CommandGenerator]
    action_runner_for: Callable[[TestCase], ActionRunner]
    judge_for: Callable[[TestCase], Judge | None] = _no_judge
    seed: int = 0
    # The conversation (sender) id of each run of a case: unique per run, as in Rasa.
    conversation_id: Callable[[str], str] = new_conversation_id
    # One engine for all cases: its project index caches (flow hashes, collect steps) are
    # then computed once per run instead of once per conversation.
    engine: Engine | None = None
    # Knowledge answers, chitchat and rephrasing, shared by all cases (None: each session's
    # offline default).
    responder: Responder | None = None


@dataclass(slots=True)
class _Run:
    case: TestCase
    env: RunEnvironment
    session: Session
    fixture_events: tuple[SlotSet, ...] = ()
    records: list[TurnRecord] = field(default_factory=list[TurnRecord])
    outcomes: list[CheckOutcome] = field(default_factory=list[CheckOutcome])
    failure: Failure | None = None
    sending: UserStep | None = None
    skip_reason: str = ""

    def conversation(self) -> Conversation:
        start = self.session.history[0] if self.session.history else None
        return Conversation(
            start=start, fixture_events=self.fixture_events, turns=tuple(self.records)
        )

    async def send(self, index: int, step: UserStep) -> TurnRecord:
        self.sending = step
        result = await self.session.turn(step.text, commands=step.commands, metadata=step.metadata)
        self.sending = None
        record = TurnRecord(
            number=len(self.records) + 1, step_index=index, step=step, result=result
        )
        self.records.append(record)
        note = result.routing_note
        if note is not None:
            where = f"{step.span.path}:{step.span.line}" if step.span is not None else "a step"
            self.skip_reason = f"needs the NLU-based half: turn {record.number} ({where}): {note}"
        return record

    def crashed(self, exc: BaseException) -> Failure:
        """The failure for an exception: at the message being sent, else after the last turn."""
        last = self.records[-1] if self.records else None
        step = self.sending or (last.step if last else None)
        turn = len(self.records) + (1 if self.sending is not None else 0)
        span = (step.span if step is not None else None) or self.case.span
        return Failure(
            turn=turn,
            span=span,
            step=step,
            error=f"{type(exc).__name__}: {exc}",
            result=last.result if last else None,
        )


async def run_case(case: TestCase, env: RunEnvironment) -> CaseResult:
    began = time.perf_counter()
    conversation_id = env.conversation_id(case.name)
    session = Session(
        env.project,
        generator=env.generator_for(case),
        action_runner=env.action_runner_for(case),
        sender_id=conversation_id,
        seed=env.seed,
        engine=env.engine,
        responder=env.responder,
    )
    run = _Run(case=case, env=env, session=session)
    try:
        await session.start(session_start_metadata(case))
        if case.fixture_slots:
            run.fixture_events = tuple(session.set_slots(dict(case.fixture_slots)))
        if case.style == "assertions":
            await _run_assertions(run)
        else:
            await _run_steps(run)
    except BaseException as exc:  # one case's crash never takes the run down with it
        if stops_the_turn(exc):
            raise
        run.failure = run.crashed(exc)
    return CaseResult(
        case=case,
        status=_status(run),
        failure=run.failure,
        outcomes=tuple(run.outcomes),
        conversation=run.conversation(),
        duration_ms=(time.perf_counter() - began) * 1000,
        conversation_id=conversation_id,
        skip_reason=run.skip_reason,
    )


def session_start_metadata(case: TestCase) -> Mapping[str, Any]:
    """The metadata of the case's first message: in Rasa that message starts the session, so
    its metadata (the case's `metadata` merged with the step's) is the session-start metadata
    — a `language` in it sets the conversation's language (docs/languages.md)."""
    users = case.user_steps
    return users[0].metadata if users else {}


def _status(run: _Run) -> Status:
    if run.failure is not None:
        return "failed"
    if run.skip_reason:
        return "skipped"
    return "skipped" if any(o.status == "skipped" for o in run.outcomes) else "passed"


# -- style B ----------------------------------------------------------------------------------
async def _run_assertions(run: _Run) -> None:
    """Send each user step; evaluate a step once its turn is complete (the next message has
    another text), and stop at the first failing step."""
    users = [(i, s) for i, s in enumerate(run.case.steps) if isinstance(s, UserStep)]
    slots = dict(run.env.project.domain.slots)
    judge = run.env.judge_for(run.case)
    waiting: list[TurnRecord] = []
    for position, (index, step) in enumerate(users):
        waiting.append(await run.send(index, step))
        if run.skip_reason:
            return
        following = users[position + 1][1].text if position + 1 < len(users) else None
        if following == step.text:
            continue
        conversation = run.conversation()
        for record in waiting:
            verdict = await evaluate_step(
                record.step, turn_slice(conversation, record), slots=slots, judge=judge
            )
            run.outcomes.extend(verdict.outcomes)
            if verdict.failed:
                assert record.step.span is not None
                run.failure = Failure(
                    turn=record.number,
                    span=record.step.span,
                    step=record.step,
                    mismatches=verdict.mismatches,
                    result=record.result,
                )
                return
        waiting = []


# -- style A ----------------------------------------------------------------------------------
async def _run_steps(run: _Run) -> None:
    """Send user steps in order and check each expectation step against the latest turn; after a
    failing turn no further message is sent (Rasa's behaviour)."""
    opening = run.conversation().opening_events
    mismatches: list[Mismatch] = []
    diff_expected: list[str] = []
    diff_actual: list[str] = []
    for index, step in enumerate(run.case.steps):
        if isinstance(step, UserStep):
            if mismatches:
                break
            record = await run.send(index, step)
            if run.skip_reason:
                return
            line = user_line(record.result.events) or f"user: {step.text}"
            diff_expected.append(line)
            diff_actual.append(line)
            continue
        events = run.records[-1].result.events if run.records else opening
        holds = step_holds(step, events)
        run.outcomes.append(
            CheckOutcome(
                kind=step.kind,
                status="passed" if holds else "failed",
                span=step.span,
                counted=not mismatches,
            )
        )
        diff_expected.append(expected_line(step))
        diff_actual.append(expected_line(step) if holds else actual_line(step, events))
        if not holds:
            mismatches.append(step_mismatch(step, events))
    if mismatches:
        run.failure = _steps_failure(run, mismatches, diff_actual, diff_expected)


def _steps_failure(
    run: _Run, mismatches: list[Mismatch], actual: list[str], expected: list[str]
) -> Failure:
    record = run.records[-1] if run.records else None
    first: ExpectationStep | None = next(
        (s for s in run.case.steps if not isinstance(s, UserStep) and s.span == mismatches[0].span),
        None,
    )
    span = (
        (record.step.span if record is not None else None)
        or (first.span if first else None)
        or run.case.span
    )
    return Failure(
        turn=record.number if record is not None else 0,
        span=span,
        step=record.step if record is not None else None,
        mismatches=tuple(mismatches),
        result=record.result if record is not None else None,
        difference=tuple(difflib.ndiff(actual, expected)),
    )
