"""Shared helpers for reading test YAML: one place that reports problems with their spans.

`FileReader` wraps one parsed file: it knows the source lines (to recover how a number was
written, e.g. `user: 1.50`), collects diagnostics, and offers typed getters that report a CT505
instead of raising when a value has the wrong type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from calmtui.core.diagnostics import Diagnostic, Span, did_you_mean
from calmtui.core.source import YMap, YSeq

WRONG_VALUE = "CT505"
MISSING_KEY = "CT506"
UNKNOWN_KEY = "CT501"


def plain(value: Any) -> Any:
    """YMap/YSeq to plain dicts and lists (for YAML/JSON output and hashing)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}  # type: ignore[misc]
    if isinstance(value, list):
        return [plain(v) for v in value]  # type: ignore[misc]
    return value


def type_name(value: Any) -> str:
    match value:
        case None:
            return "nothing"
        case bool():
            return "a boolean"
        case int() | float():
            return "a number"
        case str():
            return "text"
        case dict():
            return "a mapping"
        case list():
            return "a list"
        case _:
            return type(value).__name__


@dataclass(slots=True)
class FileReader:
    path: str
    text: str
    diagnostics: list[Diagnostic] = field(default_factory=list[Diagnostic])
    _lines: list[str] | None = None

    # -- reporting ------------------------------------------------------------------------------
    def error(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic.error(code, message, span, hint=hint))

    def warning(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic.warning(code, message, span, hint=hint))

    def wrong_type(
        self, what: str, expected: str, value: Any, span: Span | None, hint: str | None = None
    ) -> None:
        self.error(WRONG_VALUE, f"{what} must be {expected}, not {type_name(value)}", span, hint)

    # -- shapes ---------------------------------------------------------------------------------
    def mapping(
        self, value: Any, what: str, span: Span | None, hint: str | None = None
    ) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.wrong_type(what, "a mapping", value, span, hint)
        return None

    def sequence(
        self, value: Any, what: str, span: Span | None, hint: str | None = None
    ) -> YSeq | None:
        if isinstance(value, YSeq):
            return value
        self.wrong_type(what, "a list", value, span, hint)
        return None

    def check_keys(self, data: YMap, allowed: Iterable[str], where: str) -> None:
        allowed = tuple(allowed)
        for key in data:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"allowed here: {', '.join(allowed)}"
                self.error(UNKNOWN_KEY, f"unknown key {key!r} in {where}", data.key_span(key), hint)

    def require(self, data: YMap, key: str, where: str, hint: str | None = None) -> bool:
        if key in data:
            return True
        self.error(MISSING_KEY, f"{where} needs a {key!r} key", data.span, hint)
        return False

    def string(self, data: YMap, key: str, what: str, *, required: bool = False) -> str | None:
        """A string value; numbers and booleans are read as written in the file."""
        if key not in data:
            if required:
                self.error(MISSING_KEY, f"{what} needs a {key!r} key", data.span)
            return None
        value = data[key]
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float):
            return self.as_written(data.value_span(key), value)
        self.wrong_type(f"{what} {key!r}", "text", value, data.value_span(key))
        return None

    def as_written(self, span: Span, value: Any) -> str:
        """The source text of a scalar (so `1.50` stays `1.50`), falling back to str()."""
        if self._lines is None:
            self._lines = self.text.splitlines()
        if (
            span.end_line == span.line
            and 1 <= span.line <= len(self._lines)
            and span.end_col > span.col
        ):
            written = self._lines[span.line - 1][span.col - 1 : span.end_col - 1].strip()
            if written:
                return written.strip("'\"")
        return str(value).lower() if isinstance(value, bool) else str(value)

    def string_list(self, data: YMap, key: str, what: str) -> list[tuple[str, Span]]:
        """A list of names; a single string is accepted as a one-item list."""
        value = data.get(key)
        if isinstance(value, str):
            return [(value, data.value_span(key))]
        seq = self.sequence(value, f"{what} {key!r}", data.value_span(key))
        if seq is None:
            return []
        items: list[tuple[str, Span]] = []
        for i, item in enumerate(seq):
            if isinstance(item, str) and item:
                items.append((item, seq.item_span(i)))
            else:
                self.wrong_type(f"each item of {key!r}", "a name", item, seq.item_span(i))
        return items
