"""What Rasa merges into every project with flows, and which names count as actions.

The names listed here are facts about rasa-pro 3.21 (its default-patterns domain): an existing
project may use any of them in an `action:` step or an e2e assertion without defining it.
"""

from __future__ import annotations

from textwrap import dedent

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.loading.domain_loader import load_domain
from calmtui.core.loading.flow_loader import load_flow_file
from calmtui.core.patterns import builtin_domain, builtin_flows
from calmtui.core.source import parse_yaml
from tests.core.project_builder import build, codes

# Every response of rasa-pro 3.21's default-patterns domain.
RASA_321_DEFAULT_RESPONSES = (
    "utter_agent_busy",
    "utter_ask_continue_conversation",
    "utter_ask_continue_interrupted_flow_confirmation",
    "utter_ask_csat_score",
    "utter_ask_interrupted_flow_to_continue",
    "utter_ask_rephrase",
    "utter_ask_still_there",
    "utter_boolean_slot_rejection",
    "utter_can_do_something_else",
    "utter_cannot_handle",
    "utter_categorical_slot_rejection",
    "utter_clarification_no_options_rasa",
    "utter_clarification_options_rasa",
    "utter_closing_words",
    "utter_corrected_previous_input",
    "utter_csat_thank_you_satisfied",
    "utter_csat_thank_you_unsatisfied",
    "utter_float_slot_rejection",
    "utter_flow_cancelled_rasa",
    "utter_free_chitchat_response",
    "utter_human_handoff_not_available",
    "utter_inform_code_change",
    "utter_inform_hangup",
    "utter_internal_error_rasa",
    "utter_no_knowledge_base",
    "utter_no_relevant_answer_found",
    "utter_skip_question_answer",
    "utter_user_input_empty_error_rasa",
    "utter_user_input_too_long_error_rasa",
)


def test_every_default_pattern_response_of_rasa_is_merged_in() -> None:
    responses = builtin_domain().responses
    missing = [name for name in RASA_321_DEFAULT_RESPONSES if name not in responses]
    assert missing == []


def test_every_response_the_default_patterns_use_exists() -> None:
    responses = builtin_domain().responses
    used = {
        step.action
        for flow in builtin_flows().values()
        for step in flow.steps
        if getattr(step, "action", "").startswith("utter_")
    }
    assert used - set(responses) == set()


def test_a_flow_may_say_goodbye_with_the_hangup_response() -> None:
    flows = """
    flows:
      say_bye:
        description: say goodbye and hang up
        steps:
          - action: utter_done
          - action: utter_inform_hangup
    """
    assert [c for c in codes(build(flows=flows)) if c.startswith("CT3")] == []


def test_user_silence_hangs_up_with_the_hangup_response() -> None:
    silence = builtin_flows()["pattern_user_silence"]
    actions = [getattr(s, "action", None) for s in silence.steps]
    assert actions.index("utter_inform_hangup") < actions.index("action_hangup")
    assert "consecutive_silence_timeouts" in silence.persisted_slots


FORM_DOMAIN = """
slots:
  city:
    type: text
responses:
  utter_ask_city:
    - text: which city?
forms:
  booking_form:
    required_slots: [city]
"""


def test_form_names_are_action_names() -> None:
    flows = """
    flows:
      book:
        description: book
        steps:
          - collect: city
          - action: booking_form
    """
    project = build(domain=FORM_DOMAIN, flows=flows)
    assert ProjectIndex(project).is_known_action("booking_form")
    assert "CT335" not in codes(project)


# -- extra keys in rejections ---------------------------------------------------------------------
REJECTION_DOMAIN = """
slots:
  start_day:
    type: float
  end_day:
    type: float
responses:
  utter_ask_start_day:
    - text: start?
  utter_ask_end_day:
    - text: end?
  utter_end_before_start:
    - text: the end is before the start
"""

FLOW_WITH_ROUTING_REJECTION = """
flows:
  plan:
    description: plan a period
    steps:
      - id: ask_start
        collect: start_day
      - collect: end_day
        rejections:
          - if: slots.end_day < slots.start_day
            utter: utter_end_before_start
            then: ask_start
"""


def _load(domain: str, flows: str) -> list[Diagnostic]:
    domain_file = parse_yaml(dedent(domain), "domain.yml")
    flow_file = parse_yaml(dedent(flows), "data/flows.yml")
    return [*load_domain([domain_file])[1], *load_flow_file(flow_file).diagnostics]


def test_an_extra_key_in_a_flow_rejection_is_a_warning_and_the_rejection_is_kept() -> None:
    found = _load(REJECTION_DOMAIN, FLOW_WITH_ROUTING_REJECTION)
    assert [(d.code, d.severity, d.span.line if d.span else 0) for d in found] == [
        ("CT350", "warning", 12)  # the `then:` key
    ]
    assert "'then'" in found[0].message
    assert "ignored, as Rasa does" in found[0].message
    loaded = load_flow_file(parse_yaml(dedent(FLOW_WITH_ROUTING_REJECTION), "data/flows.yml"))
    [step] = [s for s in loaded.flows[0].collect_steps() if s.collect == "end_day"]
    assert [r.utter for r in step.rejections] == ["utter_end_before_start"]


def test_an_extra_key_in_a_domain_validation_rejection_stays_an_error() -> None:
    domain = REJECTION_DOMAIN.replace(
        "    type: float\nresponses:",
        "    type: float\n    validation:\n      rejections:\n"
        "        - if: slots.end_day < 0\n          utter: utter_end_before_start\n"
        "          then: ask_start\nresponses:",
    )
    found = [d for d in _load(domain, "flows: {}\n") if d.is_error]
    assert [(d.code, d.severity) for d in found] == [("CT301", "error")]
