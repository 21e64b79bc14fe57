"""Problems: the diagnostics of the last (re)load — warnings of a good version, or the errors
of a broken edit while the last good version keeps running — rendered as `calmtui validate`
renders them (`calmtui.app.diagnostics_view`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from calmtui.app.diagnostics_view import render_text
from calmtui.core.diagnostics import Diagnostic


def count_line(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = sum(1 for d in diagnostics if d.severity == "warning")
    parts = [f"{errors} error{'' if errors == 1 else 's'}"] if errors else []
    if warnings:
        parts.append(f"{warnings} warning{'' if warnings == 1 else 's'}")
    return ", ".join(parts) or "no problems"


class ProblemsPanel(VerticalScroll):
    def __init__(self, *, id: str | None = None, show_path: Callable[[str], str] = str) -> None:
        super().__init__(id=id, classes="panel")
        self.border_title = "Problems"
        self.show_path = show_path
        self.diagnostics: tuple[Diagnostic, ...] = ()
        self.headline = ""
        self._text = ""
        self._headline = Static(id="problems-headline")
        self._body = Static(id="problems-body")

    def compose(self) -> ComposeResult:
        yield self._headline
        yield self._body

    def on_mount(self) -> None:
        self._refresh_body()

    def show(
        self, diagnostics: Sequence[Diagnostic], sources: Mapping[str, str], *, headline: str
    ) -> None:
        shown = [d for d in diagnostics if d.severity != "info"]
        self.diagnostics = tuple(shown)
        self.headline = headline
        self._text = (
            render_text(shown, sources, show_path=self.show_path, color=True) if shown else ""
        )
        self._refresh_body()

    def _refresh_body(self) -> None:
        errors = sum(1 for d in self.diagnostics if d.is_error)
        self.border_title = (
            f"Problems ({count_line(self.diagnostics)})" if self.diagnostics else "Problems"
        )
        self.set_class(errors > 0, "-errors")
        headline = Text(self.headline, style="bold red" if errors else "dim")
        self._headline.update(headline)
        body = (
            Text.from_ansi(self._text)
            if self._text
            else Text("No problems in the project.", style="dim")
        )
        self._body.update(body)

    def copy_text(self) -> str | None:
        return Text.from_ansi(self._text).plain if self._text else None
