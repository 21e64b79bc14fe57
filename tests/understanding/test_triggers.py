"""`/intent{"entity": "value"}` payloads fill flow slots through their NLU mappings.

Regression: with an NLUCommandAdapter, Rasa sets the slots whose `from_entity` / `from_intent`
mappings match the payload; calmtui started the flow and dropped the entities.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from calmtui.core.commands import SetSlot, StartFlow
from calmtui.core.model.project import Project
from calmtui.understanding.triggers import intent_commands
from tests.understanding.conftest import load

PIPELINE_WITH_ADAPTER = """\
recipe: default.v1
assistant_id: library
pipeline:
  - name: WhitespaceTokenizer
  - name: DIETClassifier
  - name: NLUCommandAdapter
  - name: CompactLLMCommandGenerator
policies:
  - name: FlowPolicy
"""
DOMAIN = """\
intents: [reserve_book, urgent, greet]
entities: [branch, title]
slots:
  branch:
    type: categorical
    values: [central, northside]
    mappings:
      - type: from_entity
        entity: branch
        not_intent: greet
      - type: from_llm
  title:
    type: text
    mappings:
      - type: from_entity
        entity: title
        conditions:
          - active_flow: reserve_book
  express:
    type: bool
    mappings:
      - type: from_intent
        intent: urgent
        value: true
  form_only:
    type: text
    mappings:
      - type: from_entity
        entity: branch
responses:
  utter_ask_branch:
    - text: Which branch?
  utter_ask_title:
    - text: Which book?
  utter_ask_express:
    - text: Express?
  utter_done:
    - text: Done.
"""
FLOWS = """\
flows:
  reserve_book:
    description: Reserve a book.
    nlu_trigger:
      - intent: reserve_book
    steps:
      - collect: title
      - collect: branch
      - collect: express
      - action: utter_done
"""


def make(tmp_path: Path, config: str = PIPELINE_WITH_ADAPTER) -> Project:
    (tmp_path / "config.yml").write_text(config)
    (tmp_path / "domain.yml").write_text(DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(dedent(FLOWS))
    return load(tmp_path)


def test_entities_fill_the_slots_their_mappings_name(tmp_path: Path) -> None:
    found = intent_commands('/reserve_book{"branch": "northside"}', make(tmp_path))
    assert found is not None
    assert found.commands == (
        StartFlow(flow="reserve_book"),
        SetSlot(name="branch", value="northside", extractor="NLU"),
    )
    assert "branch = 'northside' from NLU" in found.note


@pytest.mark.parametrize(
    ("text", "active_flow", "expected"),
    [
        # the mapping's condition names the active flow
        ('/reserve_book{"title": "Dune"}', "reserve_book", [("title", "Dune")]),
        ('/reserve_book{"title": "Dune"}', None, []),
        # from_intent gives the mapping's value; not_intent excludes
        ("/urgent", None, [("express", True)]),
        ('/greet{"branch": "central"}', None, []),
    ],
)
def test_mapping_options_decide(
    tmp_path: Path, text: str, active_flow: str | None, expected: list[tuple[str, object]]
) -> None:
    found = intent_commands(text, make(tmp_path), active_flow=active_flow)
    assert found is not None
    slots = [(c.name, c.value) for c in found.commands if isinstance(c, SetSlot)]
    assert slots == expected


def test_slots_no_flow_collects_and_pipelines_without_the_adapter_get_nothing(
    tmp_path: Path,
) -> None:
    config = PIPELINE_WITH_ADAPTER.replace("  - name: NLUCommandAdapter\n", "")
    found = intent_commands('/reserve_book{"branch": "central"}', make(tmp_path, config))
    assert found is not None
    assert found.commands == (StartFlow(flow="reserve_book"),)
    assert "fill no flow slot" in found.note
