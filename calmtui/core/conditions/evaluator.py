"""Evaluate a parsed condition against a document, with pypred 0.4's semantics.

Rasa treats any exception raised while evaluating (a TypeError from `3.0 > "2"`, an unhashable
set item) as "the whole condition is false", not just the failing comparison, so
`not (slots.n > "2")` is false too. `evaluate` reproduces that by letting errors unwind to the
top and answering False there.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, assert_never, cast

from calmtui.core.conditions.nodes import (
    EMPTY,
    UNDEFINED,
    Compare,
    CompareOp,
    Constant,
    Contains,
    Expr,
    Identifier,
    Logical,
    Marker,
    Matches,
    Not,
    SetLiteral,
)

_ORDERINGS: dict[CompareOp, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def evaluate(expr: Expr, document: Mapping[str, Any]) -> bool:
    """Whether `expr` holds for `document`; never raises (an evaluation error means False)."""
    try:
        return _truth(expr, document)
    except Exception:
        return False


def _resolve(document: Mapping[str, Any], name: str) -> Any:
    """The value at dotted path `name`: mapping keys, or list indexes for numeric segments.

    Anything that is not there, including a path that runs into a non-container, is UNDEFINED.
    """
    value: Any = document
    for segment in name.split("."):
        if isinstance(value, Mapping):
            mapping = cast(Mapping[Any, Any], value)
            if segment not in mapping:
                return UNDEFINED
            value = mapping[segment]
        elif isinstance(value, list | tuple) and segment.isdecimal():
            items = cast(Sequence[Any], value)
            index = int(segment)
            if index >= len(items):
                return UNDEFINED
            value = items[index]
        else:
            return UNDEFINED
    return value


def _truth(expr: Expr, document: Mapping[str, Any]) -> bool:
    """Truthiness, walking `and`/`or` chains and `not`s in a loop rather than by recursion."""
    negated = False
    while True:
        match expr:
            case Logical(op=op, left=left, right=right):
                left_holds = _truth(left, document)
                if left_holds == (op == "or"):  # short-circuit: true `or`, false `and`
                    return left_holds != negated
                expr = right
            case Not(operand=operand):
                negated = not negated
                expr = operand
            case _:
                return bool(_value(expr, document)) != negated


def _value(expr: Expr, document: Mapping[str, Any]) -> Any:
    match expr:
        case Constant(value=value):
            return value
        case Identifier(name=name):
            return _resolve(document, name)
        case SetLiteral(items=items):
            return frozenset(_value(item, document) for item in items)
        case Compare(op=op, left=left, right=right):
            return _compare(op, _value(left, document), _value(right, document))
        case Contains(container=container, item=item):
            haystack = _value(container, document)
            return hasattr(haystack, "__contains__") and _value(item, document) in haystack
        case Matches(subject=subject, pattern=pattern):
            text = _value(subject, document)
            return isinstance(text, str) and pattern.search(text) is not None
        case Not() | Logical():
            return _truth(expr, document)
        case _:
            assert_never(expr)


def _compare(op: CompareOp, left: Any, right: Any) -> bool:
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        # pypred's Undefined.__ne__ is True against everything but another undefined, so this
        # one pair is both equal and unequal; every other `!=` is the negation of `==`.
        return (left is UNDEFINED and right is EMPTY) or not _equal(left, right)
    if isinstance(left, Marker) or isinstance(right, Marker):
        return False
    return bool(_ORDERINGS[op](left, right))


def _equal(left: Any, right: Any) -> bool:
    if left is EMPTY or right is EMPTY:
        other = right if left is EMPTY else left
        return isinstance(other, Marker) or (hasattr(other, "__len__") and len(other) == 0)
    if left is UNDEFINED or right is UNDEFINED:
        return left is right
    return bool(left == right)
