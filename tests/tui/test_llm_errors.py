"""An understanding error that repeats turn after turn (a key that stopped working, a server
that is down) is a notification once, not one per message; each message still shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.tui.messages import LLMFailed
from tests.tui.conftest import idle, make_app, wait_for

pytestmark = pytest.mark.anyio


async def test_a_repeated_understanding_error_is_notified_once(bank: Path) -> None:
    app = make_app(bank, [])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(idle(app))
        result = app.conversation.results[-1]
        for error in (
            "openai/x: authentication failed",
            "openai/x: authentication failed",
            "openai/x: timeout",
        ):
            app.screen.post_message(LLMFailed(result, error))
            await pilot.pause()
        shown = [n.message for n in app._notifications if n.title == "Understanding failed"]
        assert shown == ["openai/x: authentication failed", "openai/x: timeout"]
