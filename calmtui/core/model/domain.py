"""Domain: slots, responses, actions and session settings (FORMATS.md b)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calmtui.core.diagnostics import Span
from calmtui.core.model.slots import Slot


@dataclass(frozen=True, slots=True, kw_only=True)
class Button:
    title: str
    payload: str | None
    span: Span | None = None
    payload_span: Span | None = None
    # `translation: {de: {title: ..., payload: ...}}` (docs/languages.md).
    translation: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict[str, Mapping[str, str]]
    )
    translation_spans: Mapping[str, Span] = field(default_factory=dict[str, Span])

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "payload": self.payload}

    def in_language(self, language: str | None) -> Button:
        """The button as a user speaking `language` sees it (Rasa's `get_translated_buttons`:
        the translated keys replace the button's own)."""
        fields = self.translation.get(language) if language is not None else None
        if not fields:
            return self
        return Button(
            title=fields.get("title", self.title),
            payload=fields.get("payload", self.payload),
            span=self.span,
            payload_span=self.payload_span,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class LegacyCondition:
    """The pre-3.x response condition form `{type: slot, name: tier, value: gold}`."""

    name: str
    value: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseVariation:
    text: str | None = None
    image: str | None = None
    buttons: tuple[Button, ...] = ()
    button_type: str | None = None
    custom: Any = None
    attachment: Any = None
    quick_replies: Any = None
    elements: Any = None
    channel: str | None = None
    condition: str | None = None
    legacy_conditions: tuple[LegacyCondition, ...] = ()
    id: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])
    # `translation: {de: "..."}`: the text per language (docs/languages.md).
    translation: Mapping[str, str] = field(default_factory=dict[str, str])
    translation_spans: Mapping[str, Span] = field(default_factory=dict[str, Span])
    span: Span | None = None
    text_span: Span | None = None

    @property
    def is_conditional(self) -> bool:
        return self.condition is not None or bool(self.legacy_conditions)

    @property
    def uses_jinja(self) -> bool:
        return self.metadata.get("template") == "jinja"


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    name: str
    variations: tuple[ResponseVariation, ...]
    span: Span | None = None
    builtin: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    name: str
    send_domain: bool = False
    span: Span | None = None
    builtin: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionConfig:
    session_expiration_time: float = 60.0
    carry_over_slots_to_new_session: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Domain:
    slots: Mapping[str, Slot] = field(default_factory=dict[str, Slot])
    responses: Mapping[str, Response] = field(default_factory=dict[str, Response])
    actions: Mapping[str, Action] = field(default_factory=dict[str, Action])
    intents: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    form_slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict[str, tuple[str, ...]])
    session_config: SessionConfig = field(default_factory=SessionConfig)
    files: tuple[str, ...] = ()

    @property
    def user_slots(self) -> list[Slot]:
        return [s for s in self.slots.values() if not s.builtin]

    def is_known_action(self, name: str) -> bool:
        """A listed custom action, a response, a built-in action, or a form (form names are
        action names in Rasa's domain)."""
        return name in self.actions or name in self.responses or name in self.forms
