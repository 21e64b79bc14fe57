"""The inspector's Knowledge section: a knowledge question on the support template shows the
query, the passages with scores and files, and the answer; an edited document is re-indexed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Static

from calmtui.app.reload import is_document, is_project_file, knowledge_dirs_of
from calmtui.tui.app import CalmApp
from calmtui.tui.widgets.commands_panel import CommandsPanel
from tests.tui.conftest import idle, load, make_app, wait_for
from tests.tui.test_inspector import plain, say, screen_of

pytestmark = pytest.mark.anyio
SUPPORT = Path(__file__).resolve().parents[2] / "templates" / "support"


@pytest.fixture
def support(tmp_path: Path) -> Path:
    root = tmp_path / "support"
    shutil.copytree(SUPPORT, root, ignore=shutil.ignore_patterns(".calmtui"))
    return root


async def test_the_commands_panel_shows_the_knowledge_answer(support: Path) -> None:
    app = make_app(support, ["search and reply"])
    async with app.run_test(size=(120, 40)) as pilot:
        await say(pilot, "when is my bill paid?")
        commands = screen_of(app).query_one(CommandsPanel)
        shown = plain(commands.query_one("#commands-generated", Static))
        assert shown.startswith("◆ knowledge: answered  offline  lexical retrieval")
        assert "query: 'when is my bill paid?'" in shown
        assert "1. docs/billing.md:1-6  score " in shown
        assert "answer: 'Your bill is issued on the 1st of every month" in shown
        assert "generation " in plain(commands.query_one("#commands-timings", Static))


async def test_a_saved_document_is_re_indexed_without_a_reload(support: Path) -> None:
    app = make_app(support, [])
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app, CalmApp)
        await wait_for(idle(app))
        screen = screen_of(app)
        (support / "docs" / "billing.md").write_text("# Billing\n\nBills are paid on the 9th.\n")
        await screen.reload_project(["docs/billing.md"])  # what the watcher sends
        await pilot.pause()
        responder = screen.conversation.session.responder
        assert responder.knowledge is not None
        texts = [p.text for p in responder.knowledge.index.passages]
        assert any("paid on the 9th" in t for t in texts)


def test_the_watcher_accepts_documents_of_the_search_source(support: Path) -> None:
    folders = knowledge_dirs_of(load(support))
    assert folders == ("docs",)
    accept = is_project_file(support, (), folders)
    assert accept(None, str(support / "docs" / "billing.md"))
    assert accept(None, str(support / "docs" / "deep" / "notes.txt"))
    assert not accept(None, str(support / "README.md"))
    assert not accept(None, str(support / "docs" / "image.png"))
    assert is_document("docs/a.md", folders)
    assert not is_document("other/a.md", folders)
