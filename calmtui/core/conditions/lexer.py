"""Condition text to tokens, with pypred 0.4's token rules.

pypred's lexer tries a number before a bare word, so `3rd` is the number 3 followed by the word
`rd`; a bare word whose lowercase form is a keyword is that keyword (`AND`, `True`); `#` starts a
comment that runs to the end of the line; only spaces, tabs and newlines separate tokens.
One addition: inside a quoted string a backslash escapes the closing quote or another backslash;
any other backslash is kept, so regular expressions like `"\\d+"` need no doubling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from calmtui.core.conditions.errors import ConditionSyntaxError

TokenKind = Literal[
    "and",
    "or",
    "not",
    "is",
    "contains",
    "matches",
    "true",
    "false",
    "null",
    "undefined",
    "empty",
    "op",
    "(",
    ")",
    "{",
    "}",
    "number",
    "string",
    "word",
    "end",
]

_KEYWORDS: dict[str, TokenKind] = {
    "and": "and",
    "or": "or",
    "not": "not",
    "is": "is",
    "contains": "contains",
    "matches": "matches",
    "true": "true",
    "false": "false",
    "null": "null",
    "undefined": "undefined",
    "empty": "empty",
}
_PUNCTUATION: dict[str, TokenKind] = {"(": "(", ")": ")", "{": "{", "}": "}"}

# Alternatives are tried in order, as in pypred's PLY lexer: the first that matches wins.
_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\n]+)
    | (?P<comment>\#[^\n]*)
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<word>[\w\-.:;]+)
    | (?P<string>"(?:[^"\\]|\\[\s\S])*"|'(?:[^'\\]|\\[\s\S])*')
    | (?P<op>==|!=|>=|<=|=|<|>)
    | (?P<punct>[(){}])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str  # as written, quotes included
    offset: int


def tokenize(text: str) -> list[Token]:
    """All tokens of `text`, ending with an `end` token at `len(text)`."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ConditionSyntaxError(_bad_character(text, pos), pos)
        kind = _kind(match.lastgroup, match.group())
        if kind is not None:
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def string_value(token: Token) -> str:
    """The text between the quotes, with `\\<quote>` and `\\\\` unescaped."""
    quote = token.text[0]
    return re.sub(r"\\([\\" + quote + "])", r"\1", token.text[1:-1])


def _kind(group: str | None, lexeme: str) -> TokenKind | None:
    match group:
        case "word":
            return _KEYWORDS.get(lexeme.lower(), "word")
        case "punct":
            return _PUNCTUATION[lexeme]
        case "number" | "string" | "op":
            return group
        case _:
            return None  # spaces and comments


def _bad_character(text: str, pos: int) -> str:
    char = text[pos]
    if char in "\"'":
        return f"the string starting here is not closed: add a matching {char}"
    if char == "!":
        return "unexpected '!': write '!=' or 'is not' for inequality and 'not' for negation"
    return f'unexpected character {char!r}: quote text values, e.g. "like this"'
