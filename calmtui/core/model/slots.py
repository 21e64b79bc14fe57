"""Slots and the one place where slot values are coerced to their type (FORMATS.md b.1)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from calmtui.core.diagnostics import Span

SlotType = Literal["text", "bool", "float", "categorical", "any", "list", "custom"]
BUILTIN_SLOT_TYPES: tuple[str, ...] = ("text", "bool", "float", "categorical", "any", "list")
LLM_MAPPINGS = frozenset({"from_llm"})
NLU_MAPPINGS = frozenset({"from_entity", "from_intent", "from_trigger_intent", "from_text"})
SLOT_MAPPING_TYPES = LLM_MAPPINGS | NLU_MAPPINGS | {"controlled", "custom"}

# Coexistence (CALM next to an NLU-based bot): the router's decision lives in this slot, which the
# project defines itself: None = not routed yet, True = CALM handles the session, False = NLU.
ROUTING_SLOT = "route_session_to_calm"

# The texts a SetSlot uses for "no value" (FORMATS.md d.2). Case matters, as in the reference:
# a lowercase "none" is a value (pattern_continue_interrupted's answer for "none of them").
NO_VALUE_TEXTS = frozenset({"", "None", "null", "undefined", "[missing]", "[missing information]"})


@dataclass(frozen=True, slots=True, kw_only=True)
class SlotMapping:
    type: str
    options: Mapping[str, Any] = field(default_factory=dict[str, Any])
    span: Span | None = None

    @property
    def run_action_every_turn(self) -> str | None:
        action = self.options.get("run_action_every_turn", self.options.get("action"))
        return action if isinstance(action, str) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """`{if: <predicate>, utter: <response>}` on a collect step or a slot's validation."""

    condition: str
    utter: str
    span: Span | None = None
    utter_span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SlotValidation:
    rejections: tuple[Rejection, ...] = ()
    refill_utter: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Slot:
    name: str
    type: SlotType
    values: tuple[str, ...] = ()
    initial_value: Any = None
    min_value: float | None = None
    max_value: float | None = None
    mappings: tuple[SlotMapping, ...] = ()
    validation: SlotValidation | None = None
    custom_type: str | None = None
    span: Span | None = None
    builtin: bool = False
    # Rasa's strict categorical slot (the built-in `language` slot): a value outside `values`
    # is refused, not stored.
    strict: bool = False

    @property
    def mapping_types(self) -> frozenset[str]:
        if not self.mappings:
            return LLM_MAPPINGS
        return frozenset(m.type for m in self.mappings)

    @property
    def llm_fillable(self) -> bool:
        """May understanding (LLM, offline matcher) set this slot? No mappings means from_llm."""
        return bool(self.mapping_types & LLM_MAPPINGS)

    @property
    def controlled(self) -> bool:
        return "controlled" in self.mapping_types and not self.llm_fillable

    def coerce(self, value: Any) -> tuple[Any, bool]:
        """The value in this slot's type and whether it is valid (rasa/shared/core/slots.py)."""
        return coerce_value(self.type, value, self.values)

    def refuses(self, value: Any) -> bool:
        """A strict slot refuses a value that is not one of its values (None resets it)."""
        return self.strict and value is not None and not self.coerce(value)[1]

    def allowed_values(self) -> list[Any] | None:
        if self.type == "categorical":
            return list(self.values)
        if self.type == "bool":
            return [True, False]
        return None


def coerce_value(slot_type: str, value: Any, values: tuple[str, ...] = ()) -> tuple[Any, bool]:
    if value is None:
        return None, True
    if slot_type == "bool":
        return _coerce_bool(value)
    if slot_type == "float":
        return _coerce_float(value)
    if slot_type == "categorical":
        text = str(value).strip().lower() if not isinstance(value, bool) else str(value).lower()
        for allowed in values:
            if str(allowed).lower() == text:
                return allowed, True
        return value, False
    if slot_type == "list":
        return value, isinstance(value, list)
    return value, True


def _coerce_bool(value: Any) -> tuple[Any, bool]:
    if isinstance(value, bool):
        return value, True
    if isinstance(value, int | float):
        return value == 1, True
    if isinstance(value, str):
        text = value.strip().lower()
        if _is_number(text):
            return float(text) == 1.0, True
        if text == "true":
            return True, True
        if text in ("false", "no"):
            return False, True
    return value, False


def _coerce_float(value: Any) -> tuple[Any, bool]:
    if isinstance(value, bool):
        return value, False
    if isinstance(value, int | float):
        return float(value), not math.isnan(float(value))
    if isinstance(value, str) and _is_number(value.strip()):
        return float(value.strip()), True
    return value, False


def _is_number(text: str) -> bool:
    try:
        number = float(text)
    except ValueError:
        return False
    return not math.isnan(number) and text.lower() not in ("inf", "-inf", "+inf", "infinity")
