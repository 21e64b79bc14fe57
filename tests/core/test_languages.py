"""Languages (docs/languages.md): codes, the configuration, the built-in `language` slot,
translated responses, buttons and flow names, the session-start metadata, and bad input."""

from __future__ import annotations

from textwrap import dedent
from typing import Any

import pytest

from calmtui.core.commands import CancelFlow, Clarify, SetSlot, StartFlow
from calmtui.core.dialogue.outcome import ActionResult, ActionSlotSet
from calmtui.core.dialogue.state import DialogueState
from calmtui.core.engine import Engine, TurnOutcome
from calmtui.core.events import BotUttered, CommandIgnored, EngineNote, FlowStarted, SlotSet
from calmtui.core.languages import (
    check_code,
    configured_languages,
    conversation_language,
    describe_language,
    language_name,
    matching_language,
)
from calmtui.core.loading.config_loader import load_config
from calmtui.core.loading.domain_loader import load_domain
from calmtui.core.loading.flow_loader import load_flow_file
from calmtui.core.model.project import Project
from calmtui.core.source import parse_yaml
from tests.core.project_builder import build, codes, diagnostics
from tests.core.test_engine_projects import run_turn

CONFIG = """
language: en
additional_languages: [de]
"""

DOMAIN = """
slots:
  amount:
    type: float
  confirm:
    type: bool
responses:
  utter_ask_amount:
    - text: "How much, {amount}?"
      translation:
        de: "Wie viel, {amount}?"
  utter_ask_confirm:
    - text: "Send it?"
      translation:
        de: "Senden?"
      buttons:
        - title: "Yes"
          payload: "/SetSlots(confirm=true)"
          translation:
            de: {title: "Ja"}
        - title: "No"
          payload: "/SetSlots(confirm=false)"
  utter_done:
    - text: "Done."
  utter_flow_cancelled_rasa:
    - text: "Okay, stopping {{ context.canceled_name }}."
      metadata: {template: jinja}
      translation:
        de: "Okay, ich breche {{ context.canceled_name }} ab."
actions:
  - action_pick_language
"""

FLOWS = """
flows:
  transfer:
    name: send money
    description: Send money.
    translation:
      de: {name: Geld senden}
    steps:
      - collect: amount
      - collect: confirm
      - action: utter_done
  balance:
    description: Check the balance.
    steps:
      - action: utter_done
  to_german:
    description: Speak German.
    persisted_slots: [language]
    steps:
      - set_slots:
          - language: de
  to_klingon:
    description: Speak Klingon.
    persisted_slots: [language]
    steps:
      - set_slots:
          - language: tlh
"""


def project(config: str = CONFIG, domain: str = DOMAIN, flows: str = FLOWS) -> Project:
    return build(domain=domain, flows=flows, config=config)


def bots(outcome: TurnOutcome) -> list[BotUttered]:
    return [e for e in outcome.events if isinstance(e, BotUttered)]


def notes(outcome: TurnOutcome, code: str) -> list[str]:
    return [e.message for e in outcome.events if isinstance(e, EngineNote) and e.code == code]


def german(engine: Engine) -> DialogueState:
    state = engine.new_state()
    return DialogueState(slots={**state.slots, "language": "de"})


# -- codes ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "suggestion"),
    [
        ("de", None),
        ("pt-BR", None),
        ("zh-Hant", None),
        ("es-419", None),
        ("x-en-formal", None),
    ],
)
def test_codes_rasa_accepts(code: str, suggestion: str | None) -> None:
    assert check_code(code) is None


@pytest.mark.parametrize(
    ("code", "suggestion"),
    [
        ("DE", "de"),
        ("en_US", "en-US"),
        ("pt-br", "pt-BR"),
        ("German", "de"),
        ("Deutsch", "de"),
        ("xx", None),
        ("x-en", None),
        ("x-qq-formal", None),
        ("", None),
    ],
)
def test_codes_rasa_refuses_with_the_likely_spelling(code: str, suggestion: str | None) -> None:
    problem = check_code(code)
    assert problem is not None
    assert problem.suggestion == suggestion


@pytest.mark.parametrize(
    ("code", "name", "status"),
    [
        ("de", "German", "de · Deutsch"),
        ("pt-BR", "Portuguese (BR)", "pt-BR · português"),
        ("x-en-formal", "English (formal)", "x-en-formal · English"),
        ("qqq", "qqq", "qqq"),
    ],
)
def test_language_names(code: str, name: str, status: str) -> None:
    assert language_name(code) == name
    assert describe_language(code) == status


