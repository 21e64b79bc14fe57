"""The inspector's panels, fed with one turn at a time.

Wide terminals get Commands on top, Stack and Slots side by side, and Flow / Events / Problems
as tabs; small ones (80x24) get every panel as a tab so none is squeezed unreadable. Panels can
be hidden one by one; the deck recomposes and re-feeds its panels, which only ever render the
snapshot they are given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.model.project import Project
from calmtui.tui.widgets.commands_panel import CommandsPanel
from calmtui.tui.widgets.events_log import EventsLog
from calmtui.tui.widgets.flow_tree import FlowTree
from calmtui.tui.widgets.problems_panel import ProblemsPanel
from calmtui.tui.widgets.slots_table import SlotsTable
from calmtui.tui.widgets.stack_view import StackView
from calmtui.tui.widgets.turn_selector import TurnSelector

if TYPE_CHECKING:
    from calmtui.session import TurnResult

PANELS = {
    "commands": "Commands",
    "stack": "Stack",
    "slots": "Slots",
    "flow": "Flow",
    "events": "Events",
    "problems": "Problems",
}
TABBED_WHEN_WIDE = ("flow", "events", "problems")


class PanelDeck(Vertical):
    def __init__(
        self,
        *,
        id: str | None = None,
        show_path: Callable[[str], str] = str,
        compact: bool = False,
    ) -> None:
        super().__init__(id=id)
        self.show_path = show_path
        self.compact = compact
        self.hidden: set[str] = set()
        self.results: Sequence[TurnResult] = ()
        self.turn: int | None = None
        self.project: Project | None = None
        self.problems: tuple[Sequence[Diagnostic], Mapping[str, str], str] = ((), {}, "")
        self.active_tab = "commands"
        self._built: tuple[bool, frozenset[str]] | None = None
        self._ready = False
        self.ready = asyncio.Event()  # set once painted: its tabs are mounted
        self._layout_lock = asyncio.Lock()

    # -- layout -----------------------------------------------------------------------------------
    def _panel(self, name: str) -> Widget:
        match name:
            case "commands":
                return CommandsPanel(id="commands")
            case "stack":
                return StackView(id="stack")
            case "slots":
                return SlotsTable(id="slots")
            case "flow":
                return FlowTree(id="flow")
            case "events":
                return EventsLog(id="events")
            case _:
                return ProblemsPanel(id="problems", show_path=self.show_path)

    def compose(self) -> ComposeResult:
        self._built = (self.compact, frozenset(self.hidden))
        yield TurnSelector(id="turn-selector")
        visible = [name for name in PANELS if name not in self.hidden]
        if self.compact:
            if visible:
                with TabbedContent(id="panel-tabs", initial=f"pane-{self._initial(visible)}"):
                    for name in visible:
                        with TabPane(PANELS[name], id=f"pane-{name}"):
                            yield self._panel(name)
            return
        if "commands" in visible:
            yield self._panel("commands")
        row = [name for name in ("stack", "slots") if name in visible]
        if row:
            with Horizontal(id="state-row"):
                for name in row:
                    yield self._panel(name)
        tabs = [name for name in TABBED_WHEN_WIDE if name in visible]
        if tabs:
            with TabbedContent(id="detail-tabs", initial=f"pane-{self._initial(tabs)}"):
                for name in tabs:
                    with TabPane(PANELS[name], id=f"pane-{name}"):
                        yield self._panel(name)

    def _initial(self, names: list[str]) -> str:
        return self.active_tab if self.active_tab in names else names[0]

    async def set_layout(
        self, *, compact: bool | None = None, hidden: set[str] | None = None
    ) -> None:
        """Ask for a layout; it is applied once the deck has been painted (recomposing while
        the first TabbedContent is still mounting would break it), one change at a time."""
        if compact is not None:
            self.compact = compact
        if hidden is not None:
            self.hidden = set(hidden)
        if self._ready:
            await self._apply_layout()

    async def _apply_layout(self) -> None:
        async with self._layout_lock:
            wanted = (self.compact, frozenset(self.hidden))
            if wanted == self._built:
                return
            self._remember_tab()
            await self.recompose()
            self.refresh_panels()

    def on_mount(self) -> None:
        self.refresh_panels()  # what was shown before the (lazy) mount
        self.call_after_refresh(self._first_painted)

    async def _first_painted(self) -> None:
        self._ready = True
        await self._apply_layout()  # a resize that came while mounting
        self._activate_tab()  # a reveal that came while mounting
        self.ready.set()

    def _remember_tab(self) -> None:
        for tabs in self.query(TabbedContent):
            if tabs.active:
                self.active_tab = tabs.active.removeprefix("pane-")

    def reveal(self, name: str) -> None:
        """Bring a panel into view (switch to its tab when it is one)."""
        self.active_tab = name
        if self._ready:
            self._activate_tab()

    def _activate_tab(self) -> None:
        for tabs in self.query(TabbedContent):
            if tabs.query(f"#pane-{self.active_tab}"):
                tabs.active = f"pane-{self.active_tab}"

    # -- data -------------------------------------------------------------------------------------
    def show(
        self, results: Sequence[TurnResult], turn: int | None, project: Project | None
    ) -> None:
        self.results = results
        self.turn = turn
        self.project = project
        self.refresh_panels()

    def show_problems(
        self, diagnostics: Sequence[Diagnostic], sources: Mapping[str, str], *, headline: str
    ) -> None:
        self.problems = (tuple(diagnostics), dict(sources), headline)
        for panel in self.query(ProblemsPanel):
            panel.show(diagnostics, sources, headline=headline)

    def selected_result(self) -> TurnResult | None:
        for result in self.results:
            if result.turn == self.turn:
                return result
        return None

    def refresh_panels(self) -> None:
        last = self.results[-1].turn if self.results else None
        for selector in self.query(TurnSelector):
            selector.show(self.turn, last)
        diagnostics, sources, headline = self.problems
        for problems in self.query(ProblemsPanel):
            problems.show(diagnostics, sources, headline=headline)
        result = self.selected_result()
        if result is None:
            return
        for commands in self.query(CommandsPanel):
            commands.show(result)
        for stack in self.query(StackView):
            stack.show(result, self.project)
        for slots in self.query(SlotsTable):
            slots.show(result, self.project)
        for flow in self.query(FlowTree):
            flow.show(result, self.project)
        for events in self.query(EventsLog):
            events.show(self.results, result.turn)
