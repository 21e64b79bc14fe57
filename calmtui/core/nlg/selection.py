"""Which variation of a response is said (FORMATS.md b.2, Rasa `ResponseVariationFilter`).

Selection is deterministic given the injected `random.Random`: the draw count depends only on the
inputs (exactly one `rng.choice` when several variations tie, none otherwise), so a seeded session
replays the same words and unrelated responses never shift each other's draws.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from calmtui.core.conditions import condition_holds
from calmtui.core.model.domain import LegacyCondition, Response, ResponseVariation


def select_variation(
    response: Response,
    *,
    slots: Mapping[str, Any],
    context: Mapping[str, Any],
    channel: str | None,
    rng: random.Random,
    language: str | None = None,
    default_language: str = "en",
) -> ResponseVariation | None:
    """The variation to utter, or None when none is eligible (all conditions fail).

    Groups in priority order: conditional + requested channel, default + requested channel,
    conditional + no channel, default + no channel; the first non-empty group wins. A variation
    whose condition fails is never eligible, and a variation with a channel only when that channel
    is requested. Within the group, when `language` is a non-default language, the variations that
    have a translation for it are preferred (if there are any), as Rasa does.

    Conditions are evaluated lazily, group by group, so the cheap common case (no channel
    variations, no conditions) evaluates nothing.
    """
    by_channel: list[ResponseVariation] = []
    plain: list[ResponseVariation] = []
    for variation in response.variations:
        if variation.channel is None:
            plain.append(variation)
        elif channel is not None and variation.channel == channel:
            by_channel.append(variation)
    for candidates in (by_channel, plain):
        conditional = [
            v for v in candidates if v.is_conditional and _holds(v, slots=slots, context=context)
        ]
        default = [v for v in candidates if not v.is_conditional]
        for group in (conditional, default):
            if group:
                return _choose(_prefer_language(group, language, default_language), rng)
    return None


def _holds(
    variation: ResponseVariation, *, slots: Mapping[str, Any], context: Mapping[str, Any]
) -> bool:
    if variation.condition is not None and not condition_holds(
        variation.condition, slots=slots, context=context
    ):
        return False
    return all(legacy_condition_holds(c, slots) for c in variation.legacy_conditions)


def legacy_condition_holds(condition: LegacyCondition, slots: Mapping[str, Any]) -> bool:
    """The pre-3.x `{type: slot, name, value}` check, kept for old projects.

    Rasa compares strings case-insensitively and everything else with `==`. We also accept equal
    `str()` spellings ignoring case, because YAML authors write `value: true` for a bool slot the
    engine stores as True, or `value: "3"` for a float slot holding 3.0 ("3.0" vs "3" still
    differs, but `==` catches 3 == 3.0). None only matches None, never the text "None".
    """
    actual = slots.get(condition.name)
    expected = condition.value
    if actual is None or expected is None:
        return actual is None and expected is None
    if isinstance(actual, str) or isinstance(expected, str):
        return str(actual).casefold() == str(expected).casefold()
    return bool(actual == expected) or str(actual).casefold() == str(expected).casefold()


def _prefer_language(
    group: list[ResponseVariation], language: str | None, default_language: str
) -> list[ResponseVariation]:
    if not language or language == default_language:
        return group
    translated = [v for v in group if language in v.translation]
    return translated or group


def _choose(group: Sequence[ResponseVariation], rng: random.Random) -> ResponseVariation:
    return group[0] if len(group) == 1 else rng.choice(group)
