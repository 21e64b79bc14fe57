"""Collect steps against the domain: CT302, CT320, CT330, CT331, CT332, CT336, CT342."""

from __future__ import annotations

import pytest

from tests.core.project_builder import DOMAIN, FLOWS, build, codes, diagnostics

ASK_AMOUNT = '  utter_ask_amount:\n    - text: "How much?"\n'


def flows_with(old: str, new: str) -> str:
    assert old in FLOWS
    return FLOWS.replace(old, new, 1)


def domain_with(old: str, new: str) -> str:
    assert old in DOMAIN
    return DOMAIN.replace(old, new, 1)


@pytest.mark.parametrize(
    ("domain", "flows", "expected"),
    [
        pytest.param(DOMAIN, FLOWS, [], id="valid"),
        pytest.param(
            DOMAIN,
            flows_with("collect: amount", "collect: amout"),
            ["CT302", "CT240"],
            id="unknown-slot",
        ),
        pytest.param(
            DOMAIN,
            flows_with("collect: amount", "collect: 'the amount'"),
            ["CT320", "CT240"],
            id="bad-name",
        ),
        pytest.param(
            domain_with("amount:\n    type: float", "amount:\n    type: list"),
            FLOWS,
            ["CT330"],
            id="list-slot",
        ),
        pytest.param(DOMAIN + "  - action_ask_amount\n", FLOWS, ["CT331"], id="utter-and-action"),
        pytest.param(domain_with(ASK_AMOUNT, ""), FLOWS, ["CT332"], id="no-way-to-ask"),
        pytest.param(
            domain_with(ASK_AMOUNT, "").replace(
                "amount:\n    type: float", "amount:\n    type: float\n    initial_value: 10"
            ),
            FLOWS,
            [],
            id="initial-value-needs-no-question",
        ),
        pytest.param(
            domain_with(ASK_AMOUNT, "") + "  - action_ask_amount\n",
            FLOWS,
            [],
            id="action-asks",
        ),
        pytest.param(
            DOMAIN,
            flows_with("- collect: amount", "- collect: amount\n        utter: utter_how_much"),
            ["CT342"],
            id="unknown-custom-utter",
        ),
        pytest.param(
            DOMAIN,
            flows_with(
                "- collect: amount",
                "- collect: amount\n        rejections:\n          - if: slots.amount < 1\n            utter: utter_too_small",
            ),
            ["CT336"],
            id="unknown-rejection-response",
        ),
    ],
)
def test_collect_checks(domain: str, flows: str, expected: list[str]) -> None:
    assert codes(build(domain=domain, flows=flows)) == expected


def test_unknown_slot_points_at_the_name_and_suggests_with_location() -> None:
    [d] = diagnostics(build(flows=flows_with("collect: amount", "collect: amout")), "CT302")
    assert d.severity == "error"
    assert (
        d.message == "collect step asks for slot 'amout', which is not listed in the domain slots"
    )
    assert d.span is not None
    assert (d.span.path, d.span.line, d.span.col, d.span.width) == ("data/flows.yml", 7, 18, 5)
    assert d.hint == "did you mean 'amount'? (domain.yml:5)"


def test_unknown_slot_without_a_close_match_says_what_to_add() -> None:
    [d] = diagnostics(build(flows=flows_with("collect: amount", "collect: zebra")), "CT302")
    assert d.hint == "add 'zebra' under 'slots:' in the domain"


def test_custom_utter_also_means_the_default_is_not_required() -> None:
    domain = domain_with(ASK_AMOUNT, '  utter_how_much:\n    - text: "?"\n')
    flows = flows_with("- collect: amount", "- collect: amount\n        utter: utter_how_much")
    assert codes(build(domain=domain, flows=flows)) == []
