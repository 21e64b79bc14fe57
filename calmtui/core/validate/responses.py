"""Responses: placeholders in their texts and the payloads of their buttons (FORMATS.md b.2, h.6)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.model.domain import Button, Response, ResponseVariation
from calmtui.core.model.slots import NO_VALUE_TEXTS
from calmtui.core.validate.context import ValidationContext

# `{name}` is filled from slot values; `{{ ... }}` (Jinja) and `{ name }` are left alone.
PLACEHOLDER_RE = re.compile(r"(?<!\{)\{([^\n{}]*)\}(?!\})")
_NAME_RE = re.compile(r"^[A-Za-z_][\w-]*$")


def user_variations(ctx: ValidationContext) -> Iterator[tuple[Response, ResponseVariation]]:
    for response in ctx.domain.responses.values():
        if not response.builtin:
            for variation in response.variations:
                yield response, variation


def placeholders(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT208 empty `{}` (warning) and CT209 `{name}` that is not a slot (warning)."""
    for response, variation in user_variations(ctx):
        text = variation.text
        if not text or "{" not in text or variation.uses_jinja:
            continue
        for match in PLACEHOLDER_RE.finditer(text):
            name = match.group(1)
            span = inner_span(variation.text_span, text, match.start(), match.end() - match.start())
            span = span or variation.span or response.span
            if not name.strip():
                yield Diagnostic.warning(
                    "CT208",
                    f"response {response.name!r} has an empty placeholder '{{}}'",
                    span,
                    hint="put a slot name inside the braces, e.g. '{amount}', or remove them",
                )
            elif _NAME_RE.match(name) and name not in ctx.slots:
                yield Diagnostic.warning(
                    "CT209",
                    f"response {response.name!r} uses '{{{name}}}', but {name!r} is not "
                    "listed in the domain slots",
                    span,
                    hint=ctx.slot_hint(
                        name, "if a custom action fills it, ignore this with --ignore CT209"
                    ),
                )


def inner_span(span: Span | None, text: str, offset: int, width: int) -> Span | None:
    """The span of `text[offset:offset + width]` when the scalar sits on one line unescaped."""
    if span is None or span.end_line != span.line or "\n" in text:
        return span
    extent = span.end_col - span.col
    if extent == len(text):
        start = span.col
    elif extent == len(text) + 2:  # a quoted scalar without escapes
        start = span.col + 1
    else:
        return span
    return Span(span.path, span.line, start + offset, span.line, start + offset + width)


# -- buttons ---------------------------------------------------------------------------------------


def set_slots_of(payload: str) -> list[tuple[str, Any]] | None:
    """(slot, value) pairs of a `/SetSlots(...)` payload, read by the runtime's own reader.

    None when the payload is not a SetSlots payload; raises ValueError when it starts like one
    but cannot be read, or sets nothing. Values the engine treats as "no value" become None.
    """
    from calmtui.core.payloads import (
        parse_set_slots_payload,  # only projects with buttons pay for it
    )

    commands = parse_set_slots_payload(payload)
    if commands is None:
        if payload.lstrip().startswith("/SetSlots"):
            raise ValueError("expected '/SetSlots(name=value, ...)'")
        return None
    if not commands:
        raise ValueError("it sets no slots")
    return [(c.name, _none_like(c.value)) for c in commands]


def _none_like(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in NO_VALUE_TEXTS:
        return None
    return value


def button_payloads(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT212 no payload, CT225 unreadable SetSlots, CT213 unknown slot, CT214 bad value, CT215 intent."""
    for response, variation in user_variations(ctx):
        for button in variation.buttons:
            yield from _check_button(ctx, response, button, variation.span or response.span)


def _check_button(
    ctx: ValidationContext, response: Response, button: Button, fallback: Span | None
) -> Iterator[Diagnostic]:
    span = button.payload_span or button.span or fallback
    label = f"button {button.title!r} of response {response.name!r}"
    payload = (button.payload or "").strip()
    if not payload:
        yield Diagnostic.error(
            "CT212",
            f"{label} has no payload",
            button.span or fallback,
            hint="add 'payload:', e.g. '/SetSlots(confirm=true)' or the text the user would type",
        )
        return
    try:
        assignments = set_slots_of(payload)
    except ValueError as exc:
        yield Diagnostic.error(
            "CT225",
            f"{label} has a SetSlots payload that cannot be read: {exc}",
            span,
            hint="write it as '/SetSlots(slot=value, other=value)'",
        )
        return
    if assignments is None:
        from calmtui.core.payloads import parse_intent_payload

        intent = parse_intent_payload(payload)
        if intent is not None and intent[0] not in ctx.known_intents:
            name = intent[0]
            yield Diagnostic.warning(
                "CT215",
                f"{label} sends intent {name!r}, which is not listed in the domain intents",
                span,
                hint="use '/SetSlots(...)' to set slots, or list the intent under 'intents:'",
            )
        return
    for name, value in assignments:
        yield from _check_assignment(ctx, label, name, value, span)


def _check_assignment(
    ctx: ValidationContext, label: str, name: str, value: Any, span: Span | None
) -> Iterator[Diagnostic]:
    slot = ctx.slots.get(name)
    if slot is None:
        yield Diagnostic.error(
            "CT213",
            f"{label} sets slot {name!r}, which is not listed in the domain slots",
            span,
            hint=ctx.slot_hint(name),
        )
        return
    _, valid = slot.coerce(value)
    if not valid:
        allowed = slot.allowed_values()
        yield Diagnostic.error(
            "CT214",
            f"{label} sets {slot.type} slot {name!r} to {value!r}, which does not fit the slot",
            span,
            hint=(
                "use one of: "
                + ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in allowed)
            )
            if allowed
            else None,
        )
