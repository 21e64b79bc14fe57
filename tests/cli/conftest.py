"""A small valid banking project, written fresh for each CLI test that needs one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.project_files import write_files

CONFIG = """\
recipe: default.v1
language: en
assistant_id: cli_test_bank
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
"""
FLOWS = """\
flows:
  transfer_money:
    description: Send money to someone.
    steps:
      - collect: recipient
      - collect: amount
      - action: utter_done
"""


def write_project(root: Path, files: dict[str, str | None] | None = None) -> Path:
    """The valid project; `files` replaces (or, with None, leaves out) files by relative path."""
    defaults = {
        "config.yml": CONFIG,
        "endpoints.yml": ENDPOINTS,
        "domain.yml": DOMAIN,
        "data/flows.yml": FLOWS,
    }
    return write_files(root, defaults, files)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "bank")


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
