"""Static checks of one condition for `calmtui validate` (FORMATS.md h.5), codes CT322-CT326.

Templates are rendered with placeholders first, so `slots.{{context.collect}} is not null` is
checked as far as it can be without a conversation; names and values that come from a template
are left alone. Problems point at the offending name or value when the condition's position in
the file is known exactly (a one-line plain or quoted YAML scalar without template markup).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from calmtui.core.conditions.errors import ConditionSyntaxError
from calmtui.core.conditions.nodes import (
    Compare,
    CompareOp,
    Constant,
    Expr,
    Identifier,
    Marker,
    Value,
    walk,
)
from calmtui.core.conditions.parser import parse_condition
from calmtui.core.conditions.render import PLACEHOLDER, render_placeholders
from calmtui.core.diagnostics import Diagnostic, Span, closest, did_you_mean

if TYPE_CHECKING:  # only for annotations, so the model may import conditions without a cycle
    from calmtui.core.model.slots import Slot

_Finding = tuple[int, Diagnostic]  # (offset in the condition, problem), for source order


def check_condition(
    condition: str | bool,
    *,
    slots: Mapping[str, Slot] | None,
    span: Span | None,
    allowed_namespaces: tuple[str, ...] = ("slots", "context"),
) -> list[Diagnostic]:
    """Problems with `condition`, in source order; `slots=None` skips the slot checks."""
    if isinstance(condition, bool):
        return []  # YAML true/false
    try:
        rendered = render_placeholders(condition)
    except ConditionSyntaxError as error:
        return [_invalid(condition, error, span)]
    where = _Where.of(span, condition) if rendered == condition else _Where(span, None)
    try:
        expr = parse_condition(rendered)
    except ConditionSyntaxError as error:
        return [_invalid(condition, error, where.at(error.offset))]
    checker = _Checker(slots, allowed_namespaces, where)
    findings = [finding for node in walk(expr) for finding in checker.check(node)]
    return [diagnostic for _, diagnostic in sorted(findings, key=lambda f: f[0])]


def _invalid(condition: str, error: ConditionSyntaxError, span: Span | None) -> Diagnostic:
    return Diagnostic.error("CT322", f"invalid condition {condition!r}: {error.message}", span)


@dataclass(frozen=True, slots=True)
class _Where:
    """Turns an offset in the condition into a Span, when the condition's column is known."""

    span: Span | None
    start_col: int | None

    @classmethod
    def of(cls, span: Span | None, condition: str) -> _Where:
        if span is None or "\n" in condition:
            return cls(span, None)
        if span.end_line == 0:  # no extent recorded: assume the text starts at `col`
            return cls(span, span.col)
        if span.end_line != span.line:  # a block scalar: the text starts on a later line
            return cls(span, None)
        width = span.end_col - span.col
        if width == len(condition):
            return cls(span, span.col)
        if width == len(condition) + 2:  # a quoted scalar without escapes
            return cls(span, span.col + 1)
        return cls(span, None)

    def at(self, offset: int, width: int = 1) -> Span | None:
        if self.span is None or self.start_col is None:
            return self.span
        col = self.start_col + offset
        return Span(self.span.path, self.span.line, col, self.span.line, col + width)


@dataclass(frozen=True, slots=True)
class _Checker:
    slots: Mapping[str, Slot] | None
    namespaces: tuple[str, ...]
    where: _Where

    def check(self, node: Expr) -> Iterator[_Finding]:
        match node:
            case Identifier(name=name, offset=offset):
                yield from self._name(name, offset)
            case Compare(op=op, left=left, right=right):
                yield from self._comparison(op, left, right)
            case _:
                pass

    def _name(self, name: str, offset: int) -> Iterator[_Finding]:
        if PLACEHOLDER in name:
            return
        namespace, dot, rest = name.partition(".")
        span = self.where.at(offset, len(name))
        if not dot or namespace not in self.namespaces:
            prefixes = " or ".join(f"'{ns}.'" for ns in self.namespaces)
            message = f"unknown name {name!r} in condition: names start with {prefixes}"
            yield offset, Diagnostic.error("CT323", message, span, hint=self._qualify(name))
            return
        slot_name = rest.split(".")[0]
        if namespace == "slots" and self.slots is not None and slot_name not in self.slots:
            hint = (
                did_you_mean(slot_name, self.slots)
                or "declare the slot under 'slots:' in the domain"
            )
            message = f"condition refers to unknown slot {slot_name!r}"
            yield offset, Diagnostic.error("CT324", message, span, hint=hint)

    def _qualify(self, name: str) -> str:
        """The likely fix for a name outside the namespaces: a namespace or quotes."""
        namespace, dot, rest = name.partition(".")
        if dot and (match := closest(namespace, self.namespaces)):
            return f"did you mean '{match}.{rest}'?"
        if "slots" in self.namespaces and self.slots and name in self.slots:
            return f"did you mean 'slots.{name}'?"
        return f'to compare with the text {name!r}, quote it: "{name}"'

    def _comparison(self, op: CompareOp, left: Expr, right: Expr) -> Iterator[_Finding]:
        for side, other in ((left, right), (right, left)):
            slot = self._slot(side)
            if slot is None or not isinstance(other, Constant):
                continue
            if slot.type == "bool" and not isinstance(other.value, bool):
                yield other.offset, self._not_boolean(slot, other)
            elif slot.type == "categorical" and op in ("==", "!="):
                value = other.value
                if isinstance(value, str) and not _is_allowed(value, slot.values):
                    yield other.offset, self._not_a_category(slot, other, value)

    def _slot(self, node: Expr) -> Slot | None:
        """The slot `node` names exactly (`slots.x`, not `slots.x.y`), if it exists."""
        if self.slots is None or not isinstance(node, Identifier):
            return None
        namespace, _, slot_name = node.name.partition(".")
        return self.slots.get(slot_name) if namespace == "slots" else None

    def _not_boolean(self, slot: Slot, literal: Constant) -> Diagnostic:
        message = f"boolean slot {slot.name!r} is compared with {_describe(literal.value)}"
        hint = f"compare it with true or false, or test it directly: 'slots.{slot.name}'"
        return Diagnostic.error("CT326", message, self.where.at(literal.offset), hint=hint)

    def _not_a_category(self, slot: Slot, literal: Constant, value: str) -> Diagnostic:
        message = f"categorical slot {slot.name!r} has no value {value!r}"
        allowed = ", ".join(repr(v) for v in slot.values) or "none"
        suggestion = did_you_mean(value, slot.values)
        hint = (
            f"{suggestion} allowed values: {allowed}"
            if suggestion
            else f"allowed values: {allowed}"
        )
        return Diagnostic.error("CT325", message, self.where.at(literal.offset), hint=hint)


def _is_allowed(value: str, values: tuple[str, ...]) -> bool:
    """Case-insensitive, like Rasa's validator; text from a template can't be judged."""
    return PLACEHOLDER in value or value.lower() in {str(v).lower() for v in values}


def _describe(value: Value) -> str:
    if isinstance(value, Marker):
        return value.value
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"the number {value:g}"
