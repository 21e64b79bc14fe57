"""The `translation` keys of responses, buttons and flows (docs/languages.md).

Rasa's shapes, per language code:

* a response variation: `translation: {de: "Hallo!"}` — the translated text. calmtui also
  reads the mapping `translation: {de: {text: "Hallo!", buttons: [{title: ..., payload: ...}]}}`
  (the shape our issue tracker first specified, and the natural one when buttons are translated
  with the text): its `buttons` translate the variation's buttons by position, and a button's own
  `translation` wins over it;
* a button: `translation: {de: {title: "Ja", payload: "/SetSlots(ok=true)"}}` — the keys given
  replace the button's own;
* a flow: `translation: {de: {name: "Geld senden"}}` — the name shown to the user.

Anything else cannot be said, so it is an error (CT705) and that language falls back to the
default text; which languages are configured is checked later, by `validate` (CT704).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from calmtui.core.diagnostics import Span
from calmtui.core.loading.reader import Reader, type_name
from calmtui.core.source import YMap, YSeq

BUTTON_KEYS = ("title", "payload")


@dataclass(frozen=True, slots=True)
class TextTranslation:
    """A variation's translations: language -> text, where each language is written, and the
    button translations given with the text (language -> one {title?, payload?} per button)."""

    texts: dict[str, str] = field(default_factory=dict[str, str])
    spans: dict[str, Span] = field(default_factory=dict[str, Span])
    buttons: dict[str, list[dict[str, str]]] = field(
        default_factory=dict[str, list[dict[str, str]]]
    )


def read_text_translation(reader: Reader, m: YMap, what: str) -> TextTranslation:
    """A variation's `translation`, in Rasa's shape (`de: "text"`) or as `de: {text, buttons}`."""
    table = reader.map_at(m, "translation", f"'translation' of {what}")
    result = TextTranslation()
    texts, spans = result.texts, result.spans
    if table is None:
        return result
    for code, value in table.items():
        span = table.value_span(code)
        if isinstance(value, YMap):
            _read_text_mapping(reader, value, code, what, result)
            spans.setdefault(code, table.key_span(code))
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            _wrong_shape(
                reader,
                f"the {code!r} translation of {what} must be the translated text, "
                f"found {type_name(value)}",
                span,
                f'write `{code}: "..."` or `{code}: {{text: "...", buttons: [...]}}`',
            )
            continue
        texts[code] = str(value)
        spans[code] = table.key_span(code)
    return result


def _read_text_mapping(
    reader: Reader, value: YMap, code: str, what: str, result: TextTranslation
) -> None:
    """`de: {text: ..., buttons: [...]}`: other keys are ignored (as Rasa ignores unknown
    response keys); a text or a button that cannot be said is CT705."""
    text = value.get("text")
    if text is not None:
        if isinstance(text, bool) or not isinstance(text, str | int | float):
            _wrong_shape(
                reader,
                f"'text' of the {code!r} translation of {what} must be text",
                value.value_span("text"),
            )
        else:
            result.texts[code] = str(text)
    raw = value.get("buttons")
    if raw is None:
        if text is None:
            _wrong_shape(
                reader,
                f"the {code!r} translation of {what} must give its 'text' (or 'buttons')",
                value.span,
                f'write `{code}: "..."` or `{code}: {{text: "..."}}`',
            )
        return
    if not isinstance(raw, YSeq):
        _wrong_shape(
            reader,
            f"'buttons' of the {code!r} translation of {what} must be a list, "
            f"found {type_name(raw)}",
            value.value_span("buttons"),
        )
        return
    buttons: list[dict[str, str]] = []
    for i, item in enumerate(raw):
        fields: dict[str, str] = {}
        if isinstance(item, YMap):
            for key in BUTTON_KEYS:
                field_value = item.get(key)
                if isinstance(field_value, str | int | float) and not isinstance(field_value, bool):
                    fields[key] = str(field_value)
        if not fields:
            _wrong_shape(
                reader,
                f"button {i + 1} of the {code!r} translation of {what} must give its 'title' "
                "(and 'payload')",
                raw.item_span(i),
            )
        buttons.append(fields)
    result.buttons[code] = buttons


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
