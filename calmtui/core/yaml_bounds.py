"""How big and how deep a YAML file may be, decided before it is composed.

Project files are downloaded input. Two shapes of file cost far more than their size:

- aliases reused in branches ("billion laughs"): a 5 KB file of anchors, each copied eight times
  into the next, is hundreds of millions of values once later code walks or copies the tree;
- deep nesting: `[[[[...` 40,000 levels deep overflows the C stack of PyYAML's composer (a
  segfault, not an exception) long before the builder's own depth check could run.

`shape_problem` answers both without building anything. Cheap over-estimates read from the text
(str.count and one regular expression, no Python loop) clear nearly every file at once; only a
file whose estimate exceeds a limit — or that may use aliases — is streamed through the parser's
events (libyaml's parser is not recursive and keeps no tree), counting the values the file would
have *as built*, aliases expanded, and the nesting depth, and stopping at the first limit passed.
Memory stays proportional to the number of anchors, time to the events read before stopping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    NodeEvent,
    ScalarEvent,
)

from calmtui.core.diagnostics import Diagnostic, Span

MAX_DEPTH = 200
# Values (scalars, lists and mappings) one file may hold once its aliases are expanded. The
# largest real project files (a domain of thousands of responses, a suite of a thousand test
# cases) hold tens of thousands; composing and building 200,000 takes about a second and
# under 200 MB.
MAX_VALUES = 200_000

_EVENT_LOADER: type[Any] = (
    yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader  # type: ignore[attr-defined]
)
# Characters without which a YAML document cannot add a value: every value but the root follows
# one of them, and no more than three values (a mapping, its key and its value) per character.
_VALUE_MARKS = ":-,[{?"


def shape_problem(text: str, path: str) -> Diagnostic | None:
    """The diagnostic that stops `text` from being composed (too deep CT104, too many values
    CT181, aliases expanding past the limit CT180), or None when it is safe to compose."""
    if not _needs_scan(text):
        return None
    return _scan(text, path)


def _needs_scan(text: str) -> bool:
    if "&" in text and "*" in text:  # an alias needs an anchor: maybe a bomb
        return True
    values = 1 + 3 * sum(text.count(mark) for mark in _VALUE_MARKS)
    if values > MAX_VALUES:
        return True
    flow_depth = text.count("[") + text.count("{")
    if flow_depth >= MAX_DEPTH:
        return True
    # Block collections nest by indentation: along any path the column where a collection starts
    # grows at least every second level (a list may sit at its key's column), and it is at most
    # the line's indentation plus its leading `- `/`? `/`: ` indicators.
    room = (MAX_DEPTH - flow_depth) // 2 - 1
    return _deep_prefix(room).search(text) is not None


_PREFIX_CACHE: dict[int, re.Pattern[str]] = {}


def _deep_prefix(columns: int) -> re.Pattern[str]:
    """A line whose indentation and leading indicators reach `columns` characters."""
    pattern = _PREFIX_CACHE.get(columns)
    if pattern is None:
        pattern = re.compile(rf"^(?:[ \t]|[-?:](?=[ \t])){{{max(columns, 0)},}}", re.MULTILINE)
        _PREFIX_CACHE[columns] = pattern
    return pattern


def _events(text: str) -> Iterator[Event]:
    return yaml.parse(text, Loader=_EVENT_LOADER)  # type: ignore[no-any-return]


def _scan(text: str, path: str) -> Diagnostic | None:
    """Stream the events: depth, and values as the tree would be built (each alias counts the
    values of its anchor). A syntax error ends the scan quietly: composing reports it."""
    sizes: dict[str, int] = {}  # anchor -> values it expands to
    defined: dict[str, Span] = {}
    uses: dict[str, int] = {}
    open_collections: list[tuple[str | None, int]] = []  # (anchor, values before it)
    values = 0
    try:
        for event in _events(text):
            if isinstance(event, AliasEvent):
                anchor = event.anchor or ""
                values += sizes.get(anchor, 1)  # an anchor still open: the builder reports it
                uses[anchor] = uses.get(anchor, 0) + 1
                if values > MAX_VALUES:
                    return _expands_too_far(path, anchor, sizes, defined, uses, _span(path, event))
                continue
            if not isinstance(event, NodeEvent | CollectionEndEvent):
                continue
            if isinstance(event, CollectionEndEvent):
                anchor, before = open_collections.pop()
                if anchor is not None:
                    sizes[anchor] = values - before
                continue
            values += 1
            if values > MAX_VALUES:
                return _too_many(path, _span(path, event))
            anchor = event.anchor
            if anchor is not None:
                defined[anchor] = _span(path, event)
            if isinstance(event, ScalarEvent):
                if anchor is not None:
                    sizes[anchor] = 1
            elif isinstance(event, CollectionStartEvent):
                open_collections.append((anchor, values - 1))
                if len(open_collections) > MAX_DEPTH:
                    return too_deep(path, _span(path, event))
    except yaml.YAMLError:
        return None
    return None


def _span(path: str, event: Event) -> Span:
    mark = event.start_mark
    return Span(path, mark.line + 1, mark.column + 1) if mark is not None else Span(path, 1, 1)


def too_deep(path: str, span: Span) -> Diagnostic:
    return Diagnostic.error(
        "CT104", f"YAML nesting is deeper than {MAX_DEPTH} levels", span, hint="flatten the file"
    )


def _too_many(path: str, span: Span) -> Diagnostic:
    return Diagnostic.error(
        "CT181",
        f"the file holds more than {MAX_VALUES:,} values; calmtui stops reading it here",
        span,
        hint="split the data into several files, or move a data dump out of the project",
    )


def _expands_too_far(
    path: str,
    alias: str,
    sizes: dict[str, int],
    defined: dict[str, Span],
    uses: dict[str, int],
    at: Span,
) -> Diagnostic:
    """Blame the anchor whose copies add the most values (the bomb's top level), at its
    definition; the alias use that crossed the limit is the related position."""
    culprit = max(uses, key=lambda name: uses[name] * sizes.get(name, 1))
    each = sizes.get(culprit, 1)
    where = defined.get(culprit, at)
    return Diagnostic.error(
        "CT180",
        f"the aliases of anchor &{culprit} ({each:,} values each, {uses[culprit]:,} copies so far) "
        f"expand the file past {MAX_VALUES:,} values",
        where,
        hint="write the repeated parts out, or reuse them less deeply (aliases of aliases multiply)",
        related=(at,) if at != where else (),
    )
