"""Small terminals (issue 16.6): the chat keeps at least half the width, below 100 columns the
panels are tabs, the header line and the footer fit at 80x24, a 40-character bot sentence fits
on one line there, long flow and slot names end in `…` in Stack and Slots with the full name
on the highlighted row, and Events shows enough rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from calmtui.tui.app import CalmApp
from calmtui.tui.screens.inspector import InspectorScreen
from calmtui.tui.widgets.chat_log import MessageLine
from calmtui.tui.widgets.events_log import EventsLog
from calmtui.tui.widgets.panel_deck import PanelDeck
from calmtui.tui.widgets.slots_table import SlotsTable
from calmtui.tui.widgets.stack_view import StackView
from calmtui.tui.widgets.turn_selector import TurnSelector
from tests.tui.conftest import (
    DOMAIN,
    FLOWS,
    TRANSFER_SCRIPT,
    idle,
    make_app,
    wait_for,
    write_project,
)

pytestmark = pytest.mark.anyio

NO_VALUE = "\u2013"  # how a slot without a value is shown (an en dash)
FORTY = "Send it now, or would you rather wait?!!"  # 40 characters
LONG_FLOW = "transfer_money_to_a_saved_international_beneficiary"
LONG_SLOT = "international_beneficiary_account_number"


def long_names(root: Path) -> Path:
    """The test bank with a long flow id, a long slot name and a 40-character question."""
    domain = DOMAIN.replace("  recipient:\n", f"  {LONG_SLOT}:\n").replace(
        "utter_ask_recipient", f"utter_ask_{LONG_SLOT}"
    )
    domain = domain.replace('"How much should {recipient} get?"', f'"{FORTY}"').replace(
        "{recipient}", "them"
    )
    flows = FLOWS.replace("transfer_money:", f"{LONG_FLOW}:").replace(
        "collect: recipient", f"collect: {LONG_SLOT}"
    )
    return write_project(root, {"domain.yml": domain, "data/flows.yml": flows})


LONG_SCRIPT = [f"start flow {LONG_FLOW}", f"set slot {LONG_SLOT} Anna"]


async def converse(pilot: Pilot[None], *texts: str) -> None:
    app = pilot.app
    assert isinstance(app, CalmApp)
    for text in texts:
        await wait_for(idle(app))
        app.screen.query_one("#chat-input").value = text  # type: ignore[attr-defined]
        await pilot.press("enter")
        await pilot.pause()
    await wait_for(idle(app))
    await pilot.pause()
    await app.screen.query_one(PanelDeck).ready.wait()
    await pilot.pause()


def inspector(app: CalmApp) -> InspectorScreen:
    assert isinstance(app.screen, InspectorScreen)
    return app.screen


async def test_at_120x40_the_chat_gets_at_least_half_the_width(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "send money")
        screen = inspector(app)
        assert not screen.deck.compact
        assert screen.query_one("#chat-pane").size.width >= 60
        stack, slots = screen.query_one(StackView), screen.query_one(SlotsTable)
        assert stack.region.y == slots.region.y  # side by side


@pytest.mark.parametrize(("width", "compact"), [(99, True), (100, False), (130, False)])
async def test_below_100_columns_the_panels_are_tabs(bank: Path, width: int, compact: bool) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    async with app.run_test(size=(width, 40)) as pilot:
        await converse(pilot, "send money")
        screen = inspector(app)
        assert screen.deck.compact is compact
        assert bool(screen.query("#panel-tabs")) is compact
        assert screen.query_one("#chat-pane").size.width >= width // 2


async def test_at_80x24_the_header_and_the_footer_are_not_cut(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    async with app.run_test(size=(80, 24)) as pilot:
        await converse(pilot, "send money", "Anna")
        screen = inspector(app)
        header = screen.query_one(TurnSelector)
        assert header.line().cell_length <= header.content_region.width
        assert "turn 2/2" in header.line().plain
        keys = list(screen.query(FooterKey))
        assert [k.description for k in keys] == [
            "Restart",
            "Rewind",
            "Save",
            "Reload",
            "Choices",
            "Copy",
            "Panels",
            "palette",
        ]
        assert all(k.region.width > 0 for k in keys)
        assert all(k.region.right <= 80 for k in keys)


async def test_a_40_character_bot_sentence_fits_on_one_line_at_80x24(tmp_path: Path) -> None:
    app = make_app(long_names(tmp_path / "bank"), LONG_SCRIPT)
    async with app.run_test(size=(80, 24)) as pilot:
        await converse(pilot, "send money", "Anna")
        lines = [m for m in app.screen.query(MessageLine) if m.who == "bot" and m.text == FORTY]
        assert lines
        text = lines[-1].query_one(".text")
        assert len(FORTY) == 40
        assert text.size.height == 1
        assert text.size.width >= 40


async def test_long_names_end_in_an_ellipsis_and_the_highlighted_row_is_shown_in_full(
    tmp_path: Path,
) -> None:
    app = make_app(long_names(tmp_path / "bank"), LONG_SCRIPT)
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "send money", "Anna")
        screen = inspector(app)

        stack = screen.query_one(StackView)
        rows = stack.options
        top = rows.render_line(0).text.rstrip()
        assert top.endswith("…")
        assert top.startswith("▸ pattern_collect")
        rows.highlighted = 1  # the transfer flow's frame
        await pilot.pause()
        frame_line = rows.render_line(_first_line_of(stack, 1)).text.strip()
        assert frame_line.endswith("…")
        assert LONG_FLOW not in frame_line
        assert stack.detail.visual is not None
        assert str(stack.detail.render()).startswith(LONG_FLOW)

        slots = screen.query_one(SlotsTable)
        row = next(i for i, r in enumerate(slots.rows) if r.name == LONG_SLOT)
        line = slots.options.render_line(row).text.rstrip()
        assert line.endswith(f"{NO_VALUE} → Anna")  # the value stays in view
        assert "…" in line
        assert LONG_SLOT not in line
        slots.options.highlighted = row
        await pilot.pause()
        assert str(slots.detail.render()) == f"{LONG_SLOT} = {NO_VALUE} → Anna"


def _first_line_of(stack: StackView, index: int) -> int:
    """The list line where option `index` starts (each frame takes several lines)."""
    return sum(len(item.prompt.plain.splitlines()) for item in stack.items[:index])


async def test_events_show_enough_rows_at_120x40(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    async with app.run_test(size=(120, 40)) as pilot:
        await converse(pilot, "send money", "Anna", "50")
        screen = inspector(app)
        screen.deck.reveal("events")
        await pilot.pause()
        table = screen.query_one(EventsLog).query_one(DataTable)
        assert table.size.height - 1 >= 8  # rows below the header
