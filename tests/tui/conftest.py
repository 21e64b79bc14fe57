"""A small money-transfer project written fresh for each test, and helpers to drive the app.

The project is ours (not a template) so that snapshots and assertions only change when the TUI
does. Understanding is scripted (`ScriptedGenerator`) and the clock frozen, so every figure on
screen is deterministic.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from calmtui.actions.protocol import ActionOutcome, ActionRequest, ActionRunner
from calmtui.app.conversation import Assistant
from calmtui.core.model.project import Project
from calmtui.core.validate import check
from calmtui.store.base import Store
from calmtui.tui.app import CalmApp
from calmtui.tui.config import ShellConfig
from calmtui.understanding.base import CommandGenerator
from calmtui.understanding.scripted import ScriptedGenerator

CONFIG = """\
recipe: default.v1
language: en
assistant_id: tui_test_bank
pipeline:
  - name: CompactLLMCommandGenerator
policies:
  - name: FlowPolicy
"""
DOMAIN = """\
slots:
  recipient:
    type: text
  amount:
    type: float
  confirm:
    type: bool
  transfer_ok:
    type: bool
    mappings:
      - type: controlled
actions:
  - action_do_transfer
responses:
  utter_greet:
    - text: "Hello! I can send money."
  utter_ask_recipient:
    - text: "Who should get the money?"
  utter_ask_amount:
    - text: "How much should {recipient} get?"
  utter_ask_confirm:
    - text: "Send {amount} to {recipient}?"
      buttons:
        - title: "Yes"
          payload: "/SetSlots(confirm=true)"
        - title: "No"
          payload: "/SetSlots(confirm=false)"
  utter_done:
    - text: "Sent {amount} to {recipient}."
  utter_cancelled:
    - text: "Okay, nothing was sent."
  utter_balance:
    - text: "You have 100 left."
"""
FLOWS = """\
flows:
  transfer_money:
    name: Transfer money
    description: Send money to someone.
    steps:
      - collect: recipient
      - collect: amount
      - collect: confirm
        next:
          - if: slots.confirm
            then:
              - action: action_do_transfer
              - action: utter_done
                next: END
          - else:
              - action: utter_cancelled
                next: END
  check_balance:
    description: Tell the user their balance.
    steps:
      - action: utter_balance
"""
PATTERNS = """\
flows:
  pattern_session_start:
    description: Greets the user.
    steps:
      - action: utter_greet
"""

FIXED_ID = "test-conversation"


def write_project(root: Path, files: dict[str, str | None] | None = None) -> Path:
    contents: dict[str, str | None] = {
        "config.yml": CONFIG,
        "domain.yml": DOMAIN,
        "data/flows.yml": FLOWS,
        "data/patterns.yml": PATTERNS,
        **(files or {}),
    }
    for rel, text in contents.items():
        if text is not None:
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return root


def load(root: Path) -> Project:
    report = check(root)
    problems = [d.headline() for d in report.diagnostics]
    assert report.project is not None, problems
    assert report.is_valid(), problems
    return report.project


class FakeActions:
    """A custom-action runner for tests: `action_do_transfer` sets transfer_ok, or fails."""

    kind = "fake"

    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[str] = []

    async def run(self, request: ActionRequest) -> ActionOutcome:
        self.calls.append(request.name)
        if self.fail:
            return ActionOutcome(
                error="the bank is closed",
                detail="Traceback...\nConnectionError: the bank is closed",
            )
        return ActionOutcome(events=[{"event": "slot", "name": "transfer_ok", "value": True}])


def assistant(generator: CommandGenerator, runner: ActionRunner | None = None) -> Assistant:
    actions = runner or FakeActions()
    return Assistant(
        make_generator=lambda project: generator,
        make_action_runner=lambda project: actions,
        clock=lambda: 0.0,
    )


def make_app(
    root: Path,
    script: Iterable[str] = (),
    *,
    inspector: bool = True,
    store: Store | None = None,
    runner: ActionRunner | None = None,
    generator: CommandGenerator | None = None,
    watch: bool = False,
    debug: bool = False,
    conversation_id: str | None = FIXED_ID,
) -> CalmApp:
    config = ShellConfig(
        project=load(root),
        assistant=assistant(generator or ScriptedGenerator(script), runner),
        store=store,
        conversation_id=conversation_id,
        inspector=inspector,
        debug=debug,
        watch=watch,
        debounce_ms=20,
        now=lambda: "2026-01-02 03:04",
        screenshot_dir=str(root),
    )
    return CalmApp(config)


async def wait_for(predicate: Callable[[], bool], *, timeout: float = 5.0) -> None:
    """Let the app run until `predicate()` holds (workers and messages are asynchronous)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the app")
        await asyncio.sleep(0.01)


def idle(app: CalmApp) -> Callable[[], bool]:
    """True once the conversation is open and no message waits for an answer."""
    from calmtui.tui.screens.chat import ChatScreen
    from calmtui.tui.screens.inspector import InspectorScreen

    def check() -> bool:
        screen = app.screen
        return (
            isinstance(screen, ChatScreen)
            and screen.ready
            and not screen.controller.busy
            and len(screen.chat_log.entries) == len(app.conversation.results)
            and (not isinstance(screen, InspectorScreen) or screen.deck.ready.is_set())
        )

    return check


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_project(tmp_path / "bank")


TRANSFER_SCRIPT = ["start flow transfer_money", "set slot recipient Anna", "set slot amount 50"]
