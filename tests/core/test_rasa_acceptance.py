"""Accept exactly what Rasa accepts (issue 11 §2): each input here is one Rasa Pro loads and
runs; calmtui used to refuse it and now warns (or reads it as Rasa does). What Rasa refuses
stays an error, with Rasa's own reason (coexistence routers)."""

from __future__ import annotations

from textwrap import dedent

import pytest

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.loading.domain_loader import load_domain
from calmtui.core.loading.flow_loader import load_flow_file
from calmtui.core.model.flows import SetSlotsStep
from calmtui.core.source import parse_yaml
from tests.core.project_builder import DOMAIN, FLOWS, build, diagnostics


def flow_problems(text: str) -> list[Diagnostic]:
    loaded = load_flow_file(parse_yaml(dedent(text), "data/flows.yml"))
    return loaded.diagnostics


def domain_problems(text: str) -> list[Diagnostic]:
    _, found = load_domain([parse_yaml(dedent(text), "domain.yml")])
    return found


def severities(found: list[Diagnostic]) -> list[tuple[str, str]]:
    return [(d.code, d.severity) for d in found]


# -- flows -----------------------------------------------------------------------------------------

STEP_WITH = """
flows:
  f:
    description: a flow
    steps:
      - action: utter_done
      - {step}
"""


@pytest.mark.parametrize(
    "step",
    [
        "link: other\n        description: hand over",
        "call: other\n        descripton: typo",
        "set_slots: [{a: 1}]\n        comment: x",
        "noop: true\n        next: END\n        note: x",
    ],
)
def test_extra_keys_on_lenient_steps_are_ignored_as_rasa_does(step: str) -> None:
    found = flow_problems(STEP_WITH.format(step=step))
    assert severities(found) == [("CT370", "warning")]
    assert "is ignored, as Rasa does" in found[0].message


def test_extra_keys_on_branches_are_ignored_as_rasa_does() -> None:
    text = """
    flows:
      f:
        description: a flow
        steps:
          - noop: true
            next:
              - if: slots.a
                then: END
                why: x
              - else: END
                if: slots.b
    """
    assert severities(flow_problems(text)) == [("CT370", "warning"), ("CT370", "warning")]


@pytest.mark.parametrize(
    "step", ["action: utter_done\n        descripton: x", "collect: a\n        utterr: x"]
)
def test_action_and_collect_steps_stay_strict_as_in_rasa(step: str) -> None:
    assert severities(flow_problems(STEP_WITH.format(step=step))) == [("CT301", "error")]


def test_a_set_slots_item_with_several_pairs_is_read_as_rasa_reads_it() -> None:
    text = STEP_WITH.format(step="set_slots:\n          - {a: 1, b: two}\n          - c: 3")
    loaded = load_flow_file(parse_yaml(dedent(text), "data/flows.yml"))
    assert loaded.diagnostics == []
    step = loaded.flows[0].steps[1]
    assert isinstance(step, SetSlotsStep)
    assert step.slot_values == (("a", 1), ("b", "two"), ("c", 3))


def test_a_step_id_with_spaces_is_a_warning() -> None:
    text = STEP_WITH.format(step="action: utter_done\n        id: say done")
    assert severities(flow_problems(text)) == [("CT346", "warning")]


# -- domain ----------------------------------------------------------------------------------------


def test_rasa_accepts_and_calmtui_warns_about_these_domain_oddities() -> None:
    found = domain_problems(
        """
        slots:
          tier: {type: categorical}
          account number: {type: text}
        responses:
          utter_nothing: []
        """
    )
    assert severities(found) == [
        ("CT202", "warning"),
        ("CT223", "warning"),
        ("CT272", "warning"),
    ]


def test_a_variation_with_nothing_to_say_stays_an_error() -> None:
    found = domain_problems("responses:\n  utter_x:\n    - channel: web\n")
    assert severities(found) == [("CT206", "error")]


def test_set_slots_of_the_wrong_type_and_unknown_rejection_responses_are_warnings() -> None:
    flows = FLOWS.replace(
        "      - collect: amount\n",
        "      - collect: amount\n        rejections:\n          - if: slots.amount > 9\n"
        "            utter: utter_too_much\n      - set_slots:\n          - account: credit\n",
    )
    found = diagnostics(build(flows=flows), "CT336", "CT340")
    assert severities(found) == [("CT336", "warning"), ("CT340", "warning")]


def test_a_component_option_of_the_wrong_type_is_a_warning() -> None:
    config = (
        "pipeline:\n  - name: CompactLLMCommandGenerator\n    user_input: {max_characters: lots}\n"
    )
    [found] = diagnostics(build(config=config), "CT236")
    assert found.severity == "warning"
    assert found.message.endswith("calmtui uses the default")


# -- coexistence routers: what Rasa refuses (rasa/engine/validation.py) ----------------------------

ROUTER_SLOT = "  route_session_to_calm:\n    type: bool\n"
INTENT_ROUTER = """
pipeline:
  - name: IntentBasedRouter
    nlu_entry: {sticky: [card], non_sticky: [chitchat]}
    calm_entry: {sticky: [transfer]}
  - name: CompactLLMCommandGenerator
"""


def router_codes(config: str, *, slot: str = ROUTER_SLOT) -> list[str]:
    domain = DOMAIN.replace("slots:\n", "slots:\n" + slot, 1)
    return [d.message for d in diagnostics(build(domain=domain, config=config), "CT273")]


def test_a_router_set_up_as_rasa_wants_is_accepted() -> None:
    assert router_codes(INTENT_ROUTER) == []
    llm_router = (
        "pipeline:\n  - name: LLMBasedRouter\n    calm_entry: {sticky: handles transfers}\n"
    )
    assert router_codes(llm_router) == []


@pytest.mark.parametrize(
    ("config", "slot", "message"),
    [
        (INTENT_ROUTER, "", "needs the slot 'route_session_to_calm' of type bool"),
        (INTENT_ROUTER, "  route_session_to_calm:\n    type: text\n", "it is of type 'text'"),
        ("pipeline:\n  - name: FlowPolicy\n", ROUTER_SLOT, "but config.yml has no coexistence"),
        (
            INTENT_ROUTER + "  - name: LLMBasedRouter\n    calm_entry: {sticky: x}\n",
            ROUTER_SLOT,
            "both an IntentBasedRouter and an LLMBasedRouter",
        ),
        (
            "pipeline:\n  - name: CompactLLMCommandGenerator\n"
            + INTENT_ROUTER.split("pipeline:\n")[1].split("  - name: Compact")[0],
            ROUTER_SLOT,
            "must come before the LLM command generator",
        ),
        (
            "pipeline:\n  - name: IntentBasedRouter\n    calm_entry: {sticky: [a]}\n",
            ROUTER_SLOT,
            "needs 'nlu_entry' with 'sticky' and 'non_sticky'",
        ),
        (
            "pipeline:\n  - name: LLMBasedRouter\n    nlu_entry: {sticky: x}\n",
            ROUTER_SLOT,
            "needs 'calm_entry' with 'sticky' and 'nlu_entry' with",
        ),
    ],
)
def test_router_set_ups_rasa_refuses_are_errors(config: str, slot: str, message: str) -> None:
    found = router_codes(config, slot=slot)
    assert any(message in m for m in found), found
