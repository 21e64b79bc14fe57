"""Reads one or more domain files into a `Domain` (FORMATS.md b).

Several files (a `domain/` directory) are merged like Rasa does: later definitions of the same
slot, response or action override earlier ones, with a `CT207` warning that names both places.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from calmtui.core.diagnostics import Diagnostic, Span, did_you_mean
from calmtui.core.loading.reader import Reader, type_name
from calmtui.core.loading.translations import read_button_translation, read_text_translation
from calmtui.core.model.domain import (
    Action,
    Button,
    Domain,
    LegacyCondition,
    Response,
    ResponseVariation,
    SessionConfig,
)
from calmtui.core.model.slots import (
    BUILTIN_SLOT_TYPES,
    SLOT_MAPPING_TYPES,
    Rejection,
    Slot,
    SlotMapping,
    SlotType,
    SlotValidation,
)
from calmtui.core.source import YamlFile, YMap, YSeq

SLOT_NAME_RE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_-]*$")
DOMAIN_KEYS = (
    "version",
    "intents",
    "entities",
    "slots",
    "responses",
    "actions",
    "forms",
    "config",
    "session_config",
    "e2e_actions",
)
SLOT_KEYS = (
    "type",
    "values",
    "initial_value",
    "min_value",
    "max_value",
    "influence_conversation",
    "mappings",
    "validation",
    "shared_for_coexistence",
)
VARIATION_KEYS = (
    "text",
    "image",
    "buttons",
    "button_type",
    "custom",
    "attachment",
    "quick_replies",
    "elements",
    "channel",
    "condition",
    "id",
    "metadata",
    "translation",
)
CONTENT_KEYS = ("text", "image", "custom", "buttons", "attachment", "elements", "quick_replies")


@dataclass
class _Parts:
    slots: dict[str, Slot] = field(default_factory=dict[str, Slot])
    responses: dict[str, Response] = field(default_factory=dict[str, Response])
    actions: dict[str, Action] = field(default_factory=dict[str, Action])
    intents: dict[str, None] = field(default_factory=dict[str, None])
    entities: dict[str, None] = field(default_factory=dict[str, None])
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict[str, tuple[str, ...]])
    session: SessionConfig | None = None
    first_seen: dict[tuple[str, str], Span | None] = field(
        default_factory=dict[tuple[str, str], Span | None]
    )


def load_domain(files: list[YamlFile]) -> tuple[Domain, list[Diagnostic]]:
    parts = _Parts()
    diagnostics: list[Diagnostic] = []
    for file in files:
        reader = Reader(file.path)
        _read_file(reader, file, parts)
        diagnostics.extend(reader.diagnostics)
    domain = Domain(
        slots=parts.slots,
        responses=parts.responses,
        actions=parts.actions,
        intents=tuple(parts.intents),
        entities=tuple(parts.entities),
        forms=tuple(parts.forms),
        form_slots=dict(parts.forms),
        session_config=parts.session or SessionConfig(),
        files=tuple(f.path for f in files),
    )
    return domain, diagnostics


def _read_file(reader: Reader, file: YamlFile, parts: _Parts) -> None:
    data = file.data
    if data is None:
        return
    if not isinstance(data, YMap):
        reader.error(
            "CT109",
            f"a domain file must be a mapping of keys such as 'slots' and 'responses', found {type_name(data)}",
            getattr(data, "span", Span(file.path, 1, 1)),
        )
        return
    reader.check_keys(data, DOMAIN_KEYS, "the domain")
    _read_slots(reader, data, parts)
    _read_responses(reader, data, parts)
    _read_actions(reader, data, parts)
    _read_names(reader, data, "intents", parts.intents)
    _read_names(reader, data, "entities", parts.entities)
    _read_forms(reader, data, parts)
    _read_session(reader, data, parts)


def _read_slots(reader: Reader, data: YMap, parts: _Parts) -> None:
    if (slots := reader.map_at(data, "slots", "'slots'")) is None:
        return
    for name, value in slots.items():
        slot = read_slot(reader, name, value, slots.key_span(name), slots.value_span(name))
        if slot is not None:
            _remember(reader, parts, "slot", name, slot.span)
            parts.slots[name] = slot


def _read_responses(reader: Reader, data: YMap, parts: _Parts) -> None:
    if (responses := reader.map_at(data, "responses", "'responses'")) is None:
        return
    for name, value in responses.items():
        response = _read_response(
            reader, name, value, responses.key_span(name), responses.value_span(name)
        )
        if response is not None:
            _remember(reader, parts, "response", name, response.span)
            parts.responses[name] = response


def _read_actions(reader: Reader, data: YMap, parts: _Parts) -> None:
    if (actions := reader.seq_at(data, "actions", "'actions'")) is None:
        return
    for i, item in enumerate(actions):
        action = _read_action(reader, item, actions.item_span(i))
        if action is not None:
            _remember(reader, parts, "action", action.name, action.span)
            parts.actions[action.name] = action


def _read_names(reader: Reader, data: YMap, key: str, target: dict[str, None]) -> None:
    if (items := reader.seq_at(data, key, f"{key!r}")) is None:
        return
    for i, item in enumerate(items):
        name = _name_of(item)
        if name is None:
            reader.wrong_type(f"an entry of {key!r}", "a name", item, items.item_span(i))
        else:
            target[name] = None


def _read_forms(reader: Reader, data: YMap, parts: _Parts) -> None:
    if (forms := reader.map_at(data, "forms", "'forms'")) is None:
        return
    for name, form in forms.items():
        required = form.get("required_slots") if isinstance(form, YMap) else None
        slots = [_name_of(s) for s in required] if isinstance(required, YSeq) else []
        parts.forms[name] = tuple(s for s in slots if s is not None)
    if forms:
        reader.warning(
            "CT221",
            "forms are ignored: CALM assistants collect information with flows",
            data.key_span("forms"),
            hint="move the form's required slots into a flow's collect steps",
        )


def _read_session(reader: Reader, data: YMap, parts: _Parts) -> None:
    if (session := reader.map_at(data, "session_config", "'session_config'")) is None:
        return
    reader.check_keys(
        session, ("session_expiration_time", "carry_over_slots_to_new_session"), "'session_config'"
    )
    expiry = reader.number(session, "session_expiration_time", "'session_config'")
    carry = reader.boolean(session, "carry_over_slots_to_new_session", "'session_config'", True)
    parts.session = SessionConfig(
        session_expiration_time=60.0 if expiry is None else expiry,
        carry_over_slots_to_new_session=carry,
    )


def _name_of(item: Any) -> str | None:
    """Intents and entities are names, or one-key mappings `{name: {options}}`."""
    if isinstance(item, str):
        return item
    if isinstance(item, YMap) and len(item) == 1:
        return next(iter(item))
    return None


def _remember(reader: Reader, parts: _Parts, kind: str, name: str, span: Span | None) -> None:
    key = (kind, name)
    if key in parts.first_seen:
        first = parts.first_seen[key]
        reader.warning(
            "CT207",
            f"{kind} {name!r} is defined again; this definition replaces the earlier one",
            span,
            hint=f"first defined at {first}" if first else None,
        )
    parts.first_seen[key] = span


def read_slot(
    reader: Reader, name: str, value: Any, key_span: Span, value_span: Span
) -> Slot | None:
    what = f"slot {name!r}"
    if not SLOT_NAME_RE.match(name):
        reader.warning(
            "CT223",
            f"slot name {name!r} is not valid in flows; Rasa accepts it in the domain, but a "
            "collect step or condition cannot name it",
            key_span,
            hint=f"slot names must match {SLOT_NAME_RE.pattern}",
        )
    m = reader.as_map(value, value_span, what)
    if m is None:
        return None
    reader.check_keys(m, SLOT_KEYS, what)
    raw_type = reader.string(m, "type", what, required=True)
    if raw_type is None:
        return None
    slot_type: SlotType
    custom_type: str | None = None
    if raw_type in BUILTIN_SLOT_TYPES:
        slot_type = raw_type  # type: ignore[assignment]
    elif raw_type == "strict_categorical":
        slot_type = "categorical"
    elif "." in raw_type:
        slot_type, custom_type = "custom", raw_type
    else:
        reader.error(
            "CT201",
            f"slot {name!r} has unknown type {raw_type!r}",
            m.value_span("type"),
            hint=did_you_mean(raw_type, BUILTIN_SLOT_TYPES)
            or "use one of " + ", ".join(BUILTIN_SLOT_TYPES),
        )
        slot_type = "any"
    values: tuple[str, ...] = ()
    if slot_type == "categorical":
        listed = reader.seq_at(m, "values", what)
        if not listed:
            reader.warning(
                "CT202",
                f"categorical slot {name!r} has no 'values': no value fits it",
                m.key_span("type"),
                hint="list the allowed values under 'values:'",
            )
        else:
            values = tuple(
                str(v).lower() if isinstance(v, bool) else str(v) for v in listed if v is not None
            )
    elif "values" in m:
        reader.warning(
            "CT111",
            f"'values' only applies to categorical slots, not {slot_type!r}",
            m.key_span("values"),
        )
    slot = Slot(
        name=name,
        type=slot_type,
        values=values,
        initial_value=None,
        min_value=reader.number(m, "min_value", what),
        max_value=reader.number(m, "max_value", what),
        mappings=_read_mappings(reader, m, what),
        validation=_read_validation(reader, m, what),
        custom_type=custom_type,
        span=key_span,
    )
    initial = m.get("initial_value")
    if initial is not None:
        coerced, valid = slot.coerce(initial)
        if not valid:
            reader.warning(
                "CT203",
                f"initial_value {initial!r} does not fit {slot_type} slot {name!r}",
                m.value_span("initial_value"),
            )
        slot = Slot(**{**_fields(slot), "initial_value": coerced})
    return slot


def _fields(slot: Slot) -> dict[str, Any]:
    return {f: getattr(slot, f) for f in Slot.__dataclass_fields__}


def _read_mappings(reader: Reader, m: YMap, what: str) -> tuple[SlotMapping, ...]:
    seq = reader.seq_at(m, "mappings", f"'mappings' of {what}")
    if seq is None:
        return ()
    result: list[SlotMapping] = []
    for i, item in enumerate(seq):
        mapping = reader.as_map(item, seq.item_span(i), f"a mapping of {what}")
        if mapping is None:
            continue
        kind = reader.string(mapping, "type", f"a mapping of {what}", required=True)
        if kind is None:
            continue
        if kind not in SLOT_MAPPING_TYPES:
            reader.error(
                "CT204",
                f"unknown slot mapping type {kind!r} in {what}",
                mapping.value_span("type"),
                hint=did_you_mean(kind, SLOT_MAPPING_TYPES) or "use from_llm or controlled",
            )
        options = {k: v for k, v in mapping.items() if k != "type"}
        result.append(SlotMapping(type=kind, options=options, span=mapping.span))
    return tuple(result)


def read_rejections(
    reader: Reader, seq: YSeq | None, what: str, *, lenient: bool = False
) -> tuple[Rejection, ...]:
    """`if`/`utter` items. Rasa's flow schema lets a collect step's rejections carry other keys
    and ignores them (`lenient`: a CT350 warning each); its domain `validation` is strict."""
    if seq is None:
        return ()
    result: list[Rejection] = []
    for i, item in enumerate(seq):
        m = reader.as_map(item, seq.item_span(i), f"a rejection of {what}")
        if m is None:
            continue
        if lenient:
            _ignore_extra_rejection_keys(reader, m, what)
        else:
            reader.check_keys(
                m, ("if", "utter"), f"a rejection of {what}", code="CT301", severity="error"
            )
        condition = m.get("if")
        if isinstance(condition, bool):
            condition = "true" if condition else "false"
        utter = reader.string(m, "utter", f"a rejection of {what}", required=True)
        if not isinstance(condition, str):
            reader.error("CT112", f"a rejection of {what} needs an 'if' condition", m.span)
            continue
        if utter is None:
            continue
        result.append(
            Rejection(
                condition=condition,
                utter=utter,
                span=m.value_span("if"),
                utter_span=m.value_span("utter"),
            )
        )
    return tuple(result)


def _ignore_extra_rejection_keys(reader: Reader, m: YMap, what: str) -> None:
    for key in m:
        if key in ("if", "utter"):
            continue
        reader.warning(
            "CT350",
            f"key {key!r} in a rejection of {what} is ignored, as Rasa does",
            m.key_span(key),
            hint=did_you_mean(key, ("if", "utter"))
            or "a rejection only says `utter` and asks again; branch with the step's `next:`",
        )


def _read_validation(reader: Reader, m: YMap, what: str) -> SlotValidation | None:
    v = reader.map_at(m, "validation", f"'validation' of {what}")
    if v is None:
        return None
    reader.check_keys(v, ("rejections", "refill_utter"), f"'validation' of {what}")
    rejections = read_rejections(
        reader, reader.seq_at(v, "rejections", f"'validation' of {what}"), what
    )
    return SlotValidation(
        rejections=rejections,
        refill_utter=reader.string(v, "refill_utter", f"'validation' of {what}"),
        span=v.span,
    )


def _read_response(
    reader: Reader, name: str, value: Any, key_span: Span, value_span: Span
) -> Response | None:
    what = f"response {name!r}"
    seq = reader.as_seq(value, value_span, what)
    if seq is None:
        return None
    if not seq:
        reader.warning(
            "CT272",
            f"{what} has no variations: saying it gives the internal error",
            key_span,
            hint="add at least one '- text: ...'",
        )
    variations: list[ResponseVariation] = []
    for i, item in enumerate(seq):
        variation = _read_variation(reader, item, seq.item_span(i), what)
        if variation is not None:
            variations.append(variation)
    return Response(name=name, variations=tuple(variations), span=key_span)


def _read_variation(reader: Reader, item: Any, span: Span, what: str) -> ResponseVariation | None:
    m = reader.as_map(item, span, f"a variation of {what}")
    if m is None:
        return None
    reader.check_keys(m, VARIATION_KEYS, f"a variation of {what}")
    if not any(m.get(k) is not None for k in CONTENT_KEYS):
        reader.error(
            "CT206",
            f"a variation of {what} has nothing to say",
            m.span,
            hint="give it a 'text' (or image, buttons, custom, attachment)",
        )
    text = m.get("text")
    if text is not None and not isinstance(text, str):
        text = str(text).lower() if isinstance(text, bool) else str(text)
    condition: str | None = None
    legacy: list[LegacyCondition] = []
    raw_condition = m.get("condition")
    if isinstance(raw_condition, str):
        condition = raw_condition
    elif isinstance(raw_condition, YSeq):
        for j, c in enumerate(raw_condition):
            cm = reader.as_map(c, raw_condition.item_span(j), f"a condition of {what}")
            if cm is not None and isinstance(cm.get("name"), str):
                legacy.append(LegacyCondition(name=cm["name"], value=cm.get("value")))
            elif cm is not None:
                reader.error("CT112", f"a condition of {what} needs a slot 'name'", cm.span)
    elif raw_condition is not None:
        reader.wrong_type(
            f"'condition' of {what}", "a predicate text", raw_condition, m.value_span("condition")
        )
    metadata_map = reader.map_at(m, "metadata", f"'metadata' of {what}")
    metadata: dict[str, Any] = dict(metadata_map) if metadata_map is not None else {}
    translation = read_text_translation(reader, m, f"a variation of {what}")
    buttons = _read_buttons(reader, m, what)
    for code, translated in translation.buttons.items():
        if len(translated) > len(buttons):
            reader.error(
                "CT705",
                f"the {code!r} translation of a variation of {what} has {len(translated)} "
                f"buttons; the variation has {len(buttons)}",
                translation.spans.get(code, m.span),
                hint="translate the variation's buttons in order, one entry per button",
            )
    return ResponseVariation(
        text=text,
        image=reader.string(m, "image", f"a variation of {what}"),
        buttons=_with_variation_translations(buttons, translation.buttons),
        button_type=reader.string(m, "button_type", f"a variation of {what}"),
        custom=m.get("custom"),
        attachment=m.get("attachment"),
        quick_replies=m.get("quick_replies"),
        elements=m.get("elements"),
        channel=reader.string(m, "channel", f"a variation of {what}"),
        condition=condition,
        legacy_conditions=tuple(legacy),
        id=reader.string(m, "id", f"a variation of {what}"),
        metadata=metadata,
        translation=translation.texts,
        translation_spans=translation.spans,
        span=m.span,
        text_span=m.value_span("text") if text is not None else None,
    )


def _with_variation_translations(
    buttons: tuple[Button, ...], by_language: Mapping[str, list[dict[str, str]]]
) -> tuple[Button, ...]:
    """Buttons translated in the variation's `translation: {de: {buttons: [...]}}`, by position;
    a button's own `translation` for that language wins."""
    if not by_language:
        return buttons
    result: list[Button] = []
    for i, button in enumerate(buttons):
        merged = dict(button.translation)
        for code, translated in by_language.items():
            if i < len(translated) and translated[i] and code not in merged:
                merged[code] = translated[i]
        result.append(replace(button, translation=merged))
    return tuple(result)


