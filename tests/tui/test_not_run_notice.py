"""What calmtui does not run is said once when the chat opens (issue 11 §5), and a turn Rasa's
coexistence router would hand to the NLU-based half carries a note (§7)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from calmtui.core.coexistence import ROUTED_TO_NLU
from calmtui.core.events import EngineNote
from calmtui.tui.app import CalmApp
from calmtui.tui.widgets.chat_log import Notice, TurnEntry
from tests.tui.conftest import idle, make_app, wait_for

pytestmark = pytest.mark.anyio
LINE = "calmtui does not run: RulePolicy, tracker_store (calmtui validate lists each one)"


async def test_the_line_is_shown_once_when_the_chat_opens(bank: Path) -> None:
    base = make_app(bank, inspector=False)
    app = CalmApp(replace(base.config, notices=(LINE,)))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(idle(app))
        await pilot.pause()
        shown = [str(n.render()) for n in app.screen.query(Notice)]
        assert shown.count(LINE) == 1


async def test_a_routed_turn_shows_its_note(bank: Path) -> None:
    app = make_app(bank, inspector=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(idle(app))
        result = app.conversation.session.history[-1]
        note = EngineNote(code=ROUTED_TO_NLU, message="Rasa's router would hand this message ...")
        routed = replace(result, user_text="hello", events=(*result.events, note))
        await app.screen.query_one("#chat-log").mount(TurnEntry(routed))  # type: ignore[attr-defined]
        await pilot.pause()
        notes = [str(n.render()) for n in app.screen.query(".note.warning")]
        assert notes == ["note: Rasa's router would hand this message ..."]
