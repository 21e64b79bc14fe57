"""Loading test files: discovery, conftest chains, fixtures, metadata, stubs and selection."""

from __future__ import annotations

from pathlib import Path

from calmtui.testing.loader import Target, load_suite, parse_target
from calmtui.testing.spec import (
    BotTextStep,
    FlowStartedAssertion,
    SlotNotSetStep,
    SlotSetStep,
    UserStep,
    UtterStep,
)
from tests.testing.conftest import cases_yaml, load, suite_of, write_project

STYLE_A = """\
- test_case: style_a
  steps:
    - user: "send money"
      commands: start flow transfer_money
    - utter: utter_ask_recipient
    - user: Anna
      commands: set slot recipient Anna
    - slot_was_set:
        - recipient: Anna
        - amount
    - slot_was_not_set:
        - confirm
    - bot: "How much?"
"""


def test_a_file_without_test_cases_is_not_a_test_file(bank: Path) -> None:
    write_project(
        bank, {"tests/notes.yml": "something: else\n", "tests/cases.yml": cases_yaml(STYLE_A)}
    )
    suite = suite_of(bank)
    assert suite.ok
    assert suite.files == ["tests/cases.yml"]
    assert [c.name for c in suite.cases] == ["style_a"]


def test_style_a_steps_are_typed_and_slot_lists_expanded(bank: Path) -> None:
    write_project(bank, {"tests/cases.yml": cases_yaml(STYLE_A)})
    case = suite_of(bank).cases[0]
    assert case.style == "steps"
    kinds = [type(s) for s in case.steps]
    assert kinds == [
        UserStep,
        UtterStep,
        UserStep,
        SlotSetStep,
        SlotSetStep,
        SlotNotSetStep,
        BotTextStep,
    ]
    first_slot, second_slot = case.steps[3], case.steps[4]
    assert isinstance(first_slot, SlotSetStep)
    assert isinstance(second_slot, SlotSetStep)
    assert (first_slot.slot.name, first_slot.slot.value) == ("recipient", "Anna")
    assert not second_slot.slot.has_value
    assert first_slot.span is not None
    assert second_slot.span is not None
    assert second_slot.span.line == first_slot.span.line + 1
    user = case.steps[0]
    assert isinstance(user, UserStep)
    assert user.commands is not None
    assert user.commands[0].kind == "start_flow"


def test_user_text_written_as_a_number_keeps_its_spelling(bank: Path) -> None:
    cases = """\
    - test_case: numbers
      steps:
        - user: 1.50
          assertions:
            - flow_not_started: transfer_money
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    step = suite_of(bank).cases[0].steps[0]
    assert isinstance(step, UserStep)
    assert step.text == "1.50"


def test_fixtures_and_metadata_resolve_through_the_conftest_chain(bank: Path) -> None:
    root_conftest = """\
    fixtures:
      - rich:
          - balance: 1000
      - named:
          - recipient: Root
    metadata:
      - app:
          channel: app
          version: "1"
    """
    child_conftest = """\
    fixtures:
      - named:
          - recipient: Child
    """
    cases = """\
    - test_case: resolved
      fixtures: [rich, named, own]
      metadata: app
      steps:
        - user: hi
          metadata: override
          assertions:
            - flow_not_started: transfer_money
    """
    header = """\
fixtures:
  - own:
      - amount: 5
      - mocked_datetime: "2024-01-15 14:30:00"
metadata:
  - override:
      version: "2"
