"""The status line: understanding mode and model, the conversation's language (when the
assistant speaks several), the conversation, and the last turn's
latency, tokens and cost; a spinner while a turn runs; the latest reload outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import Static

from calmtui.app.safe_text import printable

if TYPE_CHECKING:
    from calmtui.session import TurnResult


SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def turn_metrics(result: TurnResult) -> str:
    """`612 ms · 1,204→18 tok · $0.0004` (tokens and cost only when understanding reported them)."""
    parts = [f"{result.timings_ms.get('total', 0.0):,.0f} ms"]
    trace = result.understanding
    if trace is not None and (
        trace.prompt_tokens is not None or trace.completion_tokens is not None
    ):
        parts.append(f"{trace.prompt_tokens or 0:,}→{trace.completion_tokens or 0:,} tok")
    if trace is not None and trace.cost is not None:
        parts.append(f"${trace.cost:.4f}")
    return " · ".join(parts)


def total_cost(results: Sequence[TurnResult]) -> float | None:
    costs = [
        r.understanding.cost
        for r in results
        if r.understanding is not None and r.understanding.cost is not None
    ]
    return sum(costs) if costs else None


class StatusBar(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.description = ""
        self.conversation_id = ""
        self.language = ""
        self.results: Sequence[TurnResult] = ()
        self.notice = ""
        self.notice_kind = "info"
        self.waiting = 0
        self._frame = 0
        self._timer: Timer | None = None
        self._info = Static(id="status-info")
        self._activity = Static(id="status-activity")

    def compose(self) -> ComposeResult:
        yield self._info
        yield self._activity

    def on_mount(self) -> None:
        self.refresh_text()

    def show(
        self,
        *,
        description: str,
        conversation_id: str,
        results: Sequence[TurnResult],
        language: str = "",
    ) -> None:
        self.description = description
        self.conversation_id = conversation_id
        self.language = language
        self.results = results
        self.refresh_text()

    def set_notice(self, text: str, kind: str = "info") -> None:
        self.notice = text
        self.notice_kind = kind
        self.refresh_text()

    def set_waiting(self, count: int) -> None:
        """How many messages wait for an answer; >0 shows the spinner."""
        self.waiting = count
        if count and self._timer is None:
            self._timer = self.set_interval(0.1, self._spin)
        elif not count and self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.refresh_text()

    def _spin(self) -> None:
        self._frame = (self._frame + 1) % len(SPINNER)
        self.refresh_text()

    @property
    def info_text(self) -> str:
        user_turns = sum(1 for r in self.results if r.user_text is not None)
        parts = [self.description or "…", f"{user_turns} turn{'' if user_turns == 1 else 's'}"]
        if self.language:
            parts.insert(1, self.language)
        answered = [r for r in self.results if r.user_text is not None]
        if answered:
            parts.append(f"last {turn_metrics(answered[-1])}")
        cost = total_cost(self.results)
        if cost is not None:
            parts.append(f"total ${cost:.4f}")
        if self.conversation_id:
            parts.append(self.conversation_id)
        return " · ".join(parts)

    @property
    def activity_text(self) -> str:
        if self.waiting:
            more = f" (+{self.waiting - 1} queued)" if self.waiting > 1 else ""
            return f"{SPINNER[self._frame]} thinking{more}"
        return self.notice

    def refresh_text(self) -> None:
        self._info.update(
            Text(printable(self.info_text, one_line=True), no_wrap=True, overflow="ellipsis")
        )
        activity = self._activity
        activity.update(
            Text(printable(self.activity_text, one_line=True), no_wrap=True, overflow="ellipsis")
        )
        activity.set_class(bool(self.waiting), "-busy")
        activity.set_class(not self.waiting and self.notice_kind == "error", "-error")
        activity.set_class(not self.waiting and self.notice_kind == "warning", "-warning")
