"""Recursive-descent parser for pypred 0.4's grammar (FORMATS.md c.5).

    expression := unary (("and" | "or") unary)*     equal precedence, right-associative
    unary      := "not"* term
    term       := factor [compare-op factor | "is" ["not"] factor
                          | "contains" item | "matches" regex]
    factor     := string | number | word | constant | "(" expression ")" | "{" item* "}"

So `a and b or c` means `a and (b or c)`, `not a and b` means `(not a) and b`, and a
parenthesised expression is a factor (`(slots.a and slots.b) = true` is valid). Where pypred
accepts a construct that can only fail at evaluation time (`x contains (a or b)`, `{undefined}`)
this parser rejects it up front, so the validator can report it.
"""

from __future__ import annotations

import functools
from typing import Literal

from calmtui.core.conditions.errors import ConditionSyntaxError
from calmtui.core.conditions.lexer import Token, string_value, tokenize
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
    Value,
)
from calmtui.core.safe_regex import Pattern, compile_pattern

# Deeper nesting than any hand-written condition; keeps parsing and evaluation off the
# interpreter's recursion limit.
_MAX_NESTING = 50

_COMPARE_OPS: dict[str, CompareOp] = {
    "=": "==",
    "==": "==",
    "!=": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}
_CONSTANTS: dict[str, Value] = {
    "true": True,
    "false": False,
    "null": None,
    "undefined": UNDEFINED,
    "empty": EMPTY,
}


@functools.lru_cache(maxsize=4096)
def parse_condition(text: str) -> Expr:
    """The AST of `text`; cached because the same conditions are evaluated every turn."""
    return _Parser(text).parse()


class _Parser:
    __slots__ = ("_depth", "_pos", "_tokens")

    def __init__(self, text: str) -> None:
        self._tokens = tokenize(text)
        self._pos = 0
        self._depth = 0

    def parse(self) -> Expr:
        if self._peek().kind == "end":
            raise ConditionSyntaxError("the condition is empty", 0)
        expr = self._expression()
        token = self._peek()
        if token.kind != "end":
            raise ConditionSyntaxError(
                f"unexpected {token.text!r} after a complete condition: join conditions with "
                "'and' or 'or', and quote text that contains spaces",
                token.offset,
            )
        return expr

    def _expression(self) -> Expr:
        operands = [self._unary()]
        operators: list[Token] = []
        while self._peek().kind in ("and", "or"):
            operators.append(self._advance())
            operands.append(self._unary())
        expr = operands.pop()
        for operator, left in zip(reversed(operators), reversed(operands), strict=True):
            op: Literal["and", "or"] = "and" if operator.kind == "and" else "or"
            expr = Logical(op, left, expr, operator.offset)
        return expr

    def _unary(self) -> Expr:
        negations: list[Token] = []
        while self._peek().kind == "not":
            negations.append(self._advance())
        expr = self._term()
        for token in reversed(negations):
            expr = Not(expr, token.offset)
        return expr

    def _term(self) -> Expr:
        left = self._factor()
        token = self._peek()
        match token.kind:
            case "op":
                self._advance()
                return Compare(_COMPARE_OPS[token.text], left, self._factor(), token.offset)
            case "is":
                self._advance()
                op: CompareOp = "=="
                if self._peek().kind == "not":
                    self._advance()
                    op = "!="
                return Compare(op, left, self._factor(), token.offset)
            case "contains":
                self._advance()
                item = self._item("'contains' needs a single value or name on its right")
                return Contains(left, item, token.offset)
            case "matches":
                self._advance()
                return Matches(left, self._regex(), token.offset)
            case _:
                return left

    def _factor(self) -> Expr:
        token = self._advance()
        match token.kind:
            case "word":
                return Identifier(token.text, token.offset)
            case "string":
                return Constant(string_value(token), token.offset)
            case "number":
                return Constant(float(token.text), token.offset)
            case "true" | "false" | "null" | "undefined" | "empty":
                return Constant(_CONSTANTS[token.kind], token.offset)
            case "(":
                return self._group(token)
            case "{":
                return self._set(token)
            case _:
                raise _expected("a value", token)

    def _group(self, opening: Token) -> Expr:
        self._depth += 1
        if self._depth > _MAX_NESTING:
            raise ConditionSyntaxError(
                f"the condition is nested more than {_MAX_NESTING} levels deep", opening.offset
            )
        expr = self._expression()
        self._close(")", opening)
        self._depth -= 1
        return expr

    def _set(self, opening: Token) -> SetLiteral:
        items: list[Constant | Identifier] = []
        while self._peek().kind not in ("}", "end"):
            items.append(self._item('set items must be values or names, e.g. {"a" "b"}'))
        self._close("}", opening)
        return SetLiteral(tuple(items), opening.offset)

    def _item(self, complaint: str) -> Constant | Identifier:
        """A plain value or name: what pypred can use inside a set or after `contains`."""
        offset = self._peek().offset
        node = self._factor()
        if isinstance(node, Identifier):
            return node
        if isinstance(node, Constant) and not isinstance(node.value, Marker):
            return node
        raise ConditionSyntaxError(complaint, offset)

    def _regex(self) -> Pattern:
        """pypred takes the regex from a quoted string or, unresolved, from a bare word."""
        offset = self._peek().offset
        node = self._factor()
        if isinstance(node, Identifier):
            source = node.name
        elif isinstance(node, Constant) and isinstance(node.value, str):
            source = node.value
        else:
            raise ConditionSyntaxError(
                "'matches' needs a quoted regular expression, e.g. matches \"^[0-9]+$\"", offset
            )
        try:
            return compile_pattern(source)
        except ValueError as error:
            raise ConditionSyntaxError(
                f"invalid regular expression {source!r}: {error}", offset
            ) from None

    def _close(self, closing: Literal[")", "}"], opening: Token) -> None:
        token = self._advance()
        if token.kind != closing:
            where = f"the {opening.text!r} at character {opening.offset + 1}"
            raise _expected(f"{closing!r} to close {where}", token)

    def _peek(self) -> Token:
        return self._tokens[self._pos]

    def _advance(self) -> Token:
        token = self._tokens[self._pos]
        if token.kind != "end":
            self._pos += 1
        return token


def _expected(what: str, token: Token) -> ConditionSyntaxError:
    if token.kind == "end":
        return ConditionSyntaxError(f"the condition ends where {what} was expected", token.offset)
    return ConditionSyntaxError(f"expected {what}, found {token.text!r}", token.offset)
