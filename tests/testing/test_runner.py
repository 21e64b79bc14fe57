"""Running cases: both step styles end to end, Rasa's turn slicing, fixtures, metadata, stubs,
failures that never end the run, concurrency determinism, --fail-fast and --repeat."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.events import UserUttered
from calmtui.testing.case_runner import run_case
from calmtui.testing.environment import build_wiring
from calmtui.testing.judge import Verdict
from calmtui.testing.runner import RunOptions, run_suite, run_suite_sync, start_order
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace
from tests.testing.conftest import (
    PhraseGenerator,
    cases_yaml,
    environment,
    load,
    suite_of,
    write_project,
)

TRANSFER = """\
- test_case: transfer
  steps:
    - user: send money
      commands: start flow transfer_money
      assertions:
        - flow_started: transfer_money
        - bot_uttered: {utter_name: utter_ask_recipient}
    - user: Anna
      commands: set slot recipient Anna
      assertions:
        - slot_was_set: [{name: recipient, value: Anna}]
    - user: "50"
      commands: set slot amount 50
      assertions:
        - bot_uttered:
            utter_name: utter_ask_confirm
            text_matches: "50(\\\\.0)? to Anna"
            buttons:
              - {title: "Yes", payload: "/SetSlots(confirm=true)"}
    - user: "/SetSlots(confirm=true)"
      assertion_order_enabled: true
      assertions:
        - action_executed: action_transfer
        - slot_was_set: [{name: done, value: true}]
        - bot_uttered: {utter_name: utter_done}
        - flow_completed: {flow_id: transfer_money, flow_step_id: transfer_money_5_utter_done}
"""


def run(root: Path, generator: object | None = None, workers: int = 4, **options: object):
    suite = suite_of(root)
    assert suite.ok, [d.headline() for d in suite.diagnostics]
    env = environment(root, generator)
    return run_suite_sync(suite.cases, env, RunOptions(workers=workers, **options))  # type: ignore[arg-type]


def test_style_b_transfer_passes(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(TRANSFER)})
    result = run(bank)
    (case,) = result.results
    assert case.status == "passed", case.failure
    assert result.summary_line() == "1 passed, 0 failed"
    kinds = {o.kind for o in case.outcomes}
    assert kinds >= {
        "flow_started",
        "bot_uttered",
        "slot_was_set",
        "action_executed",
        "flow_completed",
    }


def test_assertion_order_is_enforced_when_enabled(bank: Path) -> None:
    out_of_order = TRANSFER.replace(
        "        - action_executed: action_transfer\n        - slot_was_set: [{name: done, value: true}]\n        - bot_uttered: {utter_name: utter_done}",
        "        - bot_uttered: {utter_name: utter_done}\n        - action_executed: action_transfer",
    )
    write_project(bank, {"tests/cases.yml": cases_yaml(out_of_order)})
    (case,) = run(bank).results
    assert case.status == "failed"
    assert case.failure is not None
    assert case.failure.turn == 4
    (mismatch, *_) = case.failure.mismatches
    assert mismatch.kind == "action_executed"
    assert "You have enabled assertion order" in mismatch.message
    # without order checking the same assertions pass
    write_project(
        bank,
        {
            "tests/cases.yml": cases_yaml(
                out_of_order.replace("      assertion_order_enabled: true\n", "")
            )
        },
    )
    assert run(bank).results[0].status == "passed"


def test_a_turn_runs_until_a_message_with_another_text(bank: Path) -> None:
    """Rasa: the events of a step run up to the next user message with a *different* text."""
    cases = """\
    - test_case: repeated
      steps:
        - user: go
          commands: start flow transfer_money
          assertions:
            - slot_was_set: [{name: recipient, value: Anna}]
        - user: go
          commands: set slot recipient Anna
        - user: stop
          commands: cancel flow
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    (case,) = run(bank).results
    assert case.status == "passed", case.failure


def test_every_mismatch_of_the_failing_turn_is_reported_but_only_the_first_counted(
    bank: Path,
) -> None:
    cases = """\
    - test_case: two_wrong
      steps:
        - user: send money
          commands: start flow transfer_money
          assertions:
            - flow_started: check_balance
            - bot_uttered: {utter_name: utter_ask_recipient}
            - bot_uttered: {utter_name: utter_ask_amount}
        - user: never sent
          commands: cancel flow
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    (case,) = run(bank).results
    assert case.failure is not None
    assert [m.kind for m in case.failure.mismatches] == ["flow_started", "bot_uttered"]
    assert [(o.kind, o.status, o.counted) for o in case.outcomes] == [
        ("flow_started", "failed", True),
        ("bot_uttered", "passed", False),
        ("bot_uttered", "failed", False),
    ]
    assert case.conversation is not None
    assert len(case.conversation.turns) == 1


def test_style_a_checks_the_latest_turn_and_stops_after_a_failing_turn(bank: Path) -> None:
    cases = """\
    - test_case: style_a
      steps:
        - utter: utter_ask_recipient
        - user: send money
          commands: start flow transfer_money
        - utter: utter_ask_recipient
        - user: Anna
          commands: set slot recipient Anna
        - slot_was_set: [recipient]
        - utter: utter_ask_recipient
        - bot: "How much?"
        - user: never sent
          commands: set slot amount 5
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    (case,) = run(bank).results
    assert case.status == "failed"
    failure = case.failure
    assert failure is not None
    # nothing is said before the first message: Rasa stops the case right there
    assert failure.turn == 0
    assert [o.status for o in case.outcomes] == ["failed"]
    assert case.conversation is not None
    assert case.conversation.turns == ()


