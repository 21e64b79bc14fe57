"""Fixtures for the custom-action tests: small projects on disk and a real rasa_sdk action server.

`start_action_server(root)` runs rasa_sdk exactly as DEPENDENCIES.md describes (an
`ActionExecutor` with `register_package`, `create_app(...).run(host="127.0.0.1", ...,
single_process=True)`) in a subprocess on a free loopback port, waits until `/health` answers,
and is always stopped at the end of the test (or module) that started it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from calmtui.core.loading.project_loader import load_project
from calmtui.core.model.project import Project

CONFIG = """\
recipe: default.v1
language: en
assistant_id: actions_test_bank
pipeline: []
policies:
  - name: FlowPolicy
"""

DOMAIN = """\
version: "3.1"
slots:
  balance:
    type: float
    mappings:
      - type: controlled
  approved:
    type: bool
    mappings:
      - type: controlled
  note:
    type: text
    mappings:
      - type: controlled
  amount:
    type: float
actions:
  - action_set_balance
  - action_greet
  - action_with_buttons
  - action_boom
  - action_slow
  - action_reset
  - action_bad_return
  - validate_amount
responses:
  utter_balance:
    - text: "Your balance is {balance}."
  utter_hello:
    - text: "Hello {who}!"
  utter_ask_amount:
    - text: "How much?"
  utter_amount_ok:
    - text: "Amount {amount} accepted."
  utter_chat:
    - text: "Happy to chat."
"""

FLOWS = """\
flows:
  check_balance:
    description: check the balance
    steps:
      - action: action_set_balance
      - action: utter_balance
  greet:
    description: say hello
    steps:
      - action: action_greet
  choose:
    description: offer buttons
    steps:
      - action: action_with_buttons
  explode:
    description: an action that raises
    steps:
      - action: action_boom
      - action: utter_balance
  slow:
    description: an action that takes long
    steps:
      - action: action_slow
  reset:
    description: reset every slot
    steps:
      - action: action_reset
  bad_return:
    description: an action returning junk
    steps:
      - action: action_bad_return
  chat:
    description: just talk
    steps:
      - action: utter_chat
  pay:
    description: pay an amount
    steps:
      - collect: amount
      - action: utter_amount_ok
"""

NATIVE_ACTIONS = """\
import asyncio

from calmtui.actions.sdk import Dispatcher, Tracker, action


@action("action_set_balance")
def set_balance(tracker: Tracker, dispatcher: Dispatcher):
    return {"balance": 120.5, "approved": True}


@action("action_greet")
def greet(tracker: Tracker, dispatcher: Dispatcher):
    dispatcher.utter_message(response="utter_hello", who=tracker.sender_id)
    dispatcher.utter_message(text=f"You are in {tracker.active_flow}; you said {tracker.latest_message['text']!r}.")


@action("action_with_buttons")
def with_buttons(tracker: Tracker, dispatcher: Dispatcher):
    dispatcher.utter_message(
        text="Pick one",
        buttons=[{"title": "Red", "payload": "/SetSlots(note=red)"}, {"title": "Blue", "payload": "/SetSlots(note=blue)"}],
    )
    return [{"event": "slot", "name": "note", "value": "buttons shown"}]


@action("action_boom")
def boom(tracker: Tracker, dispatcher: Dispatcher):
    raise ValueError("the bank is closed")


@action("action_slow")
async def slow(tracker: Tracker, dispatcher: Dispatcher):
    await asyncio.sleep(2)
    return {"note": "slow done"}


@action("action_reset")
def reset(tracker: Tracker, dispatcher: Dispatcher):
    return [{"event": "reset_slots"}]


@action("action_bad_return")
def bad_return(tracker: Tracker, dispatcher: Dispatcher):
    return 42


@action("validate_amount")
def validate_amount(tracker: Tracker, dispatcher: Dispatcher):
    amount = tracker.get_slot("amount")
    if amount is not None and float(amount) > 100:
        dispatcher.utter_message(text="That is too much.")
        return {"amount": None}
    return []
"""

SDK_ACTIONS = """\
from rasa_sdk import Action
from rasa_sdk.events import AllSlotsReset, SlotSet


class SetBalance(Action):
    def name(self):
        return "action_set_balance"

    def run(self, dispatcher, tracker, domain):
        assert "balance" in domain["slots"], "the domain reaches rasa_sdk actions"
        return [SlotSet("balance", 99.0), SlotSet("approved", True)]


class Greet(Action):
    def name(self):
        return "action_greet"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(response="utter_hello", who=tracker.sender_id)
        dispatcher.utter_message(text=f"latest: {tracker.latest_message['text']}")
        return []


class Boom(Action):
    def name(self):
        return "action_boom"

    def run(self, dispatcher, tracker, domain):
        return {"not": "a list"}["missing"]


class Reset(Action):
    def name(self):
        return "action_reset"

    def run(self, dispatcher, tracker, domain):
        return [AllSlotsReset()]
"""

SERVER_SCRIPT = """\
import sys

root, package, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, root)
from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor

executor = ActionExecutor()
executor.register_package(package)
create_app(executor).run(host="127.0.0.1", port=port, single_process=True, access_log=False)
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def write_project(
    root: Path,
    *,
    actions: str | None = NATIVE_ACTIONS,
    endpoints: str = "action_endpoint:\n  actions_module: actions\n",
    domain: str = DOMAIN,
    flows: str = FLOWS,
) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "config.yml").write_text(CONFIG)
    (root / "domain.yml").write_text(domain)
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "flows.yml").write_text(flows)
    (root / "endpoints.yml").write_text(endpoints)
    if actions is not None:
        (root / "actions").mkdir(exist_ok=True)
        (root / "actions" / "__init__.py").write_text(textwrap.dedent(actions))
    return root


def load(root: Path) -> Project:
    result = load_project(root)
    assert result.project is not None, [d.headline() for d in result.diagnostics]
    errors = [d.headline() for d in result.diagnostics if d.is_error]
    assert not errors, errors
    return result.project


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ActionServer:
    """A rasa_sdk action server subprocess on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def launch_action_server(
    root: Path, log_dir: Path, package: str = "actions", port: int | None = None
) -> ActionServer:
    port = port or free_port()
    log = log_dir / f"action_server_{port}.log"
    script = log_dir / "serve_actions.py"
    script.write_text(SERVER_SCRIPT)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(script), str(root), package, str(port)],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = ActionServer(process=process, port=port, log=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the action server exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as reply:
                if reply.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"the action server did not become ready:\n{log.read_text()}")


@pytest.fixture
def start_action_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., ActionServer]]:
    """Start rasa_sdk servers during a test; all of them are stopped when it ends."""
    started: list[ActionServer] = []
    log_dir = tmp_path_factory.mktemp("action_server_logs")

    def start(root: Path, package: str = "actions", port: int | None = None) -> ActionServer:
        server = launch_action_server(root, log_dir, package, port)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
