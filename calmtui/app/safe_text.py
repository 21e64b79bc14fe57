"""Text from outside made safe to print on a terminal.

Slot values typed by a user or chosen by an LLM, texts from an action server, button titles,
file contents quoted by a diagnostic: all of it reaches the terminal, and a terminal obeys the
control sequences in what it prints. `\\x1b[2J` clears the screen, `\\x1b]0;…\\x07` retitles the
window, `\\x1b]52;c;…` writes the clipboard, a bidi override makes text read differently from
what it is. Everything calmtui prints that came from outside goes through `printable` first: each
control character becomes a visible stand-in (`␛`, `␇`, `\\x9b`, `\\u202e`), so nothing is
hidden and nothing is obeyed. `--json`, the database and reports written to files keep the
original text: only what goes to a terminal is changed.

Rich/Textual markup (`[bold]`, `[link=…]`) is the other half: front ends print outside text as
plain `Text`, never as markup (see `calmtui/tui`).
"""

from __future__ import annotations

import json
import math
from typing import Any, cast

# C0 controls become their Unicode "control pictures" (U+2400 + code), DEL becomes ␡; tab and
# newline stay (chat messages have lines). C1 controls (0x80-0x9f: 0x9b is a one-byte CSI) and the
# bidi embedding, override and isolate marks become escapes that show their code.
_TABLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20) if code not in (9, 10)}
_TABLE[0x7F] = "\u2421"
_TABLE.update({code: f"\\x{code:02x}" for code in range(0x80, 0xA0)})
_TABLE.update({code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_ONE_LINE = {**_TABLE, 9: "\u2409", 10: "\u240a"}


def printable(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character replaced by a visible stand-in; `one_line` also
    replaces newlines and tabs (for values shown inside a line, where a newline could forge
    a line of calmtui's own output)."""
    return text.translate(_ONE_LINE if one_line else _TABLE)


# Inside a JSON string, characters json.dumps leaves raw with ensure_ascii=False: DEL, the C1
# controls and the bidi marks. Escaped, they read back the same and do nothing on a terminal.
_JSON_ESCAPES = {
    code: f"\\u{code:04x}"
    for code in (0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def strict_json(value: Any) -> str:
    """`value` as one line of JSON any strict parser reads: non-finite floats (`1e309` read as
    infinity) become the strings "Infinity", "-Infinity" and "NaN" instead of the bare words
    Python writes, and no control character is left raw."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str, allow_nan=False)
    except ValueError:  # a non-finite float somewhere: the slow path, only then
        text = json.dumps(_finite(value), ensure_ascii=False, default=str, allow_nan=False)
    return text.translate(_JSON_ESCAPES)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in cast(dict[Any, Any], value).items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in cast(list[Any], value)]
    return value