"""
    write_project(
        bank,
        {
            "tests/conftest.yml": root_conftest,
            "tests/sub/conftest.yml": child_conftest,
            "tests/sub/cases.yml": cases_yaml(cases, header=header),
        },
    )
    suite = suite_of(bank)
    assert suite.ok, [d.headline() for d in suite.diagnostics]
    case = suite.cases[0]
    assert dict(case.fixture_slots) == {
        "balance": 1000,
        "recipient": "Child",  # the nearest conftest wins over the root one
        "amount": 5,
        "mocked_datetime": "2024-01-15T14:30:00+00:00",  # naive -> UTC, ISO 8601
    }
    step = case.steps[0]
    assert isinstance(step, UserStep)
    assert step.metadata == {"channel": "app", "version": "2"}  # the step's metadata wins


def test_fixtures_defined_in_another_loaded_file_are_found(bank: Path) -> None:
    shared = "fixtures:\n  - low:\n      - balance: 1\ntest_cases: []\n"
    cases = "- test_case: uses_shared\n  fixtures: [low]\n  steps:\n    - user: hi\n"
    write_project(bank, {"tests/a_shared.yml": shared, "tests/b_cases.yml": cases_yaml(cases)})
    suite = suite_of(bank)
    assert suite.ok
    assert dict(suite.cases[0].fixture_slots) == {"balance": 1}


def test_case_scoped_stubs_win_over_file_stubs(bank: Path) -> None:
    header = """\
stub_custom_actions:
  action_check_balance:
    events: [{event: slot, name: balance, value: 1}]
  special::action_check_balance:
    events: [{event: slot, name: balance, value: 2}]
"""
    cases = "- test_case: special\n  steps:\n    - user: hi\n- test_case: plain\n  steps:\n    - user: hi\n"
    write_project(bank, {"tests/cases.yml": cases_yaml(cases, header=header)})
    special, plain = suite_of(bank).cases
    assert special.stubs["action_check_balance"].events[0]["value"] == 2
    assert plain.stubs["action_check_balance"].events[0]["value"] == 1


def test_path_case_selection_and_keyword(bank: Path) -> None:
    cases = "\n".join(
        f"- test_case: {name}\n  steps:\n    - user: hi"
        for name in ("alpha_one", "beta_two", "alpha_three")
    )
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    project = load(bank)
    one = load_suite(project, bank, [parse_target("tests/cases.yml::beta_two", bank)])
    assert [c.name for c in one.cases] == ["beta_two"]
    keyword = load_suite(project, bank, keyword="alpha and not three")
    assert [c.name for c in keyword.cases] == ["alpha_one"]
    assert keyword.deselected == 2
    only = load_suite(project, bank, only=["tests/cases.yml::alpha_three"])
    assert [c.name for c in only.cases] == ["alpha_three"]


def test_unknown_case_in_selection_is_an_error_with_a_suggestion(bank: Path) -> None:
    write_project(
        bank, {"tests/cases.yml": cases_yaml("- test_case: transfer\n  steps:\n    - user: hi\n")}
    )
    suite = load_suite(load(bank), bank, [Target(path=bank / "tests/cases.yml", case="transfr")])
    assert not suite.ok
    (d,) = suite.diagnostics
    assert d.code == "CT520"
    assert d.hint == "did you mean tests/cases.yml::transfer?"
    assert suite.cases == []


def test_run_order_is_files_sorted_then_document_order(bank: Path) -> None:
    write_project(
        bank,
        {
            "tests/b.yml": cases_yaml(
                "- test_case: b1\n  steps: [{user: hi}]\n- test_case: b0\n  steps: [{user: hi}]\n"
            ),
            "tests/a/z.yml": cases_yaml("- test_case: a1\n  steps: [{user: hi}]\n"),
        },
    )
    assert [c.node_id for c in suite_of(bank).cases] == [
        "tests/a/z.yml::a1",
        "tests/b.yml::b1",
        "tests/b.yml::b0",
    ]


def test_assertion_flow_ids_keep_their_operator(bank: Path) -> None:
    cases = """\
    - test_case: ops
      steps:
        - user: hi
          assertions:
            - flow_started:
                flow_ids: [transfer_money, check_balance]
                operator: all
            - flow_started: check_balance
    """
    write_project(bank, {"tests/cases.yml": cases_yaml(cases)})
    step = suite_of(bank).cases[0].steps[0]
    assert isinstance(step, UserStep)
    first, second = step.assertions
    assert isinstance(first, FlowStartedAssertion)
    assert first.operator == "all"
    assert first.flow_ids == ("transfer_money", "check_balance")
    assert isinstance(second, FlowStartedAssertion)
    assert second.operator == "any"
