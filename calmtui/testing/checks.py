"""Checking test cases against the project: every flow, slot, response, action and stub a test
names should exist, so a typo is pointed out at load time instead of failing mysteriously.

Names in assertions and in step-style checks are warnings, not errors: Rasa's e2e loader never
checks them (an `action_executed` of something that never runs simply fails that case at run
time), and one misspelt name must not stop the other cases. Unknown names in `commands:` lines
are warnings too: a test may deliberately give the engine a command it must ignore (it records a
CommandIgnored event for it). Stubs and fixtures name things the run itself uses: errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from calmtui.core.commands import Command, CorrectSlots, SetSlot, StartFlow
from calmtui.core.diagnostics import Diagnostic, Span, did_you_mean
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.model.project import Project
from calmtui.testing.parse import ParsedFile
from calmtui.testing.spec import (
    ActionExecutedAssertion,
    Assertion,
    BotDidNotUtterAssertion,
    BotUtteredAssertion,
    BotUtteredExactlyAssertion,
    CommandNotIssuedAssertion,
    CommandsIssuedAssertion,
    FlowCancelledAssertion,
    FlowCompletedAssertion,
    FlowNotStartedAssertion,
    FlowStartedAssertion,
    GenerativeAssertion,
    PatternClarificationAssertion,
    SlotNotSetStep,
    SlotSetStep,
    SlotWasNotSetAssertion,
    SlotWasSetAssertion,
    TestCase,
    UnsupportedAssertion,
    UserStep,
    UtterStep,
)

UNKNOWN_FLOW = "CT510"
UNKNOWN_SLOT = "CT511"
UNKNOWN_NAME = "CT512"
UNKNOWN_STUB_ACTION = "CT513"
UNKNOWN_STUB_CASE = "CT514"
BAD_JUDGE = "CT521"
CHECK_NOTE = ": this check can only fail"
NEGATED_NOTE = ": this check can only pass"  # "not uttered", "not set", "not started"
COMMAND_NOTE = " (the engine will ignore this command)"


class _Checker:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.index = ProjectIndex(project)
        self.out: list[Diagnostic] = []

    def flow(
        self, flow_id: str, span: Span | None, *, command: bool = False, negated: bool = False
    ) -> bool:
        if flow_id in self.project.flows:
            return True
        hint = did_you_mean(flow_id, self.project.flows)
        why = COMMAND_NOTE if command else _note(negated)
        self.out.append(
            Diagnostic.warning(
                UNKNOWN_FLOW, f"the project has no flow {flow_id!r}{why}", span, hint=hint
            )
        )
        return False

    def step(self, flow_id: str, step_id: str | None, span: Span | None) -> None:
        flow = self.project.flows.get(flow_id)
        if flow is None or step_id is None or flow.step(step_id) is not None or step_id == "END":
            return
        hint = did_you_mean(step_id, [s.id for s in flow.steps]) or (
            f"steps of {flow_id!r}: {', '.join(s.id for s in flow.steps)}"
        )
        self.out.append(
            Diagnostic.warning(
                UNKNOWN_FLOW,
                f"flow {flow_id!r} has no step {step_id!r}{CHECK_NOTE}",
                span,
                hint=hint,
            )
        )

    def slot(
        self,
        name: str,
        span: Span | None,
        *,
        warn: bool = True,
        command: bool = False,
        negated: bool = False,
    ) -> None:
        if name in self.project.domain.slots:
            return
        hint = did_you_mean(name, self.project.domain.slots)
        message = f"the project has no slot {name!r}"
        if not warn:  # a fixture's slot: Rasa sets it anyway, and the tracker drops it
            self.out.append(
                Diagnostic.warning(
                    UNKNOWN_SLOT,
                    message + ": the fixture cannot set it (as in Rasa)",
                    span,
                    hint=hint,
                )
            )
            return
        why = COMMAND_NOTE if command else _note(negated)
        self.out.append(Diagnostic.warning(UNKNOWN_SLOT, message + why, span, hint=hint))

    def response(self, name: str | None, span: Span | None, *, negated: bool = False) -> None:
        if name is None or name in self.project.domain.responses:
            return
        hint = did_you_mean(name, self.project.domain.responses)
        message = f"the project has no response {name!r}{_note(negated)}"
        self.out.append(Diagnostic.warning(UNKNOWN_NAME, message, span, hint=hint))

    def action(self, name: str, span: Span | None) -> None:
        if self.index.is_known_action(name):
            return
        known = [
            *self.project.domain.actions,
            *self.project.domain.responses,
            *self.project.domain.forms,
            *self.index.builtin_actions,
        ]
        hint = did_you_mean(name, known)
        self.out.append(
            Diagnostic.warning(
                UNKNOWN_NAME,
                f"the project has no action or response {name!r}{CHECK_NOTE}",
                span,
                hint=hint,
            )
        )

    def clarification(self, assertion: PatternClarificationAssertion) -> None:
        for flow_id in assertion.flow_ids or ():
            self.flow(flow_id, assertion.span)
        readable = {f.readable_name for f in self.project.flows.values()} | {
            name for f in self.project.flows.values() for name in f.translation.values()
        }  # a conversation in another language shows the translated names
        for name in assertion.names or ():
            if name not in readable:
                hint = did_you_mean(name, readable) or (
                    "this list form takes readable flow names; use flow_ids for ids"
                )
                self.out.append(
                    Diagnostic.warning(
                        UNKNOWN_FLOW,
                        f"no flow is named {name!r}{CHECK_NOTE}",
                        assertion.span,
                        hint=hint,
                    )
                )

    def commands(self, commands: Iterable[Command], span: Span | None) -> None:
        for command in commands:
            match command:
                case StartFlow(flow=flow):
                    self.flow(flow, span, command=True)
                case SetSlot(name=name):
                    self.slot(name, span, command=True)
                case CorrectSlots(slots=slots):
                    for corrected in slots:
                        self.slot(corrected.name, span, command=True)
                case _:
                    pass


NEGATED_ASSERTIONS = (FlowNotStartedAssertion, SlotWasNotSetAssertion, BotDidNotUtterAssertion)


def _note(negated: bool) -> str:
    """An unknown name makes a positive check fail every time, a negated one pass every time."""
    return NEGATED_NOTE if negated else CHECK_NOTE


def check_cases(
    cases: Sequence[TestCase], parsed: Sequence[ParsedFile], project: Project
) -> list[Diagnostic]:
    """Diagnostics for names in test cases and stubs that the project does not have."""
    checker = _Checker(project)
    for case in cases:
        for slot, _ in case.fixture_slots:
            checker.slot(slot, case.span, warn=False)
        for step in case.steps:
            match step:
                case UserStep():
                    if step.commands:
                        checker.commands(step.commands, step.span)
                    for assertion in step.assertions:
                        _check_assertion(checker, assertion)
                case UtterStep(name=name, span=span):
                    checker.response(name, span)
                case SlotSetStep(slot=slot):
                    checker.slot(slot.name, slot.span)
                case SlotNotSetStep(slot=slot):
                    checker.slot(slot.name, slot.span, negated=True)
                case _:
                    pass
    _check_stubs(checker, parsed)
    _check_judges(checker, cases)
    return checker.out


def _check_assertion(c: _Checker, assertion: Assertion) -> None:
    negated = isinstance(assertion, NEGATED_ASSERTIONS)
    match assertion:
        case (
            FlowStartedAssertion(flow_ids=ids, span=span)
            | FlowNotStartedAssertion(flow_ids=ids, span=span)
        ):
            for flow_id in ids:
                c.flow(flow_id, span, negated=negated)
        case (
            FlowCompletedAssertion(flow_id=flow_id, flow_step_id=step_id, span=span)
            | FlowCancelledAssertion(flow_id=flow_id, flow_step_id=step_id, span=span)
        ):
            if c.flow(flow_id, span):
                c.step(flow_id, step_id, span)
        case PatternClarificationAssertion():
            c.clarification(assertion)
        case ActionExecutedAssertion(action=action, span=span):
            c.action(action, span)
        case SlotWasSetAssertion(slots=slots) | SlotWasNotSetAssertion(slots=slots):
            for slot in slots:
                c.slot(slot.name, slot.span, negated=negated)
        case (
            BotUtteredAssertion(utter_name=name, span=span)
            | BotDidNotUtterAssertion(utter_name=name, span=span)
            | GenerativeAssertion(utter_name=name, span=span)
        ):
            c.response(name, span, negated=negated)
        case BotUtteredExactlyAssertion(messages=messages, span=span):
            for message in messages:
                c.response(message.utter_name, span)
        case (
            CommandsIssuedAssertion(commands=commands, span=span)
            | CommandNotIssuedAssertion(commands=commands, span=span)
        ):
            c.commands(commands, span)
        case UnsupportedAssertion():
            pass


def _check_stubs(c: _Checker, parsed: Sequence[ParsedFile]) -> None:
    case_names = {case.name for p in parsed for case in p.cases}
    custom = c.index.custom_actions
    for test_file in parsed:
        for stub in test_file.stubs:
            action, span = stub.action, stub.span
            if action not in custom:
                hint = did_you_mean(action, custom) or (
                    f"custom actions: {', '.join(sorted(custom))}"
                    if custom
                    else "the domain lists no custom actions"
                )
                what = (
                    "is not a custom action of the project"
                    if c.index.is_known_action(action)
                    else "does not exist in the project"
                )
                c.out.append(
                    Diagnostic.warning(
                        UNKNOWN_STUB_ACTION,
                        f"stub for {action!r}, which {what}: it is never used",
                        span,
                        hint=hint,
                    )
                )
            if stub.test_case is not None and stub.test_case not in case_names:
                hint = did_you_mean(stub.test_case, case_names)
                c.out.append(
                    Diagnostic.warning(
                        UNKNOWN_STUB_CASE,
                        f"stub for test case {stub.test_case!r}, which is not loaded",
                        span,
                        hint=hint,
                    )
                )


def _check_judges(c: _Checker, cases: Sequence[TestCase]) -> None:
    groups = c.project.endpoints.model_groups
    seen: set[int] = set()
    for case in cases:
        judge = case.judge
        if judge is None or id(judge) in seen:
            continue
        seen.add(id(judge))
        if judge.model_group is not None and judge.model_group not in groups:
            hint = (
                did_you_mean(judge.model_group, groups)
                or "define it under model_groups in endpoints.yml"
            )
            message = f"llm_judge names model group {judge.model_group!r}, which endpoints.yml does not define"
            c.out.append(Diagnostic.error(BAD_JUDGE, message, judge.span, hint=hint))
