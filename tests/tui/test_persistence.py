"""Saved conversations and "save as test case": every turn is in the store as it happens, a
conversation resumes where it stopped, and a saved test case passes `calmtui test`."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from textual.pilot import Pilot

from calmtui.app.conversation import assistant_for
from calmtui.core.validate import check
from calmtui.store.sqlite_store import SqliteStore
from calmtui.tui.app import CalmApp
from calmtui.tui.config import ShellConfig
from calmtui.tui.screens.save_test import SaveTestScreen
from calmtui.tui.widgets.chat_log import MessageLine, Notice
from tests.tui.conftest import TRANSFER_SCRIPT, idle, make_app, wait_for

pytestmark = pytest.mark.anyio
REPO = Path(__file__).resolve().parents[2]


async def say(pilot: Pilot[None], text: str) -> None:
    app = pilot.app
    assert isinstance(app, CalmApp)
    await wait_for(idle(app))
    app.screen.query_one("#chat-input").value = text  # type: ignore[attr-defined]
    await pilot.press("enter")
    await pilot.pause()
    await wait_for(idle(app))


async def test_a_conversation_resumes_where_it_stopped(bank: Path, tmp_path: Path) -> None:
    database = tmp_path / "c.db"
    first = make_app(bank, TRANSFER_SCRIPT[:2], store=SqliteStore(database), inspector=False)
    async with first.run_test(size=(100, 30)) as pilot:
        await say(pilot, "send money")
        await say(pilot, "Anna")
    saved = SqliteStore(database).turns("test-conversation")
    assert [t["user_text"] for t in saved] == [None, "send money", "Anna"]

    second = make_app(bank, ["set slot amount 50"], store=SqliteStore(database), inspector=True)
    async with second.run_test(size=(120, 40)) as pilot:
        await wait_for(idle(second))
        assert second.conversation.resumed
        texts = [(m.who, m.text) for m in second.screen.query(MessageLine)]
        assert texts[:3] == [
            ("bot", "Hello! I can send money."),
            ("you", "send money"),
            ("bot", "Who should get the money?"),
        ]
        assert any(
            "resumed conversation test-conversation (2 turns)" in str(n.render())
            for n in second.screen.query(Notice)
        )
        await say(pilot, "50")
        state = second.conversation.session.state
        assert (state.slots["recipient"], state.slots["amount"]) == ("Anna", 50.0)
        await pilot.press("ctrl+z", "ctrl+z")
        await pilot.pause()
        assert [r.user_text for r in second.conversation.results] == [None, "send money"]
        assert second.conversation.session.state.slots["recipient"] is None
    assert [t["user_text"] for t in SqliteStore(database).turns("test-conversation")] == [
        None,
        "send money",
    ]


async def test_a_broken_store_is_a_warning_and_the_conversation_goes_on(bank: Path) -> None:
    store = SqliteStore(":memory:")
    app = make_app(bank, TRANSFER_SCRIPT, store=store, inspector=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_for(idle(app))
        store.close()  # every later write fails
        await say(pilot, "send money")
        await pilot.pause()
        assert [r.user_text for r in app.conversation.results] == [None, "send money"]
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert any(w.startswith("conversation not saved:") for w in warnings)
        assert app.conversation.store is None


@pytest.fixture
def banking(tmp_path: Path) -> Path:
    root = tmp_path / "banking"
    shutil.copytree(
        REPO / "templates" / "banking", root, ignore=shutil.ignore_patterns("template.yml")
    )
    return root


async def test_save_as_test_case_writes_a_test_that_calmtui_test_passes(banking: Path) -> None:
    report = check(banking)
    assert report.project is not None
    assert report.is_valid()
    config = ShellConfig(
        project=report.project,
        assistant=assistant_for("offline"),  # what `calmtui shell` wires
        conversation_id="saved",
        inspector=True,
        watch=False,
        now=lambda: "2026-01-02 03:04",
    )
    app = CalmApp(config)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        for text in ("I want to send money", "Anna", "50"):
            await say(pilot, text)
        await pilot.press("alt+1")  # "Yes, send it"
        await pilot.pause()
        await wait_for(idle(app))
        assert any(m.text.startswith("Done! I sent 50") for m in app.screen.query(MessageLine))
        await pilot.press("ctrl+s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveTestScreen)
        assert dialog.query_one("#test-name").value == "transfer_money_1"  # type: ignore[attr-defined]
        dialog.query_one("#test-name").value = "9 bad name"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SaveTestScreen)  # refused, with the reason shown
        assert "not a valid test case name" in str(dialog.query_one("#save-error").render())
        dialog.query_one("#test-name").value = "transfer_from_the_shell"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SaveTestScreen)
        saved = [n.message for n in app._notifications if n.title == "Saved test case"]
        assert saved == [
            "tests/e2e_test_cases/saved/transfer_from_the_shell.yml\n"
            "run it: calmtui test tests/e2e_test_cases/saved/transfer_from_the_shell.yml"
        ]

    path = banking / "tests" / "e2e_test_cases" / "saved" / "transfer_from_the_shell.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    steps = document["test_cases"][0]["steps"]
    assert [s["user"] for s in steps] == [
        "I want to send money",
        "Anna",
        "50",
        "/SetSlots(transfer_confirmation=true)",
    ]
    assert {"flow_started": "transfer_money"} in steps[0]["assertions"]
    assert {"bot_uttered": {"utter_name": "utter_ask_recipient"}} in steps[0]["assertions"]
    assert {"slot_was_set": [{"name": "recipient", "value": "Anna"}]} in steps[1]["assertions"]

    command = [sys.executable, "-m", "calmtui", "test", str(path), "--project", str(banking)]
    result = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("1 passed, 0 failed")
