"""Typed reading of YAML data that collects diagnostics instead of raising: calmtui's one reader.

Every loader reads through a `Reader`, so a value of the wrong type anywhere in a project file
becomes one `CT110` diagnostic at that value's position and the loader carries on with a default.
Test files are read by the same class with their own codes and conventions
(`calmtui.testing.reading.FileReader`: CT5xx codes, scalars as written, a name for a list).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from calmtui.core.diagnostics import Diagnostic, Span, did_you_mean
from calmtui.core.source import YMap, YSeq


def plain(value: Any) -> Any:
    """YMap/YSeq to plain dicts and lists (for YAML/JSON output and hashing)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in cast(dict[Any, Any], value).items()}
    if isinstance(value, list):
        return [plain(v) for v in cast(list[Any], value)]
    return value


def type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Reader:
    """One file's reader: `text` (when given) is its source, to recover how a scalar was written.

    The class attributes are the conventions of project files; a subclass changes them for
    another kind of file (the codes, and the word in "must be a list, found text")."""

    WRONG_TYPE = "CT110"
    MISSING_KEY = "CT112"
    UNKNOWN_KEY = "CT111"
    FOUND = "found"

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.text = text
        self.diagnostics: list[Diagnostic] = []
        self._lines: list[str] | None = None

    # -- reporting ------------------------------------------------------------------------------
    def error(
        self,
        code: str,
        message: str,
        span: Span | None,
        hint: str | None = None,
        related: tuple[Span, ...] = (),
    ) -> None:
        self.diagnostics.append(Diagnostic.error(code, message, span, hint=hint, related=related))

    def warning(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic.warning(code, message, span, hint=hint))

    def info(self, code: str, message: str, span: Span | None, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic.info(code, message, span, hint=hint))

    def wrong_type(
        self, what: str, expected: str, value: Any, span: Span | None, hint: str | None = None
    ) -> None:
        self.error(
            self.WRONG_TYPE,
            f"{what} must be {expected}, {self.FOUND} {type_name(value)}",
            span,
            hint,
        )

    # -- containers -----------------------------------------------------------------------------
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

    def as_map(self, value: Any, span: Span | None, what: str) -> YMap | None:
        return self.mapping(value, what, span)

    def as_seq(self, value: Any, span: Span | None, what: str) -> YSeq | None:
        return self.sequence(value, what, span)

    def map_at(self, m: YMap, key: str, what: str) -> YMap | None:
        value = m.get(key)
        if value is None:
            return None
        return self.as_map(value, m.value_span(key), what)

    def seq_at(self, m: YMap, key: str, what: str) -> YSeq | None:
        value = m.get(key)
        if value is None:
            return None
        return self.as_seq(value, m.value_span(key), what)

    # -- scalars --------------------------------------------------------------------------------
    def string(self, m: YMap, key: str, what: str, *, required: bool = False) -> str | None:
        value = m.get(key)
        if value is None:
            if required:
                self.error(self.MISSING_KEY, f"{what} needs a {key!r}", m.span)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.wrong_type(f"{key!r} of {what}", "text", value, m.value_span(key))
            return None
        return str(value)

    def boolean(self, m: YMap, key: str, what: str, default: bool) -> bool:
        value = m.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            hint = None
            if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off", "y", "n"):
                hint = f"write true or false; {value!r} is text in YAML 1.2"
            self.error(
                self.WRONG_TYPE,
                f"{key!r} of {what} must be true or false, found {type_name(value)}",
                m.value_span(key),
                hint,
            )
            return default
        return value

    def number(self, m: YMap, key: str, what: str) -> float | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.wrong_type(f"{key!r} of {what}", "a number", value, m.value_span(key))
            return None
        return float(value)

    def string_list(self, m: YMap, key: str, what: str) -> list[tuple[str, Span]]:
        seq = self.seq_at(m, key, f"{key!r} of {what}")
        if seq is None:
            return []
        result: list[tuple[str, Span]] = []
        for i, item in enumerate(seq):
            if isinstance(item, str | int | float) and not isinstance(item, bool):
                result.append((str(item), seq.item_span(i)))
            else:
                self.wrong_type(f"an entry of {key!r}", "text", item, seq.item_span(i))
        return result

    # -- keys -----------------------------------------------------------------------------------
    def check_keys(
        self,
        m: YMap,
        allowed: Collection[str],
        what: str,
        *,
        code: str | None = None,
        severity: str = "warning",
        list_allowed: bool = False,
    ) -> None:
        """Report keys not in `allowed` (with a did-you-mean; `list_allowed`: else name them)."""
        code = code or self.UNKNOWN_KEY
        for key in m:
            if key in allowed:
                continue
            hint = did_you_mean(key, allowed)
            if hint is None and list_allowed:
                hint = f"allowed here: {', '.join(allowed)}"
            message = f"unknown key {key!r} in {what}"
            if severity == "error":
                self.error(code, message, m.key_span(key), hint)
            else:
                self.warning(code, message, m.key_span(key), hint)

    def require(self, data: YMap, key: str, where: str, hint: str | None = None) -> bool:
        if key in data:
            return True
        self.error(self.MISSING_KEY, f"{where} needs a {key!r} key", data.span, hint)
        return False

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