def test_style_a_failure_in_a_later_turn(bank: Path) -> None:
    cases = """\
    - test_case: style_a
      steps:
        - user: send money
          commands: start flow transfer_money
        - utter: utter_ask_recipient
        - user: Anna
          commands: set slot recipient Anna
        - slot_was_set:
            - recipient: Anna
        - slot_was_not_set:
            - amount
        - utter: utter_ask_recipient
        - bot: "How much?"
        - user: never sent
          commands: set slot amount 5
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    (case,) = run(bank).results
    failure = case.failure
    assert failure is not None
    assert failure.turn == 2
    assert [m.kind for m in failure.mismatches] == ["utter"]
    diff = [line for line in failure.difference if not line.startswith("?")]
    assert diff == [
        "  user: send money",
        "  bot: utter_ask_recipient",
        "  user: Anna",
        "  slot_was_set: recipient: Anna (str)",
        "  slot_was_not_set: amount",
        "- bot: utter_ask_amount",
        "+ bot: utter_ask_recipient",
        "  bot: How much?",
    ]
    assert case.conversation is not None
    assert len(case.conversation.turns) == 2


def test_fixtures_metadata_and_stubs_reach_the_conversation(bank: Path) -> None:
    header = """\
fixtures:
  - anna:
      - recipient: Anna
metadata:
  - app:
      channel: app
stub_custom_actions:
  action_check_balance:
    events: [{event: slot, name: balance, value: 1}]
  rich::action_check_balance:
    events: [{event: slot, name: balance, value: 1000000}]
"""
    cases = """\
    - test_case: with_fixture
      fixtures: [anna]
      metadata: app
      steps:
        - user: send money
          commands: start flow transfer_money
          assertions:
            - bot_uttered: {utter_name: utter_ask_amount}
            - bot_did_not_utter: {utter_name: utter_ask_recipient}
    - test_case: rich
      steps:
        - user: balance
          commands: start flow check_balance
          assertions:
            - bot_uttered: {text_matches: "1000000"}
    - test_case: poor
      steps:
        - user: balance
          commands: start flow check_balance
          assertions:
            - slot_was_set: [{name: balance, value: 1}]
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases, header=header)})
    results = run(bank).results
    assert [r.status for r in results] == ["passed", "passed", "passed"], [
        r.failure for r in results
    ]
    conversation = results[0].conversation
    assert conversation is not None
    assert [e.name for e in conversation.fixture_events] == ["recipient"]
    user = next(e for e in conversation.turns[0].result.events if isinstance(e, UserUttered))
    assert user.metadata == {"channel": "app"}


def test_a_failing_custom_action_is_an_ordinary_testable_turn(bank: Path) -> None:
    cases = """\
    - test_case: action_fails
      steps:
        - user: balance
          commands: start flow check_balance
          assertions:
            - action_executed: action_check_balance
            - bot_uttered: {utter_name: utter_internal_error_rasa}
            - bot_did_not_utter: {utter_name: utter_balance}
    """
    write_project(
        bank, {"tests/cases.yml": cases_yaml(cases, header="")}
    )  # no stubs: nothing can run it
    (case,) = run(bank).results
    assert case.status == "passed", case.failure


class ExplodingGenerator:
    mode = "exploding"

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        raise RuntimeError(f"cannot understand {text!r}")


