"""Coexistence projects: stories, rules and forms use responses, actions and slots.

Regression: `calmtui validate` said "never used" (CT240-CT242) for everything only the
NLU-based half of a coexistence project uses, and for the router's `route_session_to_calm`.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from calmtui.core.loading.nlu_data_loader import read_nlu_data
from calmtui.core.loading.project_loader import load_project
from calmtui.core.source import parse_yaml
from calmtui.core.validate import validate_project

STORIES = dedent(
    """\
    version: "3.1"
    stories:
      - story: card
        steps:
          - intent: request_card
          - action: card_form
          - active_loop: card_form
          - slot_was_set:
              - requested_slot: null
              - card_colour
          - action: utter_card_ready
    rules:
      - rule: goodbye
        condition:
          - slot_was_set:
              - is_member: true
        steps:
          - intent: goodbye
          - or:
              - action: utter_goodbye
              - action: action_log_goodbye
          - action: action_reset_routing
    """
)


def test_reads_actions_and_slots_of_stories_and_rules() -> None:
    data = read_nlu_data([parse_yaml(STORIES, "data/stories.yml")])
    assert data.actions == {
        "card_form",
        "utter_card_ready",
        "utter_goodbye",
        "action_log_goodbye",
        "action_reset_routing",
    }
    assert data.slots == {"requested_slot", "card_colour", "is_member"}
    assert data.files == ("data/stories.yml",)


def test_odd_shapes_are_skipped_without_errors() -> None:
    text = "stories: 3\nrules:\n  - steps: nope\n  - 7\n  - steps: [{action: 5}, x]\n"
    data = read_nlu_data([parse_yaml(text, "data/rules.yml")])
    assert data.actions == frozenset()


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text))


def test_names_used_by_stories_rules_and_forms_are_not_reported_unused(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "config.yml": """\
                recipe: default.v1
                assistant_id: coexisting
                pipeline:
                  - name: WhitespaceTokenizer
                  - name: IntentBasedRouter
                    nlu_entry: {sticky: [request_card], non_sticky: []}
                    calm_entry: {sticky: [check_hours]}
                  - name: CompactLLMCommandGenerator
                policies:
                  - name: FlowPolicy
                  - name: RulePolicy
                """,
            "domain.yml": """\
                intents: [request_card, goodbye]
                entities: [colour]
                slots:
                  route_session_to_calm:
                    type: bool
                    influence_conversation: false
                  card_colour:
                    type: text
                    mappings:
                      - type: from_entity
                        entity: colour
                  is_member:
                    type: bool
                    mappings:
                      - type: controlled
                forms:
                  card_form:
                    required_slots:
                      - card_colour
                responses:
                  utter_ask_card_colour:
                    - text: Which colour?
                  utter_card_ready:
                    - text: Done.
                  utter_goodbye:
                    - text: Bye.
                  utter_hours:
                    - text: 9 to 5.
                actions:
                  - action_log_goodbye
                  - validate_card_form
                """,
            "data/stories.yml": STORIES,
            "data/flows.yml": """\
                flows:
                  check_hours:
                    description: Opening hours.
                    steps:
                      - action: utter_hours
                """,
        },
    )
    loaded = load_project(tmp_path, environ={})
    assert loaded.project is not None
    found = [*loaded.diagnostics, *validate_project(loaded.project)]
    assert not [d for d in found if d.code in ("CT240", "CT241", "CT242")], [
        d.headline() for d in found
    ]
    assert loaded.project.domain.form_slots == {"card_form": ("card_colour",)}
