"""The inspector's header line: which turn the panels show, with earlier/later/live links."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class TurnSelector(Static):
    """`turn 2 of 5 (earlier turn)   < earlier  later >  latest >>`, or in a narrow column
    `turn 2/5 · < > >>`: the links keep working, nothing is cut."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.turn: int | None = None
        self.last: int | None = None

    def show(self, turn: int | None, last: int | None) -> None:
        self.turn = turn
        self.last = last
        self.set_class(turn is not None and turn != last, "-history")
        self.update(self.line())

    def on_resize(self) -> None:
        self.update(self.line())

    def line(self, width: int | None = None) -> Content:
        if self.turn is None or self.last is None:
            return Content("no turn yet")
        width = self.content_region.width if width is None else width
        where = "latest" if self.turn == self.last else "earlier turn"
        wide = Content.from_markup(
            f"turn [b]{self.turn}[/b] of {self.last} ({where})   "
            "[@click=screen.select_earlier]< earlier[/]  "
            "[@click=screen.select_later]later >[/]  "
            "[@click=screen.select_latest]latest >>[/]"
        )
        if not width or wide.cell_length <= width:
            return wide
        return Content.from_markup(
            f"turn [b]{self.turn}[/b]/{self.last}{'' if self.turn == self.last else ' (earlier)'} · "
            "[@click=screen.select_earlier]<[/] "
            "[@click=screen.select_later]>[/] "
            "[@click=screen.select_latest]>>[/]"
        )