def test_an_exception_fails_only_its_case(bank: Path) -> None:
    cases = """\
    - test_case: needs_understanding
      steps:
        - user: hello
        - utter: utter_ask_recipient
    - test_case: commands_only
      steps:
        - user: send money
          commands: start flow transfer_money
        - utter: utter_ask_recipient
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    first, second = run(bank, ExplodingGenerator()).results
    assert first.status == "failed"
    assert first.failure is not None
    assert first.failure.error == "RuntimeError: cannot understand 'hello'"
    assert first.failure.turn == 1
    assert second.status == "passed"


def _many_cases() -> str:
    blocks = []
    for i in range(12):
        expected = "utter_ask_recipient" if i % 3 else "utter_ask_amount"  # every third fails
        blocks.append(
            f"- test_case: case_{i}\n  steps:\n    - user: send {i}\n      commands: start flow transfer_money\n"
            f"      assertions:\n        - bot_uttered: {{utter_name: {expected}}}\n"
        )
    return "".join(blocks)


def test_results_are_identical_and_in_order_whatever_the_concurrency(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(_many_cases())})

    def digest(workers: int) -> list[tuple[str, str, str]]:
        result = run(bank, workers=workers)
        return [
            (r.case.name, r.status, r.failure.first_message if r.failure else "")
            for r in result.results
        ]

    sequential = digest(1)
    assert sequential == digest(8)
    assert [name for name, _, _ in sequential] == [f"case_{i}" for i in range(12)]
    assert sum(status == "failed" for _, status, _ in sequential) == 4


def test_fail_fast_stops_starting_cases(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(_many_cases())})
    result = run(bank, workers=1, fail_fast=True)
    assert [r.status for r in result.results] == ["failed"]
    assert result.not_run == 11


class AlternatingGenerator:
    """Answers 'start flow transfer_money' on odd calls and 'start flow check_balance' on even ones."""

    mode = "alternating"

    def __init__(self) -> None:
        self.calls = 0

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        from calmtui.core.commands import SetSlot, StartFlow

        if text != "send money":
            return UnderstandingTrace(
                mode=self.mode, commands=(SetSlot(name="recipient", value=text),)
            )
        self.calls += 1
        flow = "transfer_money" if self.calls % 2 else "check_balance"
        return UnderstandingTrace(mode=self.mode, commands=(StartFlow(flow=flow),))


def test_repeat_reports_flaky_cases_and_the_turn_where_runs_differ(bank: Path) -> None:
    cases = """\
    - test_case: sometimes
      steps:
        - user: Anna
        - user: send money
          assertions:
            - flow_started: transfer_money
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    result = run(bank, AlternatingGenerator(), workers=1, repeat=4)
    (case,) = result.results
    assert case.status == "failed"
    assert case.flaky is not None
    assert (case.flaky.runs, case.flaky.passed_runs, case.flaky.turn) == (4, 2, 2)
    assert "check_balance" in case.flaky.detail
    assert "transfer_money" in case.flaky.detail
    stable = run(
        bank, PhraseGenerator({"send money": "start flow transfer_money"}), workers=1, repeat=3
    )
    assert stable.results[0].status == "passed"
    assert stable.results[0].flaky is None


GENERATIVE = """\
- test_case: judged
  steps:
    - user: balance
      commands: start flow check_balance
      assertions:
        - generative_response_is_relevant:
            threshold: 0.8
            utter_name: utter_balance
        - bot_uttered: {utter_name: utter_balance}
"""


def test_generative_assertions_are_skipped_without_a_judge(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(GENERATIVE)})
    result = run(bank)
    (case,) = result.results
    assert case.status == "skipped"
    assert case.skip_reasons == [
        "generative_response_is_relevant needs an LLM judge: add `llm_judge:` (e.g. `llm: {provider: openai, model: gpt-4.1-mini}`) to a conftest.yml"
    ]
    assert result.summary_line() == "0 passed, 0 failed, 1 skipped"


class FixedJudge:
    def __init__(self, score: float) -> None:
        self.score_value = score
        self.questions: list[tuple[str, str]] = []

    async def score(self, *, kind: str, question: str, answer: str, ground_truth: str) -> Verdict:
        self.questions.append((question, answer))
        return Verdict(score=self.score_value, justification="fixed")


@pytest.mark.parametrize(("score", "status"), [(1.0, "passed"), (0.4, "failed")])
def test_generative_assertions_use_the_configured_judge(
    bank: Path, score: float, status: str
) -> None:
    write_project(
        bank,
        {
            "tests/conftest.yml": "llm_judge:\n  llm: {provider: openai, model: judge}\n",
            "tests/cases.yml": cases_yaml(GENERATIVE),
        },
    )
    project = load(bank)
    judge = FixedJudge(score)
    wiring = build_wiring(
        project, generator=PhraseGenerator({}), judge_factory=lambda config: judge
    )
    suite = suite_of(bank)
    (case,) = run_suite_sync(suite.cases, wiring.env).results
    assert case.status == status
    assert judge.questions == [("balance", "Your balance is 100.5.")]
    if status == "failed":
        assert case.failure is not None
        assert "was not relevant" in case.failure.mismatches[0].message
        assert "The explanation for this score is: fixed." in case.failure.mismatches[0].message


@pytest.mark.anyio
async def test_run_case_is_a_plain_coroutine(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(TRANSFER)})
    (case,) = suite_of(bank).cases
    result = await run_case(case, environment(bank))
    assert result.status == "passed"
    suite_result = await run_suite([case], environment(bank))
    assert suite_result.passed == 1


