"""A small project for the hostile-input tests, written fresh per test; tests replace files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.project_files import write_files

CONFIG = """\
recipe: default.v1
language: en
assistant_id: hostile_test
pipeline:
  - name: CompactLLMCommandGenerator
    llm:
      model_group: main_llm
policies:
  - name: FlowPolicy
"""
ENDPOINTS = """\
model_groups:
  - id: main_llm
    models:
      - provider: openai
        model: gpt-4o-mini
"""
ENDPOINTS_WITH_ACTIONS = ENDPOINTS + "action_endpoint:\n  actions_module: actions\n"
DOMAIN = """\
slots:
  recipient:
    type: text
  amount:
    type: float
responses:
  utter_ask_recipient:
    - text: "Who should get the money?"
  utter_ask_amount:
    - text: "How much?"
  utter_done:
    - text: "Sent {amount} to {recipient}."
actions:
  - action_check
"""
FLOWS = """\
flows:
  transfer_money:
    description: Send money to someone.
    steps:
      - collect: recipient
      - collect: amount
      - action: utter_done
  check:
    description: Check something with a custom action.
    steps:
      - action: action_check
      - action: utter_done
"""
TESTS = """\
test_cases:
  - test_case: transfer
    steps:
      - user: /SetSlots(recipient=Anna)
      - user: hello
"""
ACTIONS = """\
from calmtui.actions.sdk import action


@action("action_check")
def check(tracker, dispatcher):
    dispatcher.utter_message(text="checked")
    return []
"""

WriteProject = Callable[..., Path]


def write_project(root: Path, files: dict[str, str | None] | None = None) -> Path:
    defaults = {
        "config.yml": CONFIG,
        "endpoints.yml": ENDPOINTS,
        "domain.yml": DOMAIN,
        "data/flows.yml": FLOWS,
        "tests/e2e.yml": TESTS,
    }
    return write_files(root, defaults, files)


@pytest.fixture
def project(tmp_path: Path) -> WriteProject:
    def write(files: dict[str, str | None] | None = None) -> Path:
        return write_project(tmp_path / "bot", files)

    return write