def _read_buttons(reader: Reader, m: YMap, what: str) -> tuple[Button, ...]:
    seq = reader.seq_at(m, "buttons", f"'buttons' of {what}")
    if seq is None:
        return ()
    buttons: list[Button] = []
    for i, item in enumerate(seq):
        b = reader.as_map(item, seq.item_span(i), f"a button of {what}")
        if b is None:
            continue
        title = reader.string(b, "title", f"a button of {what}") or ""
        payload = reader.string(b, "payload", f"a button of {what}")
        translation, spans = read_button_translation(reader, b, f"button {title!r} of {what}")
        buttons.append(
            Button(
                title=title,
                payload=payload,
                translation=translation,
                translation_spans=spans,
                span=b.span,
                payload_span=b.value_span("payload") if "payload" in b else None,
            )
        )
    return tuple(buttons)


def _read_action(reader: Reader, item: Any, span: Span) -> Action | None:
    if isinstance(item, str):
        return Action(name=item, span=span)
    if isinstance(item, YMap) and len(item) == 1:
        name = next(iter(item))
        options = item[name]
        send_domain = False
        if isinstance(options, YMap):
            send_domain = reader.boolean(options, "send_domain", f"action {name!r}", False)
        return Action(name=name, send_domain=send_domain, span=item.key_span(name))
    reader.error("CT224", f"an action entry must be a name, found {type_name(item)}", span)
    return None
