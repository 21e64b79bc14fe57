"""Every condition of a project is checked: guards, branches, rejections, responses."""

from __future__ import annotations

import pytest

from tests.core.project_builder import DOMAIN, FLOWS, build, diagnostics

CONDITION_CODES = ("CT210", "CT211", "CT322", "CT323", "CT324", "CT325", "CT326")


def with_branch(condition: str) -> str:
    return FLOWS.replace("- if: slots.confirm", f"- if: {condition}", 1)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("slots.confirm", []),
        ('slots.account = "savings"', []),
        ("slots.amount > 100 and slots.confirm", []),
        ("slots.confrm", ["CT324"]),
        ("confirm", ["CT323"]),
        ('slots.account = "saving"', ["CT325"]),
        ('slots.confirm = "yes"', ["CT326"]),
        ("slots.amount >", ["CT322"]),
    ],
)
def test_branch_conditions(condition: str, expected: list[str]) -> None:
    found = diagnostics(build(flows=with_branch(f"'{condition}'")), *CONDITION_CODES)
    assert [d.code for d in found] == expected


def test_flow_guard_is_checked_at_its_place() -> None:
    flows = FLOWS.replace(
        "    description: Send money.\n", "    description: Send money.\n    if: slots.amout > 0\n"
    )
    [d] = diagnostics(build(flows=flows), *CONDITION_CODES)
    assert d.code == "CT324"
    assert d.span is not None
    assert (d.span.line, d.span.col) == (5, 9)


def test_collect_rejections_are_checked() -> None:
    flows = FLOWS.replace(
        "- collect: amount",
        "- collect: amount\n        rejections:\n          - if: slots.amount <\n            utter: utter_done",
    )
    assert [d.code for d in diagnostics(build(flows=flows), *CONDITION_CODES)] == ["CT322"]


def test_slot_validation_rejections_are_checked() -> None:
    domain = DOMAIN.replace(
        "amount:\n    type: float\n",
        "amount:\n    type: float\n    validation:\n      rejections:\n        - if: slots.amont < 1\n          utter: utter_done\n",
    )
    assert [d.code for d in diagnostics(build(domain=domain), *CONDITION_CODES)] == ["CT324"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('slots.account = "savings"', []),
        ("slots.acount", ["CT211"]),
        ("context.x", ["CT210"]),
        ("slots.amount >", ["CT210"]),
    ],
)
def test_response_conditions_use_response_codes(condition: str, expected: list[str]) -> None:
    domain = DOMAIN.replace(
        '  utter_done:\n    - text: "Done."\n',
        f'  utter_done:\n    - text: "Done."\n      condition: \'{condition}\'\n    - text: "Ok."\n',
    )
    found = diagnostics(build(domain=domain), *CONDITION_CODES)
    assert [d.code for d in found] == expected
    assert all("utter_done" in d.message for d in found)


def test_legacy_response_conditions_name_slots() -> None:
    domain = DOMAIN.replace(
        '  utter_done:\n    - text: "Done."\n',
        '  utter_done:\n    - text: "Done."\n      condition:\n        - type: slot\n          name: tier\n          value: gold\n',
    )
    [d] = diagnostics(build(domain=domain), *CONDITION_CODES)
    assert d.code == "CT211"


def test_builtin_patterns_are_not_reported() -> None:
    assert diagnostics(build(), *CONDITION_CODES) == []
