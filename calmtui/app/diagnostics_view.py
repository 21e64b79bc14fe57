"""How diagnostics look on a terminal, in JSON and as GitHub annotations: the one renderer.

Pure functions that return strings (so tests compare them exactly); rich is imported only when
colour is asked for. Every consumer renders through here: `calmtui validate`, the shell's start
and the inspector's Problems panel (hot reload), `calmtui test` and its pytest plugin. Styled
`Line`s (lists of `(text, style)` segments) are also what the test report is built from; `emit`
prints them with or without colour.

Text form (compiler style):

    data/flows/transfer.yml:12:18: error[CT302]: collect step asks for slot 'amout', ...
       12 |       - collect: amout
          |                  ^^^^^
      hint: did you mean 'amount'? (domain.yml:4)
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calmtui.app.safe_text import printable
from calmtui.core.diagnostics import Diagnostic, Span

JSON_VERSION = 1
Segment = tuple[str, str | None]  # (text, rich style or None)
Line = list[Segment]
_SEVERITY_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold blue"}
_GUTTER_STYLE = "blue"
_HINT_STYLE = "cyan"


def should_color(stream: Any, environ: Mapping[str, str] | None = None) -> bool:
    """Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or TERM=dumb."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


@dataclass(frozen=True, slots=True)
class PathDisplay:
    """Turns a span path (relative to the project root) into the path shown to the user:
    relative to the current directory when the project is below it, absolute otherwise."""

    root: str
    cwd: str = field(default_factory=os.getcwd)

    def __call__(self, span_path: str) -> str:
        if span_path.startswith("<"):  # built-in files such as <calmtui>/default_flows.yml
            return span_path
        full = os.path.normpath(os.path.join(self.root, span_path))
        cwd = os.path.normpath(self.cwd)
        if full == cwd or full.startswith(cwd.rstrip(os.sep) + os.sep):
            return Path(os.path.relpath(full, cwd)).as_posix()
        return full

    def span(self, span: Span) -> str:
        return f"{self(span.path)}:{span.line}:{span.col}"


# -- text ------------------------------------------------------------------------------------------


