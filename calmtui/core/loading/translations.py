"""The `translation` keys of responses, buttons and flows (docs/languages.md).

Rasa's shapes, per language code:

* a response variation: `translation: {de: "Hallo!"}` — the translated text;
* a button: `translation: {de: {title: "Ja", payload: "/SetSlots(ok=true)"}}` — the keys given
  replace the button's own;
* a flow: `translation: {de: {name: "Geld senden"}}` — the name shown to the user.

Anything else cannot be said, so it is an error (CT705) and that language falls back to the
default text; which languages are configured is checked later, by `validate` (CT704).
"""

from __future__ import annotations

from typing import Any

from calmtui.core.diagnostics import Span
from calmtui.core.loading.reader import Reader, type_name
from calmtui.core.source import YMap

BUTTON_KEYS = ("title", "payload")


def read_text_translation(
    reader: Reader, m: YMap, what: str
) -> tuple[dict[str, str], dict[str, Span]]:
    """A variation's `translation`: language -> text, and where each language is written."""
    table = reader.map_at(m, "translation", f"'translation' of {what}")
    texts: dict[str, str] = {}
    spans: dict[str, Span] = {}
    if table is None:
        return texts, spans
    for code, value in table.items():
        span = table.value_span(code)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            _wrong_shape(
                reader,
                f"the {code!r} translation of {what} must be the translated text, "
                f"found {type_name(value)}",
                span,
                f'write `{code}: "..."`; translate button titles on each button',
            )
            continue
        texts[code] = str(value)
        spans[code] = table.key_span(code)
    return texts, spans


def read_button_translation(
    reader: Reader, b: YMap, what: str
) -> tuple[dict[str, dict[str, str]], dict[str, Span]]:
    """A button's `translation`: language -> {title?, payload?}."""
    table = reader.map_at(b, "translation", f"'translation' of {what}")
    result: dict[str, dict[str, str]] = {}
    spans: dict[str, Span] = {}
    if table is None:
        return result, spans
    for code, value in table.items():
        span = table.value_span(code)
        if not isinstance(value, YMap) or not any(k in value for k in BUTTON_KEYS):
            _wrong_shape(
                reader,
                f"the {code!r} translation of {what} must give its 'title' (and 'payload')",
                span,
                f'write `{code}: {{title: "..."}}`',
            )
            continue
        fields: dict[str, str] = {}
        for key in BUTTON_KEYS:
            text = value.get(key)
            if text is None:
                continue
            if isinstance(text, bool) or not isinstance(text, str | int | float):
                _wrong_shape(
                    reader,
                    f"{key!r} of the {code!r} translation of {what} must be text",
                    value.value_span(key),
                )
                continue
            fields[key] = str(text)
        result[code] = fields
        spans[code] = table.key_span(code)
    return result, spans


def read_flow_translation(
    reader: Reader, m: YMap, what: str
) -> tuple[dict[str, str], dict[str, Span]]:
    """A flow's `translation`: language -> name (Rasa reads `name`; other keys are ignored)."""
    table = reader.map_at(m, "translation", f"'translation' of {what}")
    names: dict[str, str] = {}
    spans: dict[str, Span] = {}
    if table is None:
        return names, spans
    for code, value in table.items():
        span = table.value_span(code)
        name: Any = value.get("name") if isinstance(value, YMap) else None
        if isinstance(name, bool) or not isinstance(name, str | int | float) or not str(name):
            _wrong_shape(
                reader,
                f"the {code!r} translation of {what} must give the flow's 'name'",
                span,
                f'write `{code}: {{name: "..."}}`',
            )
            continue
        names[code] = str(name)
        spans[code] = table.key_span(code)
    return names, spans


def _wrong_shape(reader: Reader, message: str, span: Span, hint: str | None = None) -> None:
    reader.error(
        "CT705",
        message,
        span,
        hint=(hint + "; " if hint else "") + "this language uses the default text until then",
    )
