"""Every kind of bad test input is one clear diagnostic at its line — never a traceback, never a
silent pass. Table-driven: a test file (or conftest) and the diagnostic it must produce."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.testing.loader import load_suite
from tests.testing.conftest import STUBS, load, write_project

CASE = "test_cases:\n  - test_case: c\n    steps:\n"

BAD_FILES = [
    # (id, file text, code, line, message part, hint part)
    (
        "yaml_syntax",
        "test_cases:\n  - test_case: c\n    steps: [\n",
        "CT101",
        4,
        "YAML syntax error",
        None,
    ),
    ("tab_indentation", "test_cases:\n\t- test_case: c\n", "CT101", 2, "YAML syntax error", "tabs"),
    ("top_level_list", "- test_cases: []\n", "CT500", 1, "must be a mapping", None),
    (
        "test_cases_not_list",
        "test_cases: {a: 1}\n",
        "CT505",
        1,
        "'test_cases' must be a list",
        None,
    ),
    (
        "unknown_top_key",
        "test_case:\n  - x\ntest_cases: []\n",
        "CT501",
        1,
        "unknown key 'test_case'",
        "did you mean 'test_cases'?",
    ),
    (
        "case_without_steps",
        "test_cases:\n  - test_case: c\n",
        "CT506",
        2,
        "needs a 'steps' key",
        None,
    ),
    (
        "case_without_name",
        "test_cases:\n  - steps: [{user: hi}]\n",
        "CT506",
        2,
        "needs a 'test_case' key",
        None,
    ),
    (
        "unknown_case_key",
        "test_cases:\n  - test_case: c\n    stpes: []\n    steps: [{user: hi}]\n",
        "CT501",
        3,
        "unknown key 'stpes'",
        "did you mean 'steps'?",
    ),
    ("step_without_kind", CASE + "      - metadata: x\n", "CT503", 4, "exactly one of", None),
    (
        "step_with_two_kinds",
        CASE + "      - user: hi\n        bot: hello\n",
        "CT503",
        4,
        "found: user, bot",
        None,
    ),
    (
        "misspelled_step",
        CASE + "      - usr: hi\n",
        "CT501",
        4,
        "unknown key 'usr'",
        "did you mean 'user'?",
    ),
    (
        "unknown_assertion",
        CASE + "      - user: hi\n        assertions:\n          - flow_startd: transfer_money\n",
        "CT502",
        6,
        "unknown assertion 'flow_startd'",
        "did you mean 'flow_started'?",
    ),
    (
        "assertion_two_keys",
        CASE
        + "      - user: hi\n        assertions:\n          - flow_started: a\n            action_executed: b\n",
        "CT505",
        6,
        "exactly one key",
        None,
    ),
    (
        "order_without_assertions",
        CASE + "      - user: hi\n        assertion_order_enabled: true\n",
        "CT506",
        5,
        "assertion_order_enabled needs",
        None,
    ),
    (
        "empty_bot_uttered",
        CASE + "      - user: hi\n        assertions:\n          - bot_uttered: {}\n",
        "CT506",
        6,
        "bot_uttered is empty",
        None,
    ),
    (
        "bad_operator",
        CASE
        + "      - user: hi\n        assertions:\n          - flow_started:\n              flow_ids: [transfer_money]\n              operator: some\n",
        "CT505",
        8,
        "operator must be 'any' or 'all'",
        None,
    ),
    (
        "flow_completed_as_string",
        CASE
        + "      - user: hi\n        assertions:\n          - flow_completed: transfer_money\n",
        "CT505",
        6,
        "flow_completed must be a mapping",
        "flow_id",
    ),
    (
        "bad_regex",
        CASE
        + "      - user: hi\n        assertions:\n          - bot_uttered:\n              text_matches: 'send ('\n",
        "CT519",
        7,
        "not a valid regular expression",
        None,
    ),
    (
        "bad_threshold",
        CASE
        + "      - user: hi\n        assertions:\n          - generative_response_is_relevant:\n              threshold: 3\n",
        "CT505",
        7,
        "threshold must be a number from 0 to 1",
        None,
    ),
    (
        "bad_commands",
        CASE + "      - user: hi\n        commands:\n          - launch the rocket\n",
        "CT515",
        6,
        "'launch the rocket' is not a command",
        None,
    ),
    (
        "bad_commands_issued",
        CASE + "      - user: hi\n        assertions:\n          - commands_issued: [do it]\n",
        "CT515",
        6,
        "commands_issued: 'do it' is not a command",
        None,
    ),
    (
        "bad_stub_event",
        "stub_custom_actions:\n  action_transfer:\n    events: [{name: x}]\n"
        + CASE
        + "      - user: hi\n",
        "CT112",
        3,
        "needs an 'event' name",
        None,
    ),
    (
        "bad_mocked_datetime",
        "fixtures:\n  - t:\n      - mocked_datetime: next tuesday\ntest_cases:\n  - test_case: c\n    fixtures: [t]\n    steps: [{user: hi}]\n",
        "CT516",
        3,
        "is not a date and time",
        "2024-01-15",
    ),
]


# Names in assertions and step-style checks: Rasa's loader never checks them, so these are
# warnings (the case runs and fails at its check), with the line and a did-you-mean.
UNKNOWN_NAMES = [
    (
        "unknown_flow",
        CASE + "      - user: hi\n        assertions:\n          - flow_started: transfer_mony\n",
        "CT510",
        6,
        "no flow 'transfer_mony'",
        "did you mean 'transfer_money'?",
    ),
    (
        "unknown_step_id",
        CASE
        + "      - user: hi\n        assertions:\n          - flow_completed:\n              flow_id: check_balance\n              flow_step_id: check_balance_1_utter_balanc\n",
        "CT510",
        6,
        "has no step 'check_balance_1_utter_balanc'",
        "did you mean 'check_balance_1_utter_balance'?",
    ),
    (
        "unknown_slot_assertion",
        CASE
        + "      - user: hi\n        assertions:\n          - slot_was_set:\n              - name: amout\n",
        "CT511",
        7,
        "no slot 'amout'",
        "did you mean 'amount'?",
    ),
    (
        "unknown_slot_step",
        CASE + "      - user: hi\n      - slot_was_set:\n          - amout: 3\n",
        "CT511",
        6,
        "no slot 'amout'",
        "did you mean 'amount'?",
    ),
    (
        "unknown_response",
        CASE + "      - user: hi\n      - utter: utter_ask_amout\n",
        "CT512",
        5,
        "no response 'utter_ask_amout'",
        "did you mean 'utter_ask_amount'?",
    ),
    (
        "unknown_action",
        CASE
        + "      - user: hi\n        assertions:\n          - action_executed: action_transfr\n",
        "CT512",
        6,
        "no action or response 'action_transfr'",
        "did you mean 'action_transfer'?",
    ),
]


@pytest.mark.parametrize(
    ("text", "code", "line", "message", "hint"),
    [c[1:] for c in UNKNOWN_NAMES],
    ids=[c[0] for c in UNKNOWN_NAMES],
)
def test_unknown_names_in_checks_are_warnings_and_the_case_runs(
    bank: Path, text: str, code: str, line: int, message: str, hint: str
) -> None:
    write_project(bank, {"tests/cases.yml": text})
    suite = load_suite(load(bank), bank)
    assert suite.ok, [d.headline() for d in suite.diagnostics if d.is_error]
    [d] = [d for d in suite.diagnostics if d.code == code]
    assert (d.severity, d.span.path if d.span else None) == ("warning", "tests/cases.yml")
    assert d.span is not None
    assert d.span.line == line, d.headline()
    assert message in d.message
    assert "this check can only fail" in d.message
    assert d.hint is not None
    assert hint in d.hint
    assert suite.cases


NEGATED_UNKNOWN_NAMES = [
    (
        "bot_did_not_utter",
        CASE + "      - user: hi\n        assertions:\n          - bot_did_not_utter:\n"
        "              utter_name: utter_ask_amout\n",
        "CT512",
        "no response 'utter_ask_amout'",
    ),
    (
        "slot_was_not_set",
        CASE + "      - user: hi\n        assertions:\n          - slot_was_not_set:\n"
        "              - name: amout\n",
        "CT511",
        "no slot 'amout'",
    ),
    (
        "flow_not_started",
        CASE + "      - user: hi\n        assertions:\n          - flow_not_started: transfr\n",
        "CT510",
        "no flow 'transfr'",
    ),
    (
        "slot_was_not_set_step",
        CASE + "      - user: hi\n      - slot_was_not_set:\n          - amout\n",
        "CT511",
        "no slot 'amout'",
    ),
]


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [c[1:] for c in NEGATED_UNKNOWN_NAMES],
    ids=[c[0] for c in NEGATED_UNKNOWN_NAMES],
)
def test_unknown_names_in_negated_checks_say_the_check_can_only_pass(
    bank: Path, text: str, code: str, message: str
) -> None:
    write_project(bank, {"tests/cases.yml": text})
    suite = load_suite(load(bank), bank)
    assert suite.ok, [d.headline() for d in suite.diagnostics if d.is_error]
    [d] = [d for d in suite.diagnostics if d.code == code]
    assert message in d.message
    assert d.message.endswith("this check can only pass"), d.message


@pytest.mark.parametrize(
    ("text", "code", "line", "message", "hint"),
    [c[1:] for c in BAD_FILES],
    ids=[c[0] for c in BAD_FILES],
)
def test_bad_test_file_gives_one_clear_error(
    bank: Path, text: str, code: str, line: int, message: str, hint: str | None
) -> None:
    write_project(bank, {"tests/cases.yml": text})
    suite = load_suite(load(bank), bank)
    assert not suite.ok
    errors = [d for d in suite.diagnostics if d.is_error]
    found = [d for d in errors if d.code == code]
    assert found, [d.headline() for d in suite.diagnostics]
    d = found[0]
    assert d.span is not None
    assert d.span.path == "tests/cases.yml"
    assert d.span.line == line, d.headline()
    assert message in d.message, d.headline()
    if hint is not None:
        assert d.hint is not None
        assert hint in d.hint, d.hint


# Rasa accepts these and runs the case (an unknown fixture or metadata is left out, a stub that is
# never used is ignored, a fixture's unknown slot is dropped); calmtui warns (`--strict`: error).
WARNINGS = [
    (
        "mixed_styles",
        CASE
        + "      - user: hi\n        assertions:\n          - flow_started: transfer_money\n      - utter: utter_ask_amount\n",
        "CT504",
        7,
    ),
    ("empty_user", CASE + "      - user: '  '\n      - user: hi\n", "CT518", 4),
    (
        "duplicate_case_names",
        "test_cases:\n  - test_case: c\n    steps: [{user: hi}]\n  - test_case: c\n    steps: [{user: hi}]\n",
        "CT507",
        4,
    ),
    (
        "repeated_message",
        CASE
        + "      - user: yes\n        assertions: [{flow_not_started: check_balance}]\n      - user: no\n      - user: yes\n        assertions: [{flow_not_started: check_balance}]\n",
        "CT517",
        7,
    ),
    (
        "stub_for_unknown_case",
        "stub_custom_actions:\n  other::action_transfer:\n    events: []\n"
        + CASE
        + "      - user: hi\n",
        "CT514",
        2,
    ),
    (
        "unknown_fixture",
        "test_cases:\n  - test_case: c\n    fixtures: [rich]\n    steps: [{user: hi}]\nfixtures:\n  - ricch:\n      - balance: 1\n",
        "CT508",
        3,
    ),
    (
        "unknown_metadata",
        CASE + "      - user: hi\n        metadata: phone\n",
        "CT509",
        5,
    ),
    (
        "stub_for_missing_action",
        "stub_custom_actions:\n  action_trasnfer:\n    events: []\n" + CASE + "      - user: hi\n",
        "CT513",
        2,
    ),
    (
        "stub_for_a_response",
        "stub_custom_actions:\n  utter_done:\n    events: []\n" + CASE + "      - user: hi\n",
        "CT513",
        2,
    ),
    (
        "fixture_unknown_slot",
        "fixtures:\n  - t:\n      - balanse: 1\ntest_cases:\n  - test_case: c\n    fixtures: [t]\n    steps: [{user: hi}]\n",
        "CT511",
        5,
    ),
    (
        "unknown_flow_in_commands",
        CASE + "      - user: hi\n        commands: start flow admin_delete_all\n",
        "CT510",
        4,
    ),
]


@pytest.mark.parametrize(
    ("text", "code", "line"), [w[1:] for w in WARNINGS], ids=[w[0] for w in WARNINGS]
)
def test_questionable_input_is_a_warning_and_still_runs(
    bank: Path, text: str, code: str, line: int
) -> None:
    write_project(bank, {"tests/cases.yml": text})
    suite = load_suite(load(bank), bank)
    assert suite.ok, [d.headline() for d in suite.diagnostics if d.is_error]
    found = [d for d in suite.diagnostics if d.code == code]
    assert found, [d.headline() for d in suite.diagnostics]
    assert found[0].severity == "warning"
    assert found[0].span is not None
    assert found[0].span.line == line
    assert suite.cases


def test_empty_user_message_step_is_skipped(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": CASE + "      - user: ''\n      - user: hi\n"})
    (case,) = load_suite(load(bank), bank).cases
    assert [s.text for s in case.user_steps] == ["hi"]


def test_unknown_judge_model_group_is_an_error(bank: Path) -> None:
    write_project(
        bank,
        {
            "tests/conftest.yml": "llm_judge:\n  llm:\n    model_group: judge_llm\n",
            "tests/cases.yml": STUBS + CASE + "      - user: hi\n",
        },
    )
    suite = load_suite(load(bank), bank)
    (d,) = [d for d in suite.diagnostics if d.code == "CT521"]
    assert d.span is not None
    assert d.span.path == "tests/conftest.yml"
    assert d.span.line == 1


def test_binary_file_with_test_cases_is_reported(bank: Path) -> None:
    (bank / "tests").mkdir()
    (bank / "tests" / "cases.yml").write_bytes(b"test_cases:\x00\x01")
    suite = load_suite(load(bank), bank)
    assert [d.code for d in suite.diagnostics] == ["CT103"]


def test_every_ct5xx_code_used_is_documented_in_codes() -> None:
    from calmtui.core.codes import CODES

    used = {c[2] for c in BAD_FILES} | {w[2] for w in WARNINGS} | {"CT520", "CT521", "CT530"}
    assert {c for c in used if c.startswith("CT5")} <= set(CODES)