class _Sources:
    """Source lines by file, split once."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self._sources = sources
        self._lines: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self._lines:
            text = self._sources.get(path)
            if text is None:
                return None
            self._lines[path] = text.splitlines()
        lines = self._lines[path]
        return lines[number - 1] if 1 <= number <= len(lines) else None


EXCERPT_WIDTH = 160


def caret_width(span: Span, text: str) -> int:
    """How many carets to draw under `text` (the span's first line)."""
    start = span.col - 1
    if span.end_line == span.line and span.end_col > span.col:
        width = span.end_col - span.col
    elif span.end_line > span.line:
        width = len(text.rstrip()) - start
    else:
        width = 1
    if start < len(text):
        width = min(width, len(text) - start)
    return max(width, 1)


def excerpt(text: str, span: Span) -> tuple[str, int, int]:
    """The source line as shown: (text, caret column, caret count). A line longer than
    `EXCERPT_WIDTH` (a minified or hostile file: one line of 80,000 brackets) is cut to a window
    around the column, marked with `…`; control characters are shown, never sent."""
    carets = caret_width(span, text)
    col = span.col
    if len(text) > EXCERPT_WIDTH:
        start = max(0, min(col - 1 - EXCERPT_WIDTH // 4, len(text) - EXCERPT_WIDTH))
        end = start + EXCERPT_WIDTH
        head = "…" if start > 0 else ""
        text = head + text[start:end] + ("…" if end < len(text) else "")
        col = col - start + len(head)
        carets = max(1, min(carets, len(text) - col + 1))
    return printable(text), col, carets


def diagnostic_lines(
    d: Diagnostic, sources: _Sources, show_path: Callable[[str], str]
) -> list[Line]:
    severity_style = _SEVERITY_STYLE[d.severity]
    where = f"{show_path(d.span.path)}:{d.span.line}:{d.span.col}: " if d.span else ""
    lines: list[Line] = [
        [
            (printable(where), "bold"),
            (d.severity, severity_style),
            (f"[{d.code}]", severity_style),
            (f": {printable(d.message)}", "bold"),
        ]
    ]
    if d.span is not None:
        text = sources.line(d.span.path, d.span.line)
        if text is not None:
            text = text.rstrip("\r\n")
            number = str(d.span.line)
            gutter = max(len(number), 4)
            shown, col, carets = excerpt(text, d.span)
            pad = "".join(c if c == "\t" else " " for c in shown[: col - 1])
            lines.append([(f" {number:>{gutter}} | ", _GUTTER_STYLE), (shown, None)])
            lines.append(
                [
                    (f" {'':>{gutter}} | ", _GUTTER_STYLE),
                    (pad, None),
                    ("^" * carets, severity_style),
                ]
            )
    if d.hint:
        lines.append([("  hint: ", _HINT_STYLE), (printable(d.hint), None)])
    for related in d.related:
        if _same_place(related, d.span) or str(related) in (d.hint or ""):
            continue
        shown = f"{show_path(related.path)}:{related.line}:{related.col}"
        lines.append([("  see: ", _HINT_STYLE), (printable(shown), None)])
    return lines


def _same_place(a: Span, b: Span | None) -> bool:
    return b is not None and (a.path, a.line, a.col) == (b.path, b.line, b.col)


def all_lines(
    diagnostics: Iterable[Diagnostic],
    sources: Mapping[str, str],
    *,
    show_path: Callable[[str], str] = str,
) -> list[Line]:
    """The lines of several diagnostics, compiler style (for reports that embed them)."""
    src = _Sources(sources)
    return [line for d in diagnostics for line in diagnostic_lines(d, src, show_path)]


def render_text(
    diagnostics: Iterable[Diagnostic],
    sources: Mapping[str, str],
    *,
    show_path: Callable[[str], str],
    color: bool = False,
) -> str:
    """All diagnostics, compiler style, each with its source line, carets and hint."""
    src = _Sources(sources)
    lines = [line for d in diagnostics for line in diagnostic_lines(d, src, show_path)]
    return emit(lines, color=color)


def emit(lines: Sequence[Line], *, color: bool) -> str:
    if not lines:
        return ""
    if not color:
        return "".join("".join(text for text, _ in line) + "\n" for line in lines)
    import io

    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        color_system="standard",
        width=100_000,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )
    for line in lines:
        console.print(Text.assemble(*[(text, style or "") for text, style in line]))
    return buffer.getvalue()


def plain_text(lines: Sequence[Line]) -> str:
    """The lines without styles (pytest output, files, goldens)."""
    return emit(lines, color=False)


def write_text(
    stream: Any, diagnostics: Iterable[Diagnostic], sources: Mapping[str, str], *, root: str
) -> None:
    """Diagnostics compiler style on `stream` (stderr, mostly): coloured on a terminal, paths
    as `PathDisplay(root)` shows them."""
    stream.write(
        render_text(diagnostics, sources, show_path=PathDisplay(root), color=should_color(stream))
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# -- JSON ------------------------------------------------------------------------------------------


def render_json(
    *,
    project: str | None,
    diagnostics: Iterable[Diagnostic],
    summary: Mapping[str, Any],
) -> str:
    """The stable machine-readable document: version, project root, diagnostics, summary."""
    document = {
        "version": JSON_VERSION,
        "project": project,
        "diagnostics": [d.to_json() for d in diagnostics],
        "summary": dict(summary),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# -- GitHub Actions --------------------------------------------------------------------------------

_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Diagnostic, show_path: Callable[[str], str]) -> str:
    """`::error file=...,line=...,col=...,title=CT302::message` (workflow command syntax)."""
    props: list[str] = []
    if d.span is not None:
        props += [
            f"file={_escape_property(show_path(d.span.path))}",
            f"line={d.span.line}",
            f"col={d.span.col}",
        ]
    props.append(f"title={_escape_property(d.code)}")
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return f"::{_GITHUB_COMMAND[d.severity]} {','.join(props)}::{_escape_data(message)}"


def render_github(diagnostics: Iterable[Diagnostic], show_path: Callable[[str], str]) -> str:
    return "".join(github_annotation(d, show_path) + "\n" for d in diagnostics)
