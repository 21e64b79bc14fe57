"""The banking template's actions: in-process by default, and the same events from a rasa_sdk server.

The module uses calmtui's native API only; served by a real rasa_sdk `ActionExecutor`, the
decorator's rasa_sdk classes make the very same functions available over HTTP.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from calmtui.actions.factory import close_action_runner, make_action_runner
from calmtui.actions.http import HttpRunner
from calmtui.actions.inprocess import InProcessRunner
from calmtui.actions.protocol import ActionRunner
from calmtui.core.model.project import Project
from calmtui.session import Session, TurnResult
from calmtui.understanding.scripted import ScriptedGenerator
from tests.actions.conftest import ActionServer, load
from tests.actions.conversation import event_trace, texts

pytestmark = pytest.mark.anyio

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "banking"

SCRIPT = [
    ("what is my balance?", "start flow check_balance"),
    ("send 50 to Anna", "start flow transfer_money\nset slot recipient Anna\nset slot amount 50"),
    ("yes", "set slot transfer_confirmation true"),
    (
        "now send 5000 to Bob",
        "start flow transfer_money\nset slot recipient Bob\nset slot amount 5000",
    ),
    ("yes", "set slot transfer_confirmation true"),
]


@pytest.fixture
def banking(tmp_path: Path) -> Path:
    return Path(
        shutil.copytree(
            TEMPLATE, tmp_path / "banking", ignore=shutil.ignore_patterns("__pycache__")
        )
    )


async def conversation(project: Project, runner: ActionRunner) -> list[TurnResult]:
    session = Session(
        project,
        generator=ScriptedGenerator([dsl for _, dsl in SCRIPT]),
        action_runner=runner,
        sender_id="parity",
    )
    results = [await session.start()]
    results += [await session.turn(text) for text, _ in SCRIPT]
    return results


async def test_banking_actions_run_in_process_by_default(banking: Path) -> None:
    project = load(banking)
    runner = make_action_runner(project)
    assert isinstance(runner, InProcessRunner)
    results = await conversation(project, runner)
    assert texts(results[1])[0] == "Your current balance is 2500.75."
    assert texts(results[3])[:2] == [
        "Done! I sent 50.0 to Anna.",
        "Your current balance is 2450.75.",
    ]
    assert str(texts(results[5])[0]).startswith("Sorry, I couldn't send 5000.0 to Bob")
    calls = [(c.name, c.runner, c.error) for r in results for c in r.action_calls]
    assert calls == [
        ("action_check_balance", "inprocess", None),
        ("action_execute_transfer", "inprocess", None),
        ("action_check_balance", "inprocess", None),
        ("action_execute_transfer", "inprocess", None),
    ]


async def test_banking_actions_give_the_same_events_from_a_rasa_sdk_server(
    banking: Path, start_action_server: Callable[..., ActionServer]
) -> None:
    project = load(banking)
    in_process = await conversation(project, make_action_runner(project))
    server = start_action_server(banking)
    http = HttpRunner(server.url, project=project)
    over_http = await conversation(project, http)
    await close_action_runner(http)
    assert [c.runner for r in over_http for c in r.action_calls] == ["http"] * 4
    assert all(c.error is None for r in over_http for c in r.action_calls)
    assert event_trace(over_http) == event_trace(in_process)
    assert [r.state.slots for r in over_http] == [r.state.slots for r in in_process]
