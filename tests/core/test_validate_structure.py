"""Across flows: unique descriptions and names, NLU triggers, link-only flows, persistence."""

from __future__ import annotations

import pytest

from tests.core.project_builder import DOMAIN, build, diagnostics


def flows(*bodies: str) -> str:
    return "flows:\n" + "".join(bodies)


def flow(
    flow_id: str, description: str, extra: str = "", steps: str = "      - action: utter_done\n"
) -> str:
    return f"  {flow_id}:\n    description: {description}\n{extra}    steps:\n{steps}"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Send money.", "Check the balance.", []),
        ("Send money.", "Send money!", ["CT337"]),
        ("Send money.", "send money.", []),
    ],
)
def test_unique_descriptions(first: str, second: str, expected: list[str]) -> None:
    project = build(flows=flows(flow("a", first), flow("b", second)))
    assert [d.code for d in diagnostics(project, "CT337")] == expected


def test_unique_names_explicit_and_derived() -> None:
    project = build(
        flows=flows(
            flow("transfer_money", "Send money."),
            flow("other", "Something else.", "    name: transfer money\n"),
        )
    )
    [d] = diagnostics(project, "CT338")
    assert d.message == "flow 'other' has the same name 'transfer money' as flow 'transfer_money'"
    assert len(d.related) == 1


def test_nlu_triggers() -> None:
    trigger = "    nlu_trigger:\n      - intent: {}\n"
    domain = DOMAIN + "intents:\n  - greet\n"
    project = build(
        domain=domain,
        flows=flows(
            flow("a", "A.", trigger.format("greet")),
            flow("b", "B.", trigger.format("greet")),
            flow("c", "C.", trigger.format("fly")),
            flow("d", "D.", trigger.format("restart")),
        ),
    )
    found = diagnostics(project, "CT314", "CT345")
    assert [(d.code, d.severity) for d in found] == [("CT314", "error"), ("CT345", "warning")]


def test_link_only_flows_are_info() -> None:
    project = build(
        flows=flows(
            flow("a", "A.", steps="      - link: b\n"),
            flow("b", "B.", "    if: false\n"),
            flow("c", "C.", "    if: 'False'\n"),
        )
    )
    found = diagnostics(project, "CT343")
    assert [(d.severity, d.message) for d in found] == [
        ("info", "flow 'b' can only be started by a link or call step (its 'if' is false)"),
        (
            "info",
            "flow 'c' can only be started by a link or call step (its 'if' is false), "
            "and no flow links to or calls it",
        ),
    ]


COLLECT_AMOUNT = "      - collect: amount\n"


@pytest.mark.parametrize(
    ("extra", "steps", "expected"),
    [
        ("    persisted_slots: [amount]\n", COLLECT_AMOUNT, []),
        ("    persisted_slots: [recipient]\n", COLLECT_AMOUNT, ["CT327"]),
        ("    persisted_slots: [amount, amount]\n", COLLECT_AMOUNT, ["CT328"]),
        (
            "    persisted_slots: [amount]\n",
            COLLECT_AMOUNT + "      - collect: recipient\n        reset_after_flow_ends: false\n",
            ["CT328"],
        ),
        ("    persisted_slots: [confirm]\n", "      - set_slots:\n          - confirm: true\n", []),
    ],
)
def test_persisted_slots(extra: str, steps: str, expected: list[str]) -> None:
    project = build(flows=flows(flow("a", "A.", extra, steps)))
    assert [d.code for d in diagnostics(project, "CT327", "CT328")] == expected


def test_persisted_slots_of_called_flows_count() -> None:
    project = build(
        flows=flows(
            flow("a", "A.", "    persisted_slots: [amount]\n", "      - call: b\n"),
            flow("b", "B.", steps=COLLECT_AMOUNT),
        )
    )
    assert diagnostics(project, "CT327") == []