def test_slot_values_are_the_additional_languages_then_the_default() -> None:
    assert configured_languages("en", ["de", "fr", "de"]) == ("de", "fr", "en")


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ({}, "en"),
        ({"language": "de"}, "de"),
        ({"language": None}, "en"),
        ({"language": "fr"}, "en"),
    ],
)
def test_conversation_language(slots: dict[str, Any], expected: str) -> None:
    assert conversation_language(slots, "en", ("de", "en")) == expected


def test_matching_language_ignores_case() -> None:
    assert matching_language("DE", ("de", "en")) == "de"
    assert matching_language("fr", ("de", "en")) is None
    assert matching_language(3, ("de", "en")) is None


# -- config and domain ------------------------------------------------------------------------------
def config_codes(text: str) -> list[str]:
    _, found = load_config(parse_yaml(dedent(text), "config.yml"), {})
    return [d.code for d in found if d.code.startswith("CT7")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("language: en\nadditional_languages: [de, fr]\n", []),
        ("language: english\n", ["CT700"]),
        ("language: en\nadditional_languages: [de_DE]\n", ["CT700"]),
        ("language: en\nadditional_languages: [en, de]\n", ["CT701"]),
        ("language: en\nadditional_languages: [de, de]\n", ["CT702"]),
    ],
)
def test_config_language_checks(text: str, expected: list[str]) -> None:
    assert config_codes(text) == expected


def test_config_reads_the_languages() -> None:
    config, _ = load_config(parse_yaml(CONFIG, "config.yml"), {})
    assert (config.language, config.additional_languages, config.languages) == (
        "en",
        ("de",),
        ("de", "en"),
    )
    assert config.is_multilingual


def test_the_builtin_language_slot_mirrors_rasa() -> None:
    slot = project().domain.slots["language"]
    assert (slot.type, slot.values, slot.initial_value, slot.mappings) == (
        "categorical",
        ("de", "en"),
        "en",
        (),
    )
    assert slot.builtin
    assert slot.strict


