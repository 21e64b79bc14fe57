"""The console report, compared as plain text (NO_COLOR): the failure block of UX.md, the
accuracy table, the coverage table and the final line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from calmtui.app.diagnostics_view import plain_text
from calmtui.testing.coverage import coverage_of
from calmtui.testing.report.console import (
    accuracy_lines,
    coverage_lines,
    failure_lines,
    summary_lines,
)
from calmtui.testing.runner import run_suite_sync
from tests.testing.conftest import cases_yaml, environment, load, suite_of, write_project

CASES = """\
- test_case: wrong_amount
  steps:
    - user: send money
      commands: start flow transfer_money
    - user: Anna
      commands: set slot recipient Anna
    - user: actually make it 80
      commands:
        - set slot amount 80
        - start flow check_balance
      assertions:
        - slot_was_set:
            - name: amount
              value: 90
        - bot_uttered:
            utter_name: utter_ask_amount
    - user: never sent
- test_case: fine
  steps:
    - user: send money
      commands: start flow transfer_money
    - utter: utter_ask_recipient
"""

EXPECTED_FAILURE = """\
tests/cases.yml:19: 'wrong_amount' failed at turn 3
   19 |       - user: actually make it 80
   20 |         commands:
   21 |           - set slot amount 80
   22 |           - start flow check_balance
   23 |         assertions:
   24 |           - slot_was_set:
   25 |               - name: amount
   26 |                 value: 90
   27 |           - bot_uttered:
   28 |               utter_name: utter_ask_amount
  conversation id: wrong_amount_2025-06-01 10:00:00
  state before: flow transfer_money at step transfer_money_1_collect_amount; slots recipient='Anna'
  understanding (commands): set slot amount 80 | start flow check_balance
  ignored: set slot amount 80 (CT402: 'amount' is not collected by the active flow (check_balance))
  bot said: BotUttered utter_balance "Your balance is 100.5."
            BotUttered utter_ask_continue_interrupted_flow_confirmation "Would you like to continue with transfer money?" [Yes, No]
  stack after: transfer_money@transfer_money_1_collect_amount > pattern_collect_information@pattern_collect_information_4_action_listen > pattern_continue_interrupted@collect_continue_interrupted_flow_confirmation > pattern_collect_information@pattern_collect_information_4_action_listen
  slot_was_set at line 25: Slot 'amount' was not set.
  - expected  SlotSet amount = 90
  + actual    (no SlotSet for amount in this turn)
  bot_uttered at line 27: Bot did not utter 'utter_ask_amount' response.
  - expected  BotUttered utter_ask_amount
  + actual    BotUttered utter_balance "Your balance is 100.5."
  + actual    BotUttered utter_ask_continue_interrupted_flow_confirmation "Would you like to continue with transfer money?" [Yes, No]
"""


def test_failure_block_golden(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(CASES)})
    suite = suite_of(bank)
    env = replace(environment(bank), conversation_id=lambda name: f"{name}_2025-06-01 10:00:00")
    result = run_suite_sync(suite.cases, env)
    project = load(bank)
    hidden = frozenset(n for n, s in project.domain.slots.items() if s.builtin)
    failed = result.results[0]
    assert plain_text(failure_lines(failed, suite.sources, hidden_slots=hidden)) == EXPECTED_FAILURE
    tail = plain_text(accuracy_lines(result) + summary_lines(result))
    assert (
        tail
        == "accuracy by assertion type\n  slot_was_set     0.0%  0/1\n  utter          100.0%  1/1\n1 passed, 1 failed\n"
    )


def test_failure_block_shows_understanding_errors_and_exceptions(bank: Path) -> None:
    from tests.testing.test_runner import ExplodingGenerator

    write_project(
        bank,
        {
            "tests/cases.yml": cases_yaml(
                "- test_case: boom\n  steps:\n    - user: hello\n    - utter: utter_ask_amount\n"
            )
        },
    )
    suite = suite_of(bank)
    result = run_suite_sync(suite.cases, environment(bank, ExplodingGenerator()))
    text = plain_text(failure_lines(result.results[0], suite.sources))
    assert text.splitlines()[0] == "tests/cases.yml:15: 'boom' failed at turn 1"
    assert "  error: RuntimeError: cannot understand 'hello'" in text


def test_final_line_counts_skipped_only_when_there_are_some(bank: Path) -> None:
    write_project(
        bank,
        {
            "tests/cases.yml": cases_yaml(
                "- test_case: ok\n  steps:\n    - user: x\n      commands: start flow check_balance\n    - utter: utter_balance\n"
            )
        },
    )
    suite = suite_of(bank)
    result = run_suite_sync(suite.cases, environment(bank))
    assert plain_text(summary_lines(result)) == "1 passed, 0 failed\n"


def test_coverage_table_and_untested_lines(bank: Path) -> None:
    cases = """\
    - test_case: confirmed
      steps:
        - user: a
          commands: start flow transfer_money
        - user: b
          commands: set slot recipient Anna
        - user: c
          commands: set slot amount 5
        - user: d
          commands: set slot confirm true
        - utter: utter_done
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    suite = suite_of(bank)
    result = run_suite_sync(suite.cases, environment(bank))
    assert result.passed == 1
    report = coverage_of(load(bank), result.results)
    by_flow = {f.flow_id: f for f in report.flows}
    transfer = by_flow["transfer_money"]
    # 7 steps; utter_cancelled (data/flows.yml lines 20-21) is the only one not visited;
    # the set_slots step has no event of its own but lies on the only path to utter_done
    assert (transfer.total, transfer.covered) == (7, 6)
    assert [step for step, _, _ in transfer.untested] == ["transfer_money_6_utter_cancelled"]
    assert transfer.untested_lines == "20-21"
    assert by_flow["check_balance"].covered == 0
    assert dict(report.commands) == {"set_slot": 3, "start_flow": 1}
    assert plain_text(coverage_lines(report)) == (
        "flow coverage\n"
        "  flow                             steps  covered          untested lines\n"
        "  data/flows.yml::check_balance        2        0    0.0%  25, 26\n"
        "  data/flows.yml::transfer_money       7        6   85.7%  20-21\n"
        "  total                                9        6   66.7%\n"
        "commands exercised: set_slot 3 · start_flow 1\n"
    )
    csv = report.to_csv().splitlines()
    assert csv[0] == "flows,number_of_steps,number_of_untested_steps,untested_lines,coverage"
    assert "data/flows.yml::transfer_money,7,1,20-21,85.71%" in csv
    assert csv[-1] == "total,9,3,,66.67%"
