"""The condition AST: immutable, hashable nodes that remember where they start in the text.

Offsets let the validator underline the exact name or value it complains about; immutability
lets one parsed condition be cached and shared by every turn that evaluates it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Literal, TypeAlias

from calmtui.core.safe_regex import Pattern


class Marker(Enum):
    """pypred's two non-values, both falsy.

    `UNDEFINED` is what a name that resolves to nothing evaluates to (distinct from None, so
    `slots.missing is null` is false); `EMPTY` is the `empty` literal, equal to anything of
    length 0.
    """

    UNDEFINED = "undefined"
    EMPTY = "empty"

    def __bool__(self) -> bool:
        return False


UNDEFINED = Marker.UNDEFINED
EMPTY = Marker.EMPTY

Value: TypeAlias = str | float | bool | Marker | None
CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]


@dataclass(frozen=True, slots=True)
class Constant:
    """A string, number (always float), true/false, null, undefined or empty."""

    value: Value
    offset: int


@dataclass(frozen=True, slots=True)
class Identifier:
    """A bare word, looked up as a dotted path in the document (`slots.amount`)."""

    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class SetLiteral:
    """`{a "b" 3}`: evaluates to a frozenset of its items' values."""

    items: tuple[Constant | Identifier, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Compare:
    """`=`, `==` and `is` parse to "==", `is not` to "!="; `offset` is the operator's."""

    op: CompareOp
    left: Expr
    right: Expr
    offset: int


@dataclass(frozen=True, slots=True)
class Contains:
    """`container contains item`, i.e. Python's `item in container`."""

    container: Expr
    item: Constant | Identifier
    offset: int


@dataclass(frozen=True, slots=True)
class Matches:
    """`subject matches "regex"`; the pattern is compiled (and checked) once, at parse time."""

    subject: Expr
    pattern: Pattern  # searched with a time limit (`calmtui.core.safe_regex`)
    offset: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    offset: int


@dataclass(frozen=True, slots=True)
class Logical:
    op: Literal["and", "or"]
    left: Expr
    right: Expr
    offset: int


Expr: TypeAlias = Constant | Identifier | SetLiteral | Compare | Contains | Matches | Not | Logical


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node, parents first and left to right, i.e. in source order of their first token.

    Iterative, so a condition with a long `and`/`or` chain cannot exhaust the call stack.
    """
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(_children(node)))


def identifiers(expr: Expr) -> list[str]:
    """The dotted names a condition reads, once each, in order of first use."""
    return list(dict.fromkeys(n.name for n in walk(expr) if isinstance(n, Identifier)))


def _children(node: Expr) -> tuple[Expr, ...]:
    match node:
        case Constant() | Identifier():
            return ()
        case SetLiteral(items=items):
            return items
        case Compare(left=left, right=right) | Logical(left=left, right=right):
            return (left, right)
        case Contains(container=container, item=item):
            return (container, item)
        case Matches(subject=subject):
            return (subject,)
        case Not(operand=operand):
            return (operand,)