def test_a_project_language_slot_is_an_error_and_the_builtin_one_wins(tmp_path: Any) -> None:
    from calmtui.core.loading.project_loader import load_project

    (tmp_path / "config.yml").write_text(CONFIG)
    (tmp_path / "domain.yml").write_text("slots:\n  language:\n    type: text\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(FLOWS.replace("utter_done", "action_listen"))
    result = load_project(tmp_path)
    found = [d for d in result.diagnostics if d.code == "CT703"]
    assert [(d.severity, d.span.line if d.span else 0) for d in found] == [("error", 2)]
    assert result.project is not None
    assert result.project.domain.slots["language"].builtin


WRONG_SHAPES = [
    (
        "domain",
        'responses:\n  utter_x:\n    - text: "Hi"\n      translation:\n        de: [Hallo]\n',
    ),
    (
        "domain",
        'responses:\n  utter_x:\n    - text: "Hi"\n      translation:\n        de: {txt: Hallo}\n',
    ),
    (
        "domain",
        'responses:\n  utter_x:\n    - text: "Hi"\n      buttons:\n        - title: A\n'
        "          payload: /a\n          translation:\n            de: Ja\n",
    ),
    ("flows", "flows:\n  f:\n    description: d\n    translation:\n      de: Geld\n"),
]


@pytest.mark.parametrize(("kind", "text"), WRONG_SHAPES)
def test_a_translation_of_the_wrong_shape_is_an_error_and_dropped(kind: str, text: str) -> None:
    if kind == "domain":
        domain, found = load_domain([parse_yaml(text, "domain.yml")])
        variation = domain.responses["utter_x"].variations[0]
        assert variation.translation == {}
        assert all(not b.translation for b in variation.buttons)
    else:
        loaded = load_flow_file(parse_yaml(text + "    steps:\n      - action: utter_x\n", "f.yml"))
        found = loaded.diagnostics
        assert loaded.flows[0].translation == {}
    assert [(d.code, d.severity) for d in found if d.code == "CT705"] == [("CT705", "error")]


MAPPING_SHAPE = """
responses:
  utter_ask:
    - text: "Ready?"
      buttons:
        - title: "Yes"
          payload: /SetSlots(ok=true)
        - title: "No"
          payload: /SetSlots(ok=false)
          translation:
            de: {title: "Nein danke"}
      translation:
        de:
          text: "Bereit?"
          buttons:
            - title: "Ja"
              payload: /SetSlots(ok=true)
            - title: "Nein"
"""


def test_a_variation_translation_may_be_a_mapping_with_text_and_buttons() -> None:
    """Rasa's shape is `de: "text"`; calmtui also reads `de: {text, buttons}` (the shape the
    issue first specified): the buttons translate by position, a button's own translation wins."""
    from calmtui.core.nlg.rendering import render_variation

    domain, found = load_domain([parse_yaml(MAPPING_SHAPE, "domain.yml")])
    assert not [d for d in found if d.code == "CT705"]
    variation = domain.responses["utter_ask"].variations[0]
    assert variation.translation == {"de": "Bereit?"}
    rendered = render_variation(variation, name="utter_ask", slots={}, context={}, language="de")
    assert rendered.text == "Bereit?"
    assert [(b.title, b.payload) for b in rendered.buttons] == [
        ("Ja", "/SetSlots(ok=true)"),
        ("Nein danke", "/SetSlots(ok=false)"),
    ]
    english = render_variation(variation, name="utter_ask", slots={}, context={}, language="en")
    assert [b.title for b in english.buttons] == ["Yes", "No"]


def test_more_translated_buttons_than_buttons_is_an_error() -> None:
    text = MAPPING_SHAPE + "            - title: Vielleicht\n"
    _, found = load_domain([parse_yaml(text, "domain.yml")])
    assert [(d.code, d.severity) for d in found if d.code == "CT705"] == [("CT705", "error")]


# -- validate ---------------------------------------------------------------------------------------
def test_missing_translations_are_one_warning_per_kind_and_language() -> None:
    found = diagnostics(project(config="language: en\nadditional_languages: [de, fr]\n"))
    by_code = {(d.code, d.message.split(":")[0]) for d in found if d.code in ("CT706", "CT707")}
    assert by_code == {
        ("CT706", "1 response has no 'de' translation"),
        ("CT706", "4 responses have no 'fr' translation"),
        ("CT707", "3 flows have no 'de' name"),
        ("CT707", "4 flows have no 'fr' name"),
    }
    fr = next(d for d in found if d.code == "CT706" and "'fr'" in d.message)
    assert fr.severity == "warning"
    assert fr.span is not None
    assert len(fr.related) == 3  # every response is placed


def test_rephrased_responses_need_no_translation() -> None:
    everything = "nlg:\n  type: rephrase\n  rephrase_all: true\n"
    built = build(domain=DOMAIN, flows=FLOWS, config=CONFIG, endpoints=everything)
    assert "CT706" not in codes(built)


def test_a_translation_for_an_unconfigured_language_is_a_warning() -> None:
    domain = DOMAIN.replace('de: "Senden?"', 'de: "Senden?"\n        German: "Senden!"')
    found = [d for d in diagnostics(project(domain=domain)) if d.code == "CT704"]
    assert len(found) == 1
    assert found[0].hint == "did you mean 'de'?"
    assert found[0].span is not None


def test_examples_per_language_are_checked() -> None:
    flows = FLOWS.replace(
        "    description: Check the balance.\n",
        "    description: Check the balance.\n    metadata:\n      examples:\n"
        "        de: [Kontostand]\n        fr: [solde]\n        en: balance\n",
    )
    found = [(d.code, d.severity) for d in diagnostics(project(flows=flows), "CT704", "CT705")]
    assert sorted(found) == [("CT704", "warning"), ("CT705", "error")]


# -- the engine -------------------------------------------------------------------------------------
def test_the_default_language_says_the_original_text() -> None:
    engine = Engine(project())
    outcome = run_turn(engine, engine.new_state(), [StartFlow(flow="transfer")])
    assert [b.text for b in bots(outcome)] == ["How much, None?"]
    assert "language" not in bots(outcome)[0].metadata


def test_german_says_the_translation_filled_in() -> None:
    engine = Engine(project())
    state = german(engine)
    outcome = run_turn(engine, state, [StartFlow(flow="transfer")])
    outcome = run_turn(engine, outcome.state, [SetSlot(name="amount", value="5")])
    said = bots(outcome)[-1]
    assert said.text == "Senden?"
    assert [b["title"] for b in said.buttons] == ["Ja", "No"]
    assert said.buttons[0]["payload"] == "/SetSlots(confirm=true)"
    assert said.metadata["language"] == "de"


def test_a_missing_translation_is_said_in_the_default_language_with_a_note() -> None:
    engine = Engine(project())
    outcome = run_turn(engine, german(engine), [StartFlow(flow="balance")])
    done = next(b for b in bots(outcome) if b.utter_action == "utter_done")
    assert done.text == "Done."
    assert done.metadata["language"] == "en"
    assert any(
        "utter_done has no 'de' translation" in n for n in notes(outcome, "translation_missing")
    )


def test_flow_names_in_the_conversation_language() -> None:
    engine = Engine(project())
    outcome = run_turn(engine, german(engine), [Clarify(options=("transfer", "balance"))])
    started = [e for e in outcome.events if isinstance(e, FlowStarted)]
    assert started[0].metadata["names"] == ["Geld senden", "balance"]
    assert "Geld senden or balance" in bots(outcome)[-1].text
    started = run_turn(engine, german(engine), [StartFlow(flow="transfer")])
    cancelled = run_turn(engine, started.state, [CancelFlow()])
    assert "Okay, ich breche Geld senden ab." in [b.text for b in bots(cancelled)]
    english = run_turn(engine, engine.new_state(), [StartFlow(flow="transfer")])
    cancelled = run_turn(engine, english.state, [CancelFlow()])
    assert "Okay, stopping send money." in [b.text for b in bots(cancelled)]


def start(engine: Engine, metadata: dict[str, Any]) -> TurnOutcome:
    machine = engine.start_session(engine.new_state(), metadata)
    while machine.advance() is not None:  # pragma: no cover - no custom actions at start
        raise AssertionError
    return machine.finish()


def test_session_start_metadata_sets_the_language() -> None:
    outcome = start(Engine(project()), {"language": "DE", "channel": "web"})
    assert outcome.state.slots["language"] == "de"
    assert outcome.state.slots["session_started_metadata"] == {"language": "DE", "channel": "web"}


def test_an_unconfigured_metadata_language_keeps_the_default_with_a_note() -> None:
    outcome = start(Engine(project()), {"language": "fr"})
    assert outcome.state.slots["language"] == "en"
    assert notes(outcome, "language_not_configured") == [
        "the session start metadata asks for language 'fr', which config.yml does not "
        "configure (de, en): the conversation is in 'en' (CT708)"
    ]


def test_a_set_slots_step_switches_the_language_and_refuses_an_unknown_one() -> None:
    engine = Engine(project())
    outcome = run_turn(engine, engine.new_state(), [StartFlow(flow="to_german")])
    assert outcome.state.slots["language"] == "de"
    outcome = run_turn(engine, outcome.state, [StartFlow(flow="to_klingon")])
    assert outcome.state.slots["language"] == "de"
    assert any("(CT709)" in n for n in notes(outcome, "slot_value_refused"))


def test_a_custom_action_sets_the_language_or_is_refused() -> None:
    engine = Engine(
        project(
            flows=FLOWS + "  pick:\n    description: p\n    steps:\n"
            "      - action: action_pick_language\n"
        )
    )

    def answer(value: str) -> Any:
        return lambda pending: ActionResult(events=(ActionSlotSet(name="language", value=value),))

    first = run_turn(engine, engine.new_state(), [StartFlow(flow="pick")], outcomes=answer("de"))
    assert first.state.slots["language"] == "de"
    second = run_turn(engine, first.state, [StartFlow(flow="pick")], outcomes=answer("xx"))
    assert second.state.slots["language"] == "de"
    assert notes(second, "slot_value_refused")


def test_a_button_payload_may_switch_the_language() -> None:
    engine = Engine(project())
    payload = SetSlot(name="language", value="de", extractor="CommandPayloadReader")
    outcome = run_turn(engine, engine.new_state(), [payload])
    assert outcome.state.slots["language"] == "de"
    back = SetSlot(name="language", value="en", extractor="CommandPayloadReader")
    assert run_turn(engine, outcome.state, [back]).state.slots["language"] == "en"
    refused = run_turn(
        engine,
        engine.new_state(),
        [SetSlot(name="language", value="xx", extractor="CommandPayloadReader")],
    )
    ignored = [e for e in refused.events if isinstance(e, CommandIgnored)]
    assert [e.reason for e in ignored] == ["CT709"]
    assert refused.state.slots["language"] == "en"


def test_understanding_cannot_switch_the_language() -> None:
    engine = Engine(project())
    outcome = run_turn(engine, engine.new_state(), [SetSlot(name="language", value="de")])
    assert outcome.state.slots["language"] == "en"
    assert any(isinstance(e, CommandIgnored) and e.reason == "CT402" for e in outcome.events)


def test_language_events_are_recorded() -> None:
    outcome = start(Engine(project()), {"language": "de"})
    assert SlotSet(name="language", value="de") in outcome.events
