"""A small bank project and helpers shared by the test-runner tests.

Test cases here mostly give their commands directly (`commands:`), so they exercise the runner
and the engine without depending on how understanding phrases are matched; where a generator is
needed, `PhraseGenerator` answers from a fixed table.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from calmtui.core.dsl import parse_dsl
from calmtui.core.loading.project_loader import load_project
from calmtui.core.model.project import Project
from calmtui.testing.case_runner import RunEnvironment
from calmtui.testing.environment import build_wiring
from calmtui.testing.loader import Target, TestSuite, load_suite
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace
from tests.project_files import write_files

CONFIG = """\
recipe: default.v1
language: en
assistant_id: testing_bank
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
  confirm:
    type: bool
  balance:
    type: float
    mappings:
      - type: controlled
  done:
    type: bool
    mappings:
      - type: controlled
responses:
  utter_ask_recipient:
    - text: "Who should get the money?"
  utter_ask_amount:
    - text: "How much?"
  utter_ask_confirm:
    - text: "Send {amount} to {recipient}?"
      buttons:
        - title: "Yes"
          payload: "/SetSlots(confirm=true)"
        - title: "No"
          payload: "/SetSlots(confirm=false)"
  utter_invalid_amount:
    - text: "The amount must be positive."
  utter_done:
    - text: "Sent {amount} to {recipient}."
  utter_cancelled:
    - text: "Nothing was sent."
  utter_balance:
    - text: "Your balance is {balance}."
actions:
  - action_transfer
  - action_check_balance
"""
FLOWS = """\
flows:
  transfer_money:
    description: Send money to someone.
    steps:
      - collect: recipient
      - collect: amount
        rejections:
          - if: slots.amount <= 0
            utter: utter_invalid_amount
      - collect: confirm
        next:
          - if: slots.confirm
            then:
              - action: action_transfer
              - set_slots:
                  - done: true
              - action: utter_done
                next: END
          - else:
              - action: utter_cancelled
                next: END
  check_balance:
    description: Tell the user their balance.
    steps:
      - action: action_check_balance
      - action: utter_balance
"""
STUBS = """\
stub_custom_actions:
  action_transfer:
    events: []
    responses: []
  action_check_balance:
    events:
      - event: slot
        name: balance
        value: 100.5
    responses: []
"""


def write_project(root: Path, files: Mapping[str, str | None] | None = None) -> Path:
    """The bank project; `files` adds or replaces files (None leaves a default one out)."""
    defaults = {
        "config.yml": CONFIG,
        "endpoints.yml": ENDPOINTS,
        "domain.yml": DOMAIN,
        "data/flows.yml": FLOWS,
    }
    return write_files(root, defaults, files, dedent=True)


def cases_yaml(cases: str, *, header: str = STUBS) -> str:
    """A test file: the stubs of both custom actions, then `test_cases:` with `cases` below."""
    return header + "\ntest_cases:\n" + textwrap.indent(textwrap.dedent(cases), "  ")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_project(tmp_path / "bank")


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def load(root: Path) -> Project:
    result = load_project(root)
    assert result.project is not None, [d.headline() for d in result.diagnostics]
    assert result.ok, [d.headline() for d in result.diagnostics if d.is_error]
    return result.project


def suite_of(root: Path, *targets: str, **kwargs: object) -> TestSuite:
    project = load(root)
    return load_suite(project, root, [Target(path=root / t) for t in targets], **kwargs)  # type: ignore[arg-type]


class PhraseGenerator:
    """Understanding from a fixed table: message -> DSL lines (unknown messages: cannot handle)."""

    mode = "phrases"

    def __init__(self, table: Mapping[str, str]) -> None:
        self.table = dict(table)
        self.calls = 0

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        self.calls += 1
        commands, _ = parse_dsl(self.table.get(text, "cannot handle"))
        return UnderstandingTrace(
            mode=self.mode, commands=tuple(commands), raw_output=self.table.get(text)
        )


def environment(root: Path, generator: object | None = None, **kwargs: object) -> RunEnvironment:
    project = load(root)
    wiring = build_wiring(project, generator=generator or PhraseGenerator({}), **kwargs)  # type: ignore[arg-type]
    return wiring.env


GeneratorFactory = Callable[[], object]


def calmtui_plugin_args() -> list[str]:
    """`-p calmtui.testing.pytest_plugin` unless the `pytest11` entry point already loads it
    (loading it twice is an error)."""
    from importlib.metadata import entry_points

    installed = any(
        ep.value == "calmtui.testing.pytest_plugin" for ep in entry_points(group="pytest11")
    )
    return [] if installed else ["-p", "calmtui.testing.pytest_plugin"]
