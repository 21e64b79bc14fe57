"""The shell's language (docs/languages.md): `--language` starts the conversation in it, the
status line shows it, F8 and the command palette switch it with Rasa's `/SetSlots(language=..)`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from calmtui.tui.app import CalmApp
from calmtui.tui.config import ShellConfig
from calmtui.tui.screens.chat import ChatScreen
from calmtui.tui.widgets.status_bar import StatusBar
from calmtui.understanding.scripted import ScriptedGenerator
from tests.tui.conftest import FIXED_ID, assistant, idle, load, wait_for

pytestmark = pytest.mark.anyio
MULTILINGUAL = Path(__file__).resolve().parents[2] / "templates" / "multilingual"


def bilingual_app(tmp_path: Path, language: str | None) -> CalmApp:
    root = tmp_path / "multilingual"
    shutil.copytree(MULTILINGUAL, root, ignore=shutil.ignore_patterns(".calmtui"))
    config = ShellConfig(
        project=load(root),
        assistant=assistant(ScriptedGenerator(["start flow greet"])),
        conversation_id=FIXED_ID,
        language=language,
        watch=False,
        now=lambda: "2026-01-02 03:04",
    )
    return CalmApp(config)


async def test_the_status_line_shows_the_language_and_f8_switches_it(tmp_path: Path) -> None:
    app = bilingual_app(tmp_path, "de")
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(idle(app))
        bar = app.screen.query_one(StatusBar)
        assert "de · Deutsch" in bar.info_text
        await pilot.press("f8")
        await wait_for(lambda: "en · English" in bar.info_text)
        assert app.conversation.language == "en"
        assert app.conversation.results[-1].user_text == "/SetSlots(language=en)"


async def test_the_palette_offers_the_other_languages(tmp_path: Path) -> None:
    app = bilingual_app(tmp_path, None)
    async with app.run_test(size=(120, 30)):
        await wait_for(idle(app))
        screen = app.screen
        assert isinstance(screen, ChatScreen)
        titles = [c.title for c in screen.palette_commands()]
        assert "Switch language to de · Deutsch" in titles
        await screen.action_switch_language("de")
        await wait_for(lambda: app.conversation.language == "de")
