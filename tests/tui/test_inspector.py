"""The inspector (`calmtui inspect`) driven with Pilot: what each panel shows after a turn,
selecting an earlier turn, filtering events, copying, toggling panels, the compact layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TabbedContent

from calmtui.tui.app import CalmApp
from calmtui.tui.screens.inspector import InspectorScreen
from calmtui.tui.widgets.commands_panel import CommandsPanel
from calmtui.tui.widgets.events_log import EventsLog
from calmtui.tui.widgets.flow_tree import FlowTree
from calmtui.tui.widgets.panel_deck import PanelDeck
from calmtui.tui.widgets.problems_panel import ProblemsPanel
from calmtui.tui.widgets.slots_table import SlotsTable
from calmtui.tui.widgets.stack_view import StackView
from tests.tui.conftest import TRANSFER_SCRIPT, idle, make_app, wait_for

pytestmark = pytest.mark.anyio


async def say(pilot: Pilot[None], text: str) -> None:
    app = pilot.app
    assert isinstance(app, CalmApp)
    await wait_for(idle(app))
    await pilot.press(*text, "enter")
    await pilot.pause()
    await wait_for(idle(app))
    await pilot.pause()


def plain(widget: Static) -> str:
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def screen_of(app: CalmApp) -> InspectorScreen:
    assert isinstance(app.screen, InspectorScreen)
    return app.screen


async def test_every_panel_shows_the_latest_turn(bank: Path) -> None:
    script = ["start flow transfer_money", "set slot recipient Anna\nstart flow transfer_money"]
    app = make_app(bank, script)
    async with app.run_test(size=(120, 40)) as pilot:
        await say(pilot, "send money")
        await say(pilot, "Anna")
        screen = screen_of(app)

        commands = screen.query_one(CommandsPanel)
        assert commands.border_title == "Commands · turn 2"
        listed = plain(commands.query_one("#commands-list", Static))
        assert "✓ set slot recipient Anna" in listed
        assert "✗ start flow transfer_money  the flow is already active (CT401)" in listed
        assert "understanding: scripted" in plain(commands.query_one("#commands-summary", Static))
        raw = commands.query_one("#commands-raw")
        assert raw.display
        assert raw.title == "raw reply (2 lines)"

        stack = screen.query_one(StackView)
        assert stack.border_title == "Stack (2)"
        shown = stack.text()
        assert shown.startswith(
            "▸ pattern_collect_information\n    pattern · step 4 action_listen\n    collect: amount"
        )
        assert (
            "  transfer_money\n    regular flow 'Transfer money' · step 1 collect_amount" in shown
        )
        assert shown.endswith(
            "this turn: +pattern_collect_information -pattern_collect_information"
        )
        assert stack.copy_text() == (
            "pattern_collect_information@pattern_collect_information_4_action_listen\n"
            "transfer_money@transfer_money_1_collect_amount"
        )

        slots = screen.query_one(SlotsTable)
        assert slots.border_title == "Slots (changed: 1)"
        changed = [(r.name, r.old, r.value) for r in slots.rows if r.changed]
        assert changed == [("recipient", None, "Anna")]
        assert [r.name for r in slots.rows][:4] == ["recipient", "amount", "confirm", "transfer_ok"]

        flow = screen.query_one(FlowTree)
        assert flow.border_title == "Flow: transfer_money"
        assert flow.current == "transfer_money_1_collect_amount"
        labels = [
            str(node.label.plain if isinstance(node.label, Text) else node.label)
            for node in _walk(flow.root)
        ]
        assert "● collect amount" in labels
        assert "if slots.confirm" in labels
        assert "else" in labels
        assert flow.cursor_node is not None
        assert flow.cursor_node.data == "transfer_money_1_collect_amount"

        events = screen.query_one(EventsLog)
        turns = {turn for turn, _ in events.rows}
        assert turns == {0, 1, 2}
        assert events.border_title.startswith("Events · turn 2")
        kinds = [e.event for turn, e in events.rows if turn == 2]
        assert kinds[0] == "user"
        assert "slot" in kinds
        assert "command_ignored" in kinds

        problems = screen.query_one(ProblemsPanel)
        assert problems.diagnostics == ()


def _walk(node):  # type: ignore[no-untyped-def]
    yield node
    for child in node.children:
        yield from _walk(child)


async def test_selecting_an_earlier_turn_shows_it_in_every_panel(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    async with app.run_test(size=(120, 40)) as pilot:
        for text in ("send money", "Anna", "50"):
            await say(pilot, text)
        screen = screen_of(app)
        await pilot.press("ctrl+up")
        await pilot.pause()
        assert screen.selected_turn == 2
        assert screen.query_one(CommandsPanel).border_title == "Commands · turn 2"
        assert screen.query_one(FlowTree).current == "transfer_money_1_collect_amount"
        assert [r.name for r in screen.query_one(SlotsTable).rows if r.changed] == ["recipient"]
        assert "earlier turn" in str(screen.query_one("#turn-selector", Static).render())

        entry = screen.chat_log.entry(1)
        assert entry is not None
        await pilot.click(entry.query_one(".who"))
        await pilot.pause()
        assert screen.selected_turn == 1
        assert entry.has_class("-selected")
        assert screen.query_one(StackView).border_title == "Stack (2)"
        assert screen.query_one(FlowTree).current == "transfer_money_0_collect_recipient"

        screen.chat_log.focus()
        await pilot.press("up")
        await pilot.pause()
        assert screen.selected_turn == 0
        assert "session start" in plain(screen.query_one("#commands-summary", Static))

        await pilot.press("ctrl+end")
        await pilot.pause()
        assert screen.selected_turn == 3


async def test_events_can_be_filtered_and_copied(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    async with app.run_test(size=(120, 40)) as pilot:
        await say(pilot, "send money")
        await say(pilot, "Anna")
        screen = screen_of(app)
        screen.deck.reveal("events")
        await pilot.pause()
        log = screen.query_one(EventsLog)
        log.filter_input.focus()
        await pilot.press(*"slot")
        await pilot.pause()
        assert log.rows
        assert all("slot" in f"{e.event} {e}" for _, e in log.rows)
        assert [e.event for _, e in log.rows] == ["slot"]
        detail = plain(log.detail)
        assert '"name": "recipient"' in detail
        assert detail.startswith("turn 2")
        log.query_one(DataTable).focus()
        await pilot.press("ctrl+y")
        copied = json.loads(app.clipboard)
        assert copied == {"event": "slot", "name": "recipient", "value": "Anna", "metadata": {}}


async def test_copy_takes_the_focused_panels_item(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    async with app.run_test(size=(120, 40)) as pilot:
        await say(pilot, "send money")
        await say(pilot, "Anna")
        screen = screen_of(app)
        screen.query_one(SlotsTable).focus()
        await pilot.press("ctrl+y")
        assert app.clipboard == "recipient = Anna"
        screen.query_one(CommandsPanel).focus()
        await pilot.press("ctrl+y")
        assert app.clipboard == "✓ set slot recipient Anna"
        screen.chat_input.focus()
        await pilot.press("ctrl+y")
        assert app.clipboard == "you: Anna\nbot: How much should Anna get?"


async def test_panels_can_be_hidden_one_by_one_or_all_at_once(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    async with app.run_test(size=(120, 40)) as pilot:
        await say(pilot, "send money")
        screen = screen_of(app)
        await pilot.press("f2")
        assert not screen.deck.display
        assert screen.has_class("-panels-hidden")
        await pilot.press("f2")
        assert screen.deck.display
        await screen.toggle_panel("events")
        await pilot.pause()
        assert not screen.query(EventsLog)
        assert (
            screen.query_one(CommandsPanel).border_title == "Commands · turn 1"
        )  # re-fed after recompose
        await screen.toggle_panel("events")
        await pilot.pause()
        assert screen.query(EventsLog)
        assert screen.query_one(TabbedContent).active == "pane-events"


async def test_small_terminals_get_the_panels_as_tabs(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT)
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "send money")
        screen = screen_of(app)
        deck = screen.query_one(PanelDeck)
        assert deck.compact
        tabs = screen.query_one("#panel-tabs", TabbedContent)
        assert tabs.active == "pane-commands"
        assert screen.query_one(CommandsPanel).border_title == "Commands · turn 1"
        assert screen.chat_log.has_class("-narrow")
        await pilot.resize_terminal(130, 40)
        await pilot.pause()
        await pilot.pause()
        assert not deck.compact
        assert screen.query_one("#detail-tabs", TabbedContent)
        assert screen.query_one(CommandsPanel).border_title == "Commands · turn 1"


class FakeLLM:
    """A completion client answering like a model would, with tokens and cost (no network)."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    async def complete(self, request):  # type: ignore[no-untyped-def]
        from calmtui.understanding.client import Completion

        self.prompts.append(request.prompt)
        return Completion(
            text="start flow transfer_money\nset slot recipient Anna",
            model=request.model_name,
            prompt_tokens=1204,
            completion_tokens=18,
            cost=0.0004,
            latency_ms=612.0,
        )


