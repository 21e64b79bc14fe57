"""References from steps: actions, set_slots, links, calls, patterns, call cycles."""

from __future__ import annotations

import pytest

from tests.core.project_builder import DOMAIN, build, codes, diagnostics

HEADER = "flows:\n"


def flow(flow_id: str, steps: str, extra: str = "") -> str:
    """One flow in YAML; `steps` is the indented list body."""
    return f"  {flow_id}:\n    description: The {flow_id} flow.\n{extra}    steps:\n{steps}"


def project_with(*flows: str, domain: str = DOMAIN):
    return build(domain=domain, flows=HEADER + "".join(flows))


ACTION = "      - action: {}\n"


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        pytest.param(ACTION.format("action_transfer"), [], id="domain-action"),
        pytest.param(ACTION.format("utter_done"), [], id="response"),
        pytest.param(ACTION.format("action_listen"), [], id="built-in-action"),
        pytest.param(ACTION.format('"{{context.utter}}"'), [], id="jinja-is-skipped"),
        pytest.param(ACTION.format("action_transfr"), ["CT335"], id="unknown"),
    ],
)
def test_action_steps(steps: str, expected: list[str]) -> None:
    found = [c for c in codes(project_with(flow("f", steps))) if c.startswith("CT3")]
    assert found == expected


def test_unknown_action_suggests_the_close_one() -> None:
    [d] = diagnostics(project_with(flow("f", ACTION.format("action_transfr"))), "CT335")
    assert d.message == "action 'action_transfr' is not listed in the domain actions or responses"
    assert d.hint == "did you mean 'action_transfer'? (domain.yml:24)"


SET = "      - set_slots:\n          - {}: {}\n"


@pytest.mark.parametrize(
    ("slot", "value", "expected"),
    [
        ("amount", "10", []),
        ("amount", '"12.5"', []),
        ("confirm", "true", []),
        ("account", "Savings", []),
        ("account", "null", []),
        ("ammount", "10", ["CT333"]),
        ("confirm", "maybe", ["CT340"]),
        ("amount", "lots", ["CT340"]),
        ("account", "credit", ["CT340"]),
    ],
)
def test_set_slots(slot: str, value: str, expected: list[str]) -> None:
    project = project_with(flow("f", SET.format(slot, value)))
    assert [d.code for d in diagnostics(project, "CT333", "CT334", "CT340")] == expected


def test_set_slots_list_slot() -> None:
    domain = DOMAIN.replace("amount:\n    type: float", "amount:\n    type: list")
    project = project_with(flow("f", SET.format("amount", "[1, 2]")), domain=domain)
    assert [d.code for d in diagnostics(project, "CT334")] == ["CT334"]


def test_set_slots_points_at_the_entry() -> None:
    [d] = diagnostics(project_with(flow("f", SET.format("confirm", "maybe"))), "CT340")
    assert d.span is not None
    assert (d.span.line, d.span.col) == (6, 13)
    assert d.hint == "use true or false"


def link(target: str) -> str:
    return f"      - link: {target}\n"


def call(target: str) -> str:
    return f"      - call: {target}\n"


@pytest.mark.parametrize(
    ("flows", "expected"),
    [
        pytest.param([flow("a", link("b")), flow("b", ACTION.format("utter_done"))], [], id="link"),
        pytest.param([flow("a", link("c"))], ["CT315"], id="link-unknown"),
        pytest.param([flow("a", call("c"))], ["CT316"], id="call-unknown"),
        pytest.param(
            [flow("a", call("b")), flow("b", link("c")), flow("c", ACTION.format("utter_done"))],
            ["CT317"],
            id="called-flow-links",
        ),
        pytest.param([flow("a", link("pattern_human_handoff"))], [], id="link-handoff"),
        pytest.param([flow("a", link("pattern_chitchat"))], ["CT318"], id="user-links-chitchat"),
        pytest.param([flow("a", link("pattern_cancel_flow"))], ["CT318"], id="user-links-pattern"),
        pytest.param([flow("a", call("pattern_search"))], ["CT318"], id="user-calls-pattern"),
        pytest.param(
            [flow("pattern_search", link("pattern_chitchat"))], [], id="pattern-links-chitchat"
        ),
        pytest.param(
            [flow("pattern_completed", link("pattern_customer_satisfaction"))],
            [],
            id="pattern-links-csat",
        ),
        pytest.param(
            [flow("pattern_search", link("pattern_cancel_flow"))],
            ["CT319"],
            id="pattern-links-pattern",
        ),
        pytest.param(
            [flow("pattern_search", link("b")), flow("b", ACTION.format("utter_done"))],
            [],
            id="pattern-links-flow",
        ),
        pytest.param(
            [flow("pattern_internal_error", link("b")), flow("b", ACTION.format("utter_done"))],
            ["CT319"],
            id="internal-error-links-flow",
        ),
        pytest.param(
            [flow("pattern_search", call("b")), flow("b", ACTION.format("utter_done"))],
            ["CT319"],
            id="pattern-calls",
        ),
    ],
)
def test_links_and_calls(flows: list[str], expected: list[str]) -> None:
    found = [
        c for c in codes(project_with(*flows)) if c in {"CT315", "CT316", "CT317", "CT318", "CT319"}
    ]
    assert found == expected


def test_link_to_unknown_flow_suggests_a_flow() -> None:
    project = project_with(
        flow("a", link("chek_balance")), flow("check_balance", ACTION.format("utter_done"))
    )
    [d] = diagnostics(project, "CT315")
    assert d.hint == "did you mean 'check_balance'? (data/flows.yml:6)"


def test_called_flow_with_link_names_the_link() -> None:
    project = project_with(
        flow("a", call("b")), flow("b", link("c")), flow("c", ACTION.format("utter_done"))
    )
    [d] = diagnostics(project, "CT317")
    assert "'b_0_link_c' links to 'c'" in d.message
    assert [r.line for r in d.related] == [9]


@pytest.mark.parametrize(
    ("flows", "cycles"),
    [
        pytest.param(
            [flow("a", call("b")), flow("b", ACTION.format("utter_done"))], [], id="no-cycle"
        ),
        pytest.param([flow("a", call("a"))], ["a -> a"], id="self"),
        pytest.param([flow("a", call("b")), flow("b", call("a"))], ["a -> b -> a"], id="two"),
        pytest.param(
            [flow("a", call("b")), flow("b", call("c")), flow("c", call("b"))],
            ["b -> c -> b"],
            id="tail",
        ),
    ],
)
def test_call_cycles(flows: list[str], cycles: list[str]) -> None:
    found = diagnostics(project_with(*flows), "CT344")
    assert [d.message.split(": ", 1)[1] for d in found] == cycles
    assert all(d.severity == "warning" for d in found)


def test_long_call_chain_does_not_recurse() -> None:
    chain = [flow(f"f{i}", call(f"f{i + 1}")) for i in range(3000)]
    chain.append(flow("f3000", ACTION.format("utter_done")))
    assert diagnostics(project_with(*chain), "CT344") == []
