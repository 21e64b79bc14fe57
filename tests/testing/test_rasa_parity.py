"""Test files Rasa runs, run here the same way: names in assertions are never load errors, step
styles may be mixed, rejections reset before they speak, and every run of a case is a new
conversation for the action server."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from calmtui.testing.conversation_ids import ConversationIds, new_conversation_id
from calmtui.testing.report.json_report import case_json
from tests.testing.conftest import DOMAIN, cases_yaml, environment, suite_of, write_project
from tests.testing.test_runner import run

FORM_DOMAIN_EXTRA = """\
forms:
  transfer_form:
    required_slots: [recipient, amount]
"""


# -- names in assertions (r3) ----------------------------------------------------------------------
NAMES = """\
- test_case: asks_for_the_recipient
  steps:
    - user: send money
      commands: start flow transfer_money
      assertions:
        - bot_uttered: {utter_name: utter_ask_recipient}
- test_case: expects_the_form_to_run
  steps:
    - user: send money
      commands: start flow transfer_money
      assertions:
        - action_executed: transfer_form
- test_case: expects_a_misspelt_action
  steps:
    - user: send money
      commands: start flow transfer_money
      assertions:
        - action_executed: action_trnsfer
"""


def test_a_form_name_is_an_action_and_an_unknown_name_only_fails_its_case(bank: Path) -> None:
    write_project(
        bank, {"domain.yml": DOMAIN + FORM_DOMAIN_EXTRA, "tests/cases.yml": cases_yaml(NAMES)}
    )
    suite = suite_of(bank)
    assert suite.ok
    # the form is an action name (no diagnostic); the misspelt one is a warning at its line
    [warning] = [d for d in suite.diagnostics if d.code == "CT512"]
    assert warning.severity == "warning"
    assert "action_trnsfer" in warning.message
    result = run(bank)
    statuses = {r.case.name: r.status for r in result.results}
    assert statuses == {
        "asks_for_the_recipient": "passed",
        "expects_the_form_to_run": "failed",
        "expects_a_misspelt_action": "failed",
    }
    failed = next(r for r in result.results if r.case.name == "expects_the_form_to_run")
    assert failed.failure is not None
    assert "Action 'transfer_form' did not execute." in failed.failure.mismatches[0].message


# -- mixed step styles (r4) ----------------------------------------------------------------------
MIXED = """\
- test_case: assertions_and_an_utter_step
  steps:
    - user: send money
      commands: start flow transfer_money
      assertions:
        - bot_uttered: {utter_name: utter_ask_recipient}
    - utter: utter_done
    - user: Anna
      commands: set slot recipient Anna
      assertions:
        - bot_uttered: {utter_name: utter_ask_amount}
    - slot_was_set:
        - recipient: Bob
"""


def test_with_assertions_the_step_style_checks_are_not_evaluated(bank: Path) -> None:
    """Rasa evaluates only the assertions of such a case (its runner skips steps without
    assertions); the `utter`/`slot_was_set` steps would fail here, yet the case passes."""
    write_project(bank, {"tests/cases.yml": cases_yaml(MIXED)})
    suite = suite_of(bank)
    assert suite.ok
    assert [(d.code, d.severity, d.span.line if d.span else 0) for d in suite.diagnostics] == [
        ("CT504", "warning", 19),
        ("CT504", "warning", 25),
    ]
    (case,) = run(bank).results
    assert case.status == "passed", case.failure
    assert {o.kind for o in case.outcomes} == {"bot_uttered"}


def test_with_assertions_a_failing_assertion_still_fails_a_mixed_case(bank: Path) -> None:
    failing = MIXED.replace("utter_name: utter_ask_amount", "utter_name: utter_done")
    write_project(bank, {"tests/cases.yml": cases_yaml(failing)})
    (case,) = run(bank).results
    assert case.status == "failed"
    assert case.failure is not None
    assert case.failure.turn == 2


# -- rejections reset before they speak (r8) ---------------------------------------------------------
ORDERED = """\
- test_case: a_refused_amount_is_reset_before_the_message
  steps:
    - user: send money to Anna
      commands:
        - start flow transfer_money
        - set slot recipient Anna
      assertions:
        - bot_uttered: {utter_name: utter_ask_amount}
    - user: minus five
      commands: set slot amount -5
      assertion_order_enabled: true
      assertions:
        - slot_was_set: [{name: amount, value: -5.0}]
        - slot_was_set: [{name: amount, value: null}]
        - bot_uttered: {utter_name: utter_invalid_amount}
        - bot_uttered: {utter_name: utter_ask_amount}
    - user: lots
      commands: set slot amount lots
      assertion_order_enabled: true
      assertions:
        - slot_was_set: [{name: amount, value: null}]
        - bot_uttered: {utter_name: utter_float_slot_rejection, text_matches: "`lots`"}
        - bot_uttered: {utter_name: utter_ask_amount}
