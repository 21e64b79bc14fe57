"""Typed reading of YAML data that collects diagnostics instead of raising.

Every loader reads through a `Reader`, so a value of the wrong type anywhere in a project file
becomes one `CT110` diagnostic at that value's position and the loader carries on with a default.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from calmtui.core.diagnostics import Diagnostic, Span, did_you_mean
from calmtui.core.source import YMap, YSeq


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
    def __init__(self, path: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []

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

    def wrong_type(self, what: str, expected: str, value: Any, span: Span | None) -> None:
        self.error("CT110", f"{what} must be {expected}, found {type_name(value)}", span)

    # -- containers -----------------------------------------------------------------------------
    def as_map(self, value: Any, span: Span | None, what: str) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.wrong_type(what, "a mapping", value, span)
        return None

    def as_seq(self, value: Any, span: Span | None, what: str) -> YSeq | None:
        if isinstance(value, YSeq):
            return value
        self.wrong_type(what, "a list", value, span)
        return None

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
                self.error("CT112", f"{what} needs a {key!r}", m.span)
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
                "CT110",
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
        code: str = "CT111",
        severity: str = "warning",
    ) -> None:
        for key in m:
            if key in allowed:
                continue
            hint = did_you_mean(key, allowed)
            message = f"unknown key {key!r} in {what}"
            if severity == "error":
                self.error(code, message, m.key_span(key), hint)
            else:
                self.warning(code, message, m.key_span(key), hint)
