"""`-k PATTERN`: pytest-style keyword expressions over test case names and file paths.

    -k transfer                  cases whose name or file contains "transfer" (any case)
    -k "transfer and not cancel"
    -k "(balance or card) and happy"

Words match as case-insensitive substrings of `path::name`. A malformed expression is a
`KeywordError` (a usage error for the CLI), never a silent "matches nothing".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calmtui.testing.spec import TestCase

_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")
_OPERATORS = frozenset({"and", "or", "not"})

Matcher = Callable[[str], bool]


class KeywordError(ValueError):
    """The -k expression cannot be read."""


def matches_keyword(expression: str, case: TestCase) -> bool:
    return compile_keyword(expression)(case.node_id.lower())


@lru_cache(maxsize=32)
def compile_keyword(expression: str) -> Matcher:
    tokens = _tokens(expression)
    if not tokens:
        raise KeywordError("the -k expression is empty")
    parser = _Parser(tokens)
    matcher = parser.expression()
    if parser.position != len(tokens):
        raise KeywordError(
            f"unexpected {tokens[parser.position]!r} in -k expression {expression!r}"
        )
    return matcher


def _tokens(expression: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    text = expression.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # pragma: no cover - the pattern matches any non-space run
            break
        tokens.append(match.group(1))
        position = match.end()
    return tokens


class _Parser:
    """expression := term ('or' term)* ; term := factor ('and' factor)* ;
    factor := 'not' factor | '(' expression ')' | word"""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise KeywordError("the -k expression ends too early")
        self.position += 1
        return token

    def expression(self) -> Matcher:
        parts = [self.term()]
        while self.peek() == "or":
            self.take()
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else (lambda text: any(p(text) for p in parts))

    def term(self) -> Matcher:
        parts = [self.factor()]
        while self.peek() == "and":
            self.take()
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else (lambda text: all(p(text) for p in parts))

    def factor(self) -> Matcher:
        token = self.take()
        if token == "not":
            inner = self.factor()
            return lambda text: not inner(text)
        if token == "(":
            inner = self.expression()
            if self.take() != ")":
                raise KeywordError("missing ')' in the -k expression")
            return inner
        if token == ")" or token in _OPERATORS:
            raise KeywordError(f"unexpected {token!r} in the -k expression")
        word = token.lower()
        return lambda text: word in text
