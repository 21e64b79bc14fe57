"""Responses (placeholders, buttons) and slots (validation, csat_score, mappings)."""

from __future__ import annotations

import pytest

from calmtui.core.validate.responses import set_slots_of
from tests.core.project_builder import DOMAIN, build, diagnostics

LLM_CONFIG = """
recipe: default.v1
assistant_id: test
pipeline:
  - name: CompactLLMCommandGenerator
policies:
  - name: FlowPolicy
"""
NLU_CONFIG = """
recipe: default.v1
assistant_id: test
pipeline:
  - name: WhitespaceTokenizer
  - name: DIETClassifier
policies:
  - name: RulePolicy
"""


def with_response(text: str, extra: str = "") -> str:
    return DOMAIN.replace(
        '  utter_done:\n    - text: "Done."\n', f"  utter_done:\n    - text: {text}\n{extra}"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Sent {amount} to {recipient}."', []),
        ('"Nothing to fill here."', []),
        ('"Braces {{ in jinja }} are left alone."', []),
        ('"An empty {} placeholder."', ["CT208"]),
        ('"Sent {amout}."', ["CT209"]),
        ('"Not a name { amount }."', []),
    ],
)
def test_placeholders(text: str, expected: list[str]) -> None:
    assert [
        d.code for d in diagnostics(build(domain=with_response(text)), "CT208", "CT209")
    ] == expected


def test_unknown_placeholder_points_inside_the_text() -> None:
    [d] = diagnostics(build(domain=with_response('"Sent {amout}."')), "CT209")
    assert d.severity == "warning"
    assert d.span is not None
    assert (d.span.col, d.span.width) == (19, 7)
    assert d.hint == "did you mean 'amount'? (domain.yml:5)"


def test_jinja_texts_are_not_checked_for_placeholders() -> None:
    domain = with_response('"Sent {amout}."', "      metadata:\n        template: jinja\n")
    assert diagnostics(build(domain=domain), "CT209") == []


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("/SetSlots(confirm=true)", []),
        ("/SetSlots(amount=12, account=Savings)", []),
        ('/SetSlots(recipient="Ann Lee")', []),
        ("I want to stop", []),
        ("/restart", []),
        ("/SetSlots(confrm=true)", ["CT213"]),
        ("/SetSlots(confirm=perhaps)", ["CT214"]),
        ("/SetSlots(account=credit)", ["CT214"]),
        ("/SetSlots()", ["CT225"]),
        ("/SetSlots(confirm", ["CT225"]),
        ("/SetSlots(amount=)", []),
        ("/greet", ["CT215"]),
    ],
)
def test_button_payloads(payload: str, expected: list[str]) -> None:
    domain = with_response(
        '"Go?"', f"      buttons:\n        - title: Go\n          payload: '{payload}'\n"
    )
    codes = ("CT212", "CT213", "CT214", "CT215", "CT225")
    assert [d.code for d in diagnostics(build(domain=domain), *codes)] == expected


def test_button_without_payload() -> None:
    domain = with_response('"Go?"', '      buttons:\n        - title: "Go"\n')
    assert [d.code for d in diagnostics(build(domain=domain), "CT212")] == ["CT212"]


def test_button_slot_hint() -> None:
    domain = with_response(
        '"Go?"',
        '      buttons:\n        - title: "Go"\n          payload: "/SetSlots(confrm=true)"\n',
    )
    [d] = diagnostics(build(domain=domain), "CT213")
    assert d.hint == "did you mean 'confirm'? (domain.yml:7)"
    assert d.span is not None
    assert d.span.line == 25


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("/SetSlots(a=1)", [("a", "1")]),
        ("/SetSlots(a=1, b = two words )", [("a", "1"), ("b", "two words")]),
        ("/SetSlots(items=[x, y], n=)", [("items", ["x", "y"]), ("n", None)]),
        ("/SetSlots(n=null)", [("n", None)]),
        ("/greet", None),
        ("hello", None),
    ],
)
def test_set_slots_of(payload: str, expected: list[tuple[str, object]] | None) -> None:
    assert set_slots_of(payload) == expected


@pytest.mark.parametrize("payload", ["/SetSlots()", "/SetSlots(a=1", "/SetSlots"])
def test_set_slots_of_rejects(payload: str) -> None:
    with pytest.raises(ValueError):
        set_slots_of(payload)


def test_slot_validation_responses() -> None:
    domain = DOMAIN.replace(
        "amount:\n    type: float\n",
        "amount:\n    type: float\n    validation:\n      rejections:\n        - if: slots.amount < 1\n"
        "          utter: utter_too_small\n      refill_utter: utter_ask_amount_again\n",
    )
    found = diagnostics(build(domain=domain), "CT216")
    assert sorted(d.message for d in found) == [
        "validation of slot 'amount' rejects with response 'utter_too_small', which is not defined in the domain",
        "validation of slot 'amount' uses refill_utter 'utter_ask_amount_again', which is not defined in the domain",
    ]


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ("type: categorical\n    values: [satisfied, unsatisfied, neutral]", []),
        ("type: categorical\n    values: [happy, sad]", ["CT217"]),
        ("type: text", ["CT217"]),
    ],
)
def test_csat_score(definition: str, expected: list[str]) -> None:
    domain = DOMAIN.replace("slots:\n", f"slots:\n  csat_score:\n    {definition}\n", 1)
    assert [d.code for d in diagnostics(build(domain=domain), "CT217")] == expected


def mapping(kind: str, options: str = "") -> str:
    return DOMAIN.replace(
        "recipient:\n    type: text\n",
        f"recipient:\n    type: text\n    mappings:\n      - type: {kind}\n{options}",
    )


MAPPING_CODES = ("CT205", "CT218", "CT219", "CT220")


@pytest.mark.parametrize(
    ("domain", "config", "expected"),
    [
        pytest.param(mapping("from_llm"), LLM_CONFIG, [], id="llm"),
        pytest.param(
            mapping("from_entity", "        entity: name\n"),
            LLM_CONFIG,
            ["CT205"],
            id="nlu-mapping-without-nlu",
        ),
        pytest.param(
            mapping("from_entity", "        entity: name\n"),
            NLU_CONFIG,
            ["CT219", "CT219", "CT219"],  # only the three slots left with the default from_llm
            id="nlu-mapping-with-nlu",
        ),
        pytest.param(mapping("from_llm"), None, [], id="no-config"),
        pytest.param(
            DOMAIN,
            NLU_CONFIG,
            ["CT219", "CT219", "CT219", "CT219"],
            id="llm-slots-in-nlu-only-pipeline",
        ),
        pytest.param(
            mapping("controlled", "        run_action_every_turn: action_fill\n"),
            LLM_CONFIG,
            ["CT218"],
            id="unknown-action",
        ),
        pytest.param(
            mapping("controlled", "        run_action_every_turn: action_transfer\n"),
            LLM_CONFIG,
            [],
            id="known-action",
        ),
        pytest.param(
            mapping("from_llm", "        allow_nlu_correction: true\n"),
            LLM_CONFIG,
            ["CT220"],
            id="nlu-correction-without-adapter",
        ),
    ],
)
def test_slot_mappings(domain: str, config: str | None, expected: list[str]) -> None:
    assert [
        d.code for d in diagnostics(build(domain=domain, config=config), *MAPPING_CODES)
    ] == expected


def test_mapping_diagnostics_have_the_right_severity() -> None:
    project = build(domain=mapping("from_entity", "        entity: name\n"), config=LLM_CONFIG)
    [d] = diagnostics(project, "CT205")
    assert d.severity == "warning"
