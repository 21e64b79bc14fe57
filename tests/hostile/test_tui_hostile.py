"""The inspector against hostile actions and values (items 3, 5 and 8 of the issue).

An action raising `CancelledError` must not leave the inspector on "thinking"; a synchronous
action that blocks must not freeze it; text from outside (a bot message, a button title, a slot
value) must be shown as written — never obeyed as escape codes, never read as markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.actions.inprocess import InProcessRunner
from calmtui.tui.app import CalmApp
from calmtui.tui.screens.inspector import InspectorScreen
from calmtui.tui.widgets.chat_log import ChoiceButton, MessageLine
from tests.hostile.actions_project import write_actions_project
from tests.tui.conftest import idle, make_app, wait_for
from tests.tui.test_chat import notifications, say

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    root = write_actions_project(tmp_path / "bot")
    (root / "config.yml").write_text(
        "recipe: default.v1\nassistant_id: hostile\npipeline: []\npolicies:\n  - name: FlowPolicy\n",
        encoding="utf-8",
    )
    (root / "endpoints.yml").write_text(
        "action_endpoint:\n  actions_module: actions\n", encoding="utf-8"
    )
    return root


def app_for(root: Path, script: list[str]) -> CalmApp:
    return make_app(root, script, inspector=True, runner=InProcessRunner(str(root), timeout=10))


async def test_an_action_raising_cancelled_error_does_not_leave_the_inspector_thinking(
    bot: Path,
) -> None:
    app = app_for(bot, ["start flow run_async_cancelled", "start flow run_printing"])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await say(pilot, "go")
        screen = app.screen
        assert isinstance(screen, InspectorScreen)
        assert "thinking" not in screen.status_bar.activity_text
        failed = [n for n in notifications(app) if n[0] == "Custom action failed"]
        assert "raised CancelledError" in failed[0][1]
        await say(pilot, "again")  # the conversation goes on
        assert app.conversation.results[-1].bot_messages[0].text == "printed"


async def test_a_blocking_synchronous_action_does_not_freeze_the_inspector(bot: Path) -> None:
    app = app_for(bot, ["start flow run_slow"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(idle(app))
        await pilot.press(*"go 1.5", "enter")
        await pilot.pause()
        assert app.controller.busy
        await pilot.press(*"typing")  # handled while the action sleeps in its thread
        await pilot.pause()
        assert app.screen.query_one("#chat-input").value == "typing"  # type: ignore[attr-defined]
        assert app.controller.busy  # the action is still running
        await wait_for(idle(app), timeout=10)
        result = app.conversation.results[-1]
        assert [c.error for c in result.action_calls] == [None]
        assert result.bot_messages[0].text == "slept"


async def test_outside_text_is_shown_never_obeyed_nor_read_as_markup(bot: Path) -> None:
    app = app_for(bot, ["start flow run_hostile_text"])
    async with app.run_test(size=(140, 40)) as pilot:
        await say(pilot, "go")
        texts = [str(m.query_one(".text").render()) for m in app.screen.query(MessageLine)]
        [shown] = [t for t in texts if "before" in t]
        assert "\x1b" not in shown
        assert "\x9b" not in shown
        assert "␛]0;PWNED␇" in shown
        assert "[bold]B[/bold]" in shown  # literally, not bold
        assert "[link=https://evil.example]" in shown
        label = str(app.screen.query(ChoiceButton).first().label)
        assert "\x1b" not in label
        assert "[red]click[/red]" in label
        screenshot = app.export_screenshot()
        assert "\x1b" not in screenshot
        assert "PWNED" in screenshot  # visible, as text
    # the conversation keeps the text as it was (database, --json, export)
    message = app.conversation.results[-1].bot_messages[0]
    assert message.text is not None
    assert "\x1b]0;PWNED\x07" in message.text
