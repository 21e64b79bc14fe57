"""Reading test YAML with calmtui's one reader (`calmtui.core.loading.reader.Reader`), in the
conventions of test files.

`FileReader` wraps one parsed file: it reports with the test-file codes (CT505 a value of the
wrong type, CT506 a missing key, CT501 an unknown key — always an error, naming the keys allowed
when no name is close), reads a scalar as written in the file (`user: 1.50` stays `1.50`), and
accepts a single name where a list of names is expected.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from calmtui.core.diagnostics import Span
from calmtui.core.loading.reader import Reader, plain, type_name
from calmtui.core.source import YMap

WRONG_VALUE = "CT505"
MISSING_KEY = "CT506"
UNKNOWN_KEY = "CT501"

__all__ = ["MISSING_KEY", "UNKNOWN_KEY", "WRONG_VALUE", "FileReader", "plain", "type_name"]


class FileReader(Reader):
    WRONG_TYPE = WRONG_VALUE
    MISSING_KEY = MISSING_KEY
    UNKNOWN_KEY = UNKNOWN_KEY
    FOUND = "not"

    def check_keys(  # type: ignore[override]  # test files: unknown keys are always errors
        self, m: YMap, allowed: Iterable[str], what: str
    ) -> None:
        super().check_keys(m, tuple(allowed), what, severity="error", list_allowed=True)

    def string(self, m: YMap, key: str, what: str, *, required: bool = False) -> str | None:
        """A string value; numbers and booleans are read as written in the file."""
        if key not in m:
            if required:
                self.error(self.MISSING_KEY, f"{what} needs a {key!r} key", m.span)
            return None
        value = m[key]
        if isinstance(value, str):
            return value
        if isinstance(value, bool | int | float):
            return self.as_written(m.value_span(key), value)
        self.wrong_type(f"{what} {key!r}", "text", value, m.value_span(key))
        return None

    def string_list(self, m: YMap, key: str, what: str) -> list[tuple[str, Span]]:
        """A list of names; a single string is accepted as a one-item list."""
        value: Any = m.get(key)
        if isinstance(value, str):
            return [(value, m.value_span(key))]
        seq = self.sequence(value, f"{what} {key!r}", m.value_span(key))
        if seq is None:
            return []
        items: list[tuple[str, Span]] = []
        for i, item in enumerate(seq):
            if isinstance(item, str) and item:
                items.append((item, seq.item_span(i)))
            else:
                self.wrong_type(f"each item of {key!r}", "a name", item, seq.item_span(i))
        return items