async def test_an_llm_turn_shows_prompt_reply_tokens_and_cost(tmp_path: Path) -> None:
    import shutil

    from calmtui.app.conversation import Assistant
    from calmtui.core.validate import check
    from calmtui.tui.config import ShellConfig
    from calmtui.understanding.modes import describe_generator, make_generator

    root = tmp_path / "banking"
    shutil.copytree(Path(__file__).resolve().parents[2] / "templates" / "banking", root)
    project = check(root).project
    assert project is not None
    client = FakeLLM()
    assistant = Assistant(
        make_generator=lambda p: make_generator(p, "llm", client=client, environ={}),
        describe=lambda p, g: describe_generator(g),
        clock=lambda: 0.0,
    )
    app = CalmApp(ShellConfig(project=project, assistant=assistant, inspector=True, watch=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await say(pilot, "send 50 to Anna")
        screen = screen_of(app)
        commands = screen.query_one(CommandsPanel)
        summary = plain(commands.query_one("#commands-summary", Static))
        first = summary.splitlines()[0]
        assert first.startswith("understanding: llm openai/gpt-4o-mini · ")
        assert first.endswith(" ms · 1,204→18 tok · $0.0004")
        assert summary.splitlines()[1].startswith("flows offered: ")
        prompt = commands.query_one("#commands-prompt")
        assert prompt.display
        assert prompt.title == "prompt (1,204 tokens)"
        assert plain(commands.query_one("#commands-prompt-text", Static)) == client.prompts[0]
        assert (
            plain(commands.query_one("#commands-raw-text", Static))
            == "start flow transfer_money\nset slot recipient Anna"
        )
        assert "✓ start flow transfer_money" in plain(commands.query_one("#commands-list", Static))
        status = screen.status_bar.info_text
        assert "1,204→18 tok · $0.0004" in status
        assert "total $0.0004" in status
        assert "gpt-4o-mini" in status
