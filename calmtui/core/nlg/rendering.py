"""Turning a chosen variation into the message the bot sends (FORMATS.md b.2 "Interpolation").

Rendering never raises: the engine renders a response every turn, and a broken template must not
end the conversation. Whatever goes wrong is kept in `RenderedResponse.problems` (the raw text is
sent instead) so the inspector can show it next to the message.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from calmtui.core.model.domain import Button, Domain, ResponseVariation
from calmtui.core.nlg.selection import select_variation
from calmtui.core.nlg.templating import interpolate_text, map_strings, render_jinja


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderedResponse:
    """One bot message, filled in and ready to send; JSON-serialisable for events and the store.

    `metadata` is the variation's own metadata (`rephrase`, `template`, ...). The `utter_action`
    that e2e tests match on is added by the engine to the `BotUttered` event, not mixed in here.
    """

    utter_action: str | None
    text: str | None
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: Any = None
    attachment: Any = None
    quick_replies: Any = None
    elements: Any = None
    button_type: str | None = None
    variation_id: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])
    problems: tuple[str, ...] = ()
    # In a conversation that is not in the default language: the language asked for that the
    # variation has no translation for (its default text was said instead).
    missing_translation: str | None = None

    def to_json(self) -> dict[str, Any]:
        """`utter_action` and `text` always; the other fields only when set, to keep traces short."""
        data: dict[str, Any] = {"utter_action": self.utter_action, "text": self.text}
        optional: dict[str, Any] = {
            "buttons": [b.to_json() for b in self.buttons],
            "image": self.image,
            "custom": self.custom,
            "attachment": self.attachment,
            "quick_replies": self.quick_replies,
            "elements": self.elements,
            "button_type": self.button_type,
            "variation_id": self.variation_id,
            "metadata": dict(self.metadata),
            "problems": list(self.problems),
            "missing_translation": self.missing_translation,
        }
        data.update({k: v for k, v in optional.items() if v is not None and v != [] and v != {}})
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RenderedResponse:
        buttons: list[Mapping[str, Any]] = data.get("buttons") or []
        return cls(
            utter_action=data.get("utter_action"),
            text=data.get("text"),
            buttons=tuple(Button(title=b["title"], payload=b.get("payload")) for b in buttons),
            image=data.get("image"),
            custom=data.get("custom"),
            attachment=data.get("attachment"),
            quick_replies=data.get("quick_replies"),
            elements=data.get("elements"),
            button_type=data.get("button_type"),
            variation_id=data.get("variation_id"),
            metadata=dict(data.get("metadata") or {}),
            problems=tuple(data.get("problems") or ()),
            missing_translation=data.get("missing_translation"),
        )


def render_variation(
    variation: ResponseVariation,
    *,
    name: str | None,
    slots: Mapping[str, Any],
    context: Mapping[str, Any],
    language: str | None = None,
    default_language: str = "en",
    extra: Mapping[str, Any] | None = None,
) -> RenderedResponse:
    """Fill one variation in with the current slots, stack context and call-site values (`extra`).

    In a non-default `language`, the text and the buttons' titles and payloads are swapped for
    their translations first (Rasa translates after filling in; the result is the same). Then
    text, image, buttons (titles and payloads), custom, attachment and quick_replies are filled
    in — the fields Rasa interpolates; `elements` is passed through as written, as in Rasa.

    Format engine values: every slot, then `extra` (e.g. `value` for rejections). Jinja variables
    (`metadata.template: jinja`): every slot at top level, then `context` (the top frame's
    context), then `extra`; later ones win, so `context` cannot be shadowed by a slot of that name.
    """
    problems: list[str] = []
    render = _renderer(variation, slots=slots, context=context, extra=extra, problems=problems)
    text = variation.text
    wanted = language if language and language != default_language else None
    missing = None
    if wanted is not None and wanted in variation.translation:
        text = variation.translation[wanted]
    elif wanted is not None and text is not None:
        missing = wanted
    rendered_text = None if text is None else render(text, "text")
    buttons = tuple(
        Button(
            title=render(b.title, "a button title"),
            payload=None if b.payload is None else render(b.payload, "a button payload"),
        )
        for b in (button.in_language(wanted) for button in variation.buttons)
    )
    return RenderedResponse(
        utter_action=name,
        text=rendered_text,
        buttons=buttons,
        image=None if variation.image is None else render(variation.image, "image"),
        custom=map_strings(variation.custom, lambda s: render(s, "custom")),
        attachment=map_strings(variation.attachment, lambda s: render(s, "attachment")),
        quick_replies=map_strings(variation.quick_replies, lambda s: render(s, "quick_replies")),
        elements=map_strings(variation.elements, str),
        button_type=variation.button_type,
        variation_id=variation.id,
        metadata=map_strings(variation.metadata, str),
        problems=tuple(dict.fromkeys(problems)),  # the same broken template may recur in buttons
        missing_translation=missing,
    )


def _renderer(
    variation: ResponseVariation,
    *,
    slots: Mapping[str, Any],
    context: Mapping[str, Any],
    extra: Mapping[str, Any] | None,
    problems: list[str],
) -> Callable[[str, str], str]:
    """A `render(text, where)` for the variation's engine; Jinja errors are appended to problems."""
    if not variation.uses_jinja:
        values: Mapping[str, Any] = {**slots, **extra} if extra else slots
        return lambda text, _where: interpolate_text(text, values)
    variables: dict[str, Any] = {**slots, "context": context, **(extra or {})}

    def render(text: str, where: str) -> str:
        result, error = render_jinja(text, variables)
        if error is not None:
            problems.append(f"Jinja error in {where}, sent as written: {error}")
        return result

    return render


def render_response(
    domain: Domain,
    name: str,
    *,
    slots: Mapping[str, Any],
    context: Mapping[str, Any],
    channel: str | None = None,
    rng: random.Random,
    language: str | None = None,
    default_language: str = "en",
    extra: Mapping[str, Any] | None = None,
) -> RenderedResponse | None:
    """Select and render the response `name`.

    None when the domain has no such response or no variation is eligible; the engine then utters
    the internal-error response, as Rasa does.
    """
    response = domain.responses.get(name)
    if response is None:
        return None
    variation = select_variation(
        response,
        slots=slots,
        context=context,
        channel=channel,
        rng=rng,
        language=language,
        default_language=default_language,
    )
    if variation is None:
        return None
    return render_variation(
        variation,
        name=name,
        slots=slots,
        context=context,
        language=language,
        default_language=default_language,
        extra=extra,
    )