"""


def test_a_rejection_resets_the_slot_before_its_message(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(ORDERED)})
    (case,) = run(bank).results
    assert case.status == "passed", case.failure


# -- a new conversation per run (r9) -------------------------------------------------------------------
COUNTING_ACTION = """\
import json
from pathlib import Path

from calmtui.actions.sdk import Dispatcher, Tracker, action

# per-conversation state kept across runs, as an action server keeps it
STATE = Path(__file__).resolve().parent.parent / ".visits.json"


@action("action_check_balance")
def check_balance(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    visits = json.loads(STATE.read_text()) if STATE.exists() else {}
    visits[tracker.sender_id] = visits.get(tracker.sender_id, 0) + 1
    STATE.write_text(json.dumps(visits))
    return {"balance": float(visits[tracker.sender_id])}
"""
FIRST_VISIT = """\
- test_case: first_visit
  steps:
    - user: balance
      commands: start flow check_balance
      assertions:
        - bot_uttered: {text_matches: "balance is 1\\\\.0"}
"""


def test_every_run_of_a_case_is_a_new_conversation(bank: Path) -> None:
    write_project(
        bank,
        {
            "endpoints.yml": "action_endpoint:\n  actions_module: actions\n",
            "actions/__init__.py": "",
            "actions/balance.py": COUNTING_ACTION,
            "tests/cases.yml": cases_yaml(FIRST_VISIT, header=""),
        },
    )
    assert environment(bank).conversation_id is new_conversation_id
    ids: list[str] = []
    for _ in range(2):  # the actions module (and its VISITS) stays loaded between the runs
        (case,) = run(bank).results
        assert case.status == "passed", case.failure
        ids.append(case.conversation_id)
    assert ids[0] != ids[1]
    for conversation_id in ids:
        name, _, stamp = conversation_id.partition("_2")
        assert name == "first_visit"
        assert datetime.fromisoformat("2" + stamp)
    assert json.loads(json.dumps(case_json(case)))["conversation_id"] == ids[1]


def test_conversation_ids_are_unique_even_within_one_microsecond() -> None:
    frozen = ConversationIds(clock=lambda: datetime(2025, 6, 1, 10, 0, 0, 5))
    assert [frozen("case"), frozen("case"), frozen("other")] == [
        "case_2025-06-01 10:00:00.000005",
        "case_2025-06-01 10:00:00.000005_2",
        "other_2025-06-01 10:00:00.000005",
    ]


def test_the_conversation_id_reaches_custom_actions(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(FIRST_VISIT.replace("1\\\\.0", "100"))})
    env = replace(environment(bank), conversation_id=lambda name: f"{name}_fixed")
    seen: list[str] = []
    original = env.action_runner_for

    def spying(case: object):  # type: ignore[no-untyped-def]
        runner = original(case)  # type: ignore[arg-type]

        class Spy:
            kind = runner.kind

            async def run(self, request):  # type: ignore[no-untyped-def]
                seen.append(request.sender_id)
                return await runner.run(request)

        return Spy()

    from calmtui.testing.runner import RunOptions, run_suite_sync

    env = replace(env, action_runner_for=spying)
    (case,) = run_suite_sync(suite_of(bank).cases, env, RunOptions(workers=1)).results
    assert case.status == "passed", case.failure
    assert seen == ["first_visit_fixed"]
    assert case.conversation_id == "first_visit_fixed"
