"""Regular expressions written in project and test files, run so they cannot hang a turn.

A `matches` condition is the project's pattern applied to a value the user typed; a pattern such
as `^(a|aa)+$` backtracks exponentially in Python's `re`, and one message of forty `a`s would
hold the turn for minutes. Patterns run on the `regex` package (a dependency of ours; its
`VERSION0` syntax is `re`'s) with a time limit: past it, the search fails with `TimeoutError`,
which makes a condition false like any other failing condition (Rasa's rule) and a test
assertion fail with a reason. `regex` checks its clock between steps, so a search may run a few
tenths of a second past the limit, never longer.

Without `regex` (an install that lacks it), patterns run on `re`, and the ones that can backtrack
catastrophically — a repeated group that itself repeats or branches, a backreference — are
refused when they are compiled, with a message saying why.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

# How long one search may take; a well-behaved pattern takes microseconds.
SEARCH_SECONDS = 0.1


class Pattern(Protocol):
    @property
    def pattern(self) -> str: ...

    def search(self, string: str, /) -> Any: ...


class _Timed:
    """A `regex` pattern whose searches carry the time limit."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, compiled: Any, source: str) -> None:
        self._compiled = compiled
        self.pattern = source

    def search(self, string: str) -> Any:
        return self._compiled.search(string, timeout=SEARCH_SECONDS)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Timed) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"Pattern({self.pattern!r})"


def compile_pattern(source: str) -> Pattern:
    """`source` compiled for safe searching; raises `ValueError` (with the reason) when it is
    not a valid pattern, or cannot be run safely."""
    try:
        import regex  # pyright: ignore[reportMissingTypeStubs]
    except ImportError:  # pragma: no cover - regex is a dependency; this is the safety net
        return _compile_checked(source)
    try:
        return _Timed(regex.compile(source), source)  # pyright: ignore[reportUnknownMemberType]
    except (regex.error, RecursionError, OverflowError, ValueError) as error:  # pyright: ignore[reportUnknownMemberType]
        raise ValueError(str(error)) from None


def _compile_checked(source: str) -> Pattern:
    import re

    try:
        compiled = re.compile(source)
        tree = _parse(source)
    except (re.error, RecursionError, OverflowError) as error:
        raise ValueError(str(error)) from None
    problem = _backtracking_risk(tree)
    if problem:
        raise ValueError(f"{problem}: it could take exponential time on some input")
    return compiled


def _parse(source: str) -> Any:
    parser: Any = importlib.import_module("re._parser")  # CPython's own, stable since 3.11
    return parser.parse(source)


def _backtracking_risk(tree: Any, inside_repeat: bool = False) -> str:
    """A reason when a repeat contains a repeat or an alternation, or the pattern refers back."""
    c: Any = importlib.import_module("re._constants")

    for op, argument in tree:
        if op in (c.GROUPREF, c.GROUPREF_EXISTS):
            return "a backreference"
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            if inside_repeat:
                return "a repeated group that repeats again"
            found = _backtracking_risk(argument[2], inside_repeat=True)
            if found:
                return found
        elif op is c.BRANCH:
            if inside_repeat:
                return "a repeated alternation"
            for branch in argument[1]:
                if found := _backtracking_risk(branch, inside_repeat):
                    return found
        elif op is c.SUBPATTERN:
            if found := _backtracking_risk(argument[-1], inside_repeat):
                return found
        elif op in (c.ASSERT, c.ASSERT_NOT) and (
            found := _backtracking_risk(argument[1], inside_repeat)
        ):
            return found
    return ""
