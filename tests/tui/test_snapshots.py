"""How the key screens look (pytest-textual-snapshot): fixed size, scripted understanding,
frozen clock, fixed conversation id, no file watching — so only a change to the TUI changes them.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
(on the pinned Textual, 8.2.8), then look at every changed SVG before committing it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from calmtui.tui.app import CalmApp
from calmtui.tui.widgets.chat_input import ChatInput
from tests.tui.conftest import FLOWS, TRANSFER_SCRIPT, idle, make_app, wait_for
from tests.tui.test_small_terminals import LONG_SCRIPT, long_names

SnapCompare = Callable[..., bool]


def conversation(*messages: str, then: Callable[[Pilot[Any]], Awaitable[None]] | None = None):  # type: ignore[no-untyped-def]
    """A run_before hook: send `messages` one by one, then run `then`."""

    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, CalmApp)
        await wait_for(idle(app))
        app.screen.query_one(ChatInput).cursor_blink = False
        for text in messages:
            app.screen.query_one(ChatInput).value = text
            await pilot.press("enter")
            await pilot.pause()
            await wait_for(idle(app))
        if then is not None:
            await then(pilot)
        await pilot.pause()

    return run


def keys(*pressed: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await pilot.press(*pressed)
        await pilot.pause()

    return run


TRANSFER: Sequence[str] = ("I want to send money", "Anna", "50")


def test_shell_greeting(snap_compare: SnapCompare, bank: Path) -> None:
    assert snap_compare(
        make_app(bank, inspector=False), terminal_size=(80, 24), run_before=conversation()
    )


def test_shell_with_choices(snap_compare: SnapCompare, bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT, inspector=False, debug=True)
    assert snap_compare(app, terminal_size=(100, 30), run_before=conversation(*TRANSFER))


def test_inspector_after_a_turn(snap_compare: SnapCompare, bank: Path) -> None:
    app = make_app(
        bank,
        ["start flow transfer_money", "set slot recipient Anna\nstart flow check_balance_typo"],
    )
    assert snap_compare(app, terminal_size=(120, 40), run_before=conversation("send money", "Anna"))


def test_inspector_at_80x24(snap_compare: SnapCompare, bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    assert snap_compare(app, terminal_size=(80, 24), run_before=conversation(*TRANSFER))


def test_inspector_earlier_turn_selected(snap_compare: SnapCompare, bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=conversation(*TRANSFER, then=keys("ctrl+up"))
    )


def test_inspector_events_filtered(snap_compare: SnapCompare, bank: Path) -> None:
    async def filter_slots(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        screen.deck.reveal("events")  # type: ignore[attr-defined]
        await pilot.pause()
        screen.query_one("#events-filter").focus()
        await pilot.press(*"slot")
        await pilot.pause()

    app = make_app(bank, TRANSFER_SCRIPT)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=conversation(*TRANSFER, then=filter_slots)
    )


def test_inspector_problems_after_a_broken_edit(snap_compare: SnapCompare, bank: Path) -> None:
    async def break_and_reload(pilot: Pilot[Any]) -> None:
        (bank / "data" / "flows.yml").write_text(
            FLOWS.replace("collect: amount", "collect: amout"), encoding="utf-8"
        )
        app = pilot.app
        await pilot.press("f5")
        await wait_for(lambda: "reload failed" in app.screen.status_bar.activity_text)  # type: ignore[attr-defined]
        app.clear_notifications()
        await pilot.pause()

    app = make_app(bank, TRANSFER_SCRIPT)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=conversation("send money", then=break_and_reload)
    )


def test_save_as_test_dialog(snap_compare: SnapCompare, bank: Path) -> None:
    async def open_dialog(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+s")
        await pilot.pause()
        pilot.app.screen.query_one("#test-name").cursor_blink = False  # type: ignore[attr-defined]

    app = make_app(bank, TRANSFER_SCRIPT)
    assert snap_compare(
        app, terminal_size=(100, 30), run_before=conversation(*TRANSFER, then=open_dialog)
    )


def test_inspector_in_the_light_theme(snap_compare: SnapCompare, bank: Path) -> None:
    async def light(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "textual-light"
        await pilot.pause()

    app = make_app(bank, TRANSFER_SCRIPT)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=conversation(*TRANSFER, then=light)
    )


def test_inspector_panels_hidden(snap_compare: SnapCompare, bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    assert snap_compare(
        app, terminal_size=(100, 30), run_before=conversation(*TRANSFER, then=keys("f2"))
    )


def test_inspector_long_names_at_120x40(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """Issue 16.6: the chat has half the width; a long flow id and slot name end in `…` in
    Stack and Slots, and the highlighted slot (the one the turn changed) is shown in full."""
    app = make_app(long_names(tmp_path / "bank"), LONG_SCRIPT)
    assert snap_compare(app, terminal_size=(120, 40), run_before=conversation("send money", "Anna"))


def test_inspector_long_names_at_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """Issue 16.6 at 80x24: panels as tabs (Slots shown), the header and the footer whole, the
    bot's 40-character question on one line."""

    async def show_slots(pilot: Pilot[Any]) -> None:
        pilot.app.screen.deck.reveal("slots")  # type: ignore[attr-defined]
        await pilot.pause()

    app = make_app(long_names(tmp_path / "bank"), LONG_SCRIPT)
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=conversation("send money", "Anna", then=show_slots)
    )


@pytest.fixture(autouse=True)
def _no_color_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR in the developer's shell must not turn snapshots monochrome."""
    monkeypatch.delenv("NO_COLOR", raising=False)