def test_extension_assertions_from_yaml(bank: Path) -> None:
    cases = """\
    - test_case: extensions
      fixtures: [frozen_time]
      steps:
        - user: send money to Anna
          assertions:
            - commands_issued:
                - start flow transfer_money
                - set slot recipient Anna
            - command_not_issued: cancel flow
            - flow_not_started: check_balance
            - bot_uttered_exactly:
                - utter_name: utter_ask_amount
                  text: How much?
        - user: "0"
          assertion_order_enabled: true
          assertions:
            - commands_issued: set slot amount 0.0
            - bot_uttered_exactly:
                - The amount must be positive.
                - How much?
            - slot_was_not_set:
                - name: amount
    """
    header = 'fixtures:\n  - frozen_time:\n      - mocked_datetime: "2024-01-15"\n'
    write_project(bank, {"tests/cases.yml": cases_yaml(cases, header=header)})
    generator = PhraseGenerator(
        {
            "send money to Anna": "start flow transfer_money\nset slot recipient Anna",
            "0": "set slot amount 0",
        }
    )
    (case,) = run(bank, generator).results
    assert case.status == "passed", case.failure
    assert case.conversation is not None
    assert [(e.name, e.value) for e in case.conversation.fixture_events] == [
        ("mocked_datetime", "2024-01-15T00:00:00+00:00")
    ]


def test_bot_uttered_exactly_reports_the_whole_turn(bank: Path) -> None:
    cases = """\
    - test_case: exact
      steps:
        - user: go
          commands: start flow transfer_money
          assertions:
            - bot_uttered_exactly: "Who gets it?"
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    (case,) = run(bank).results
    assert case.failure is not None
    (mismatch,) = case.failure.mismatches
    assert mismatch.expected == ('BotUttered "Who gets it?"',)
    assert mismatch.actual == ('BotUttered utter_ask_recipient "Who should get the money?"',)


class IndexSpy(PhraseGenerator):
    """Remembers which engine index each conversation's understanding saw."""

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__(table)
        self.indexes: set[int] = set()

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        self.indexes.add(id(context.index))
        return await super().generate(text, context)


def test_every_case_runs_on_the_runs_one_engine(bank: Path) -> None:
    cases = "".join(
        f"- test_case: case_{i}\n  steps:\n    - user: send {i}\n    - utter: utter_ask_recipient\n"
        for i in range(6)
    )
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    spy = IndexSpy({f"send {i}": "start flow transfer_money" for i in range(6)})
    env = environment(bank, spy)
    assert env.engine is not None
    result = run_suite_sync(suite_of(bank).cases, env, RunOptions(workers=4))
    assert [r.status for r in result.results] == ["passed"] * 6
    assert spy.calls == 6
    assert spy.indexes == {id(env.engine.index)}


def test_a_session_refuses_an_engine_built_for_another_project(bank: Path) -> None:
    from calmtui.core.engine import Engine
    from calmtui.session import Session

    project, other = load(bank), load(bank)
    shared = Engine(project, seed=7)
    session = Session(project, generator=PhraseGenerator({}), engine=shared)
    assert session.engine is shared
    assert session.state == shared.new_state()
    with pytest.raises(ValueError, match="another project"):
        Session(other, generator=PhraseGenerator({}), engine=shared)


def _cases_with_turns(turns: list[int]) -> str:
    return "".join(
        f"- test_case: case_{i}\n  steps:\n"
        + "".join(f"    - user: case {i} message {k}\n" for k in range(n))
        for i, n in enumerate(turns)
    )


def test_longer_cases_start_first_and_results_keep_the_input_order(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(_cases_with_turns([1, 3, 2, 3, 1]))})
    spy = PhraseGenerator({})
    seen: list[str] = []

    class Recording(PhraseGenerator):
        async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
            if text.endswith("message 0"):
                seen.append(text.split(" message")[0])
            return await spy.generate(text, context)

    result = run(bank, Recording({}), workers=1)
    assert seen == ["case 1", "case 3", "case 2", "case 0", "case 4"]
    assert [r.case.name for r in result.results] == [f"case_{i}" for i in range(5)]


def test_fail_fast_starts_cases_in_the_input_order(bank: Path) -> None:
    failing_first = "    - utter: utter_ask_recipient\n"  # never said: case_0 fails
    cases = _cases_with_turns([1, 3, 2]).replace("message 0\n", "message 0\n" + failing_first, 1)
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    loaded = suite_of(bank).cases
    assert start_order(loaded) == [1, 2, 0]
    assert start_order(loaded, keep_input_order=True) == [0, 1, 2]
    result = run(bank, workers=1, fail_fast=True)
    assert [r.case.name for r in result.results] == ["case_0"]
    assert result.results[0].status == "failed"
    assert result.not_run == 2
