"""Stubbed custom actions: fixed events and responses instead of running the action.

The e2e format's `stub_custom_actions` (FORMATS.md g.1) maps `<action>` (every test case of the
file) or `<test case>::<action>` (that case only, and it wins) to `{events: [...], responses:
[...]}` in the action-server format. calmtui needs no beta flag for it. The same mapping, as the
top-level `stub_custom_actions` of any YAML file (an e2e test file works too), feeds
`calmtui shell --stub-actions FILE`, for demos without an action server.

`StubRunner` answers stubbed actions and hands every other one to the runner it wraps (the
project's in-process or HTTP runner); with nothing to wrap, an unstubbed action is a clear failure.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from calmtui.actions.outcomes import outcome_from_reply
from calmtui.actions.protocol import ActionOutcome, ActionRequest, ActionRunner
from calmtui.core.diagnostics import Diagnostic, Span, did_you_mean
from calmtui.core.source import YMap, YSeq, decode_source, parse_yaml

STUBS_KEY = "stub_custom_actions"
CASE_SEPARATOR = "::"
_STUB_KEYS = ("events", "responses")


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionStub:
    action: str
    test_case: str | None = None
    events: tuple[Mapping[str, Any], ...] = ()
    responses: tuple[Mapping[str, Any], ...] = ()
    span: Span | None = None

    @property
    def key(self) -> str:
        return f"{self.test_case}{CASE_SEPARATOR}{self.action}" if self.test_case else self.action


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionStubs:
    """All stubs of a file (or several files merged), global and case-scoped."""

    stubs: tuple[ActionStub, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.stubs)

    def for_case(self, test_case: str | None = None) -> dict[str, ActionStub]:
        """The stubs that apply in `test_case`, by action name; case-scoped ones win."""
        chosen = {s.action: s for s in self.stubs if s.test_case is None}
        if test_case is not None:
            chosen.update({s.action: s for s in self.stubs if s.test_case == test_case})
        return chosen

    def merged(self, other: ActionStubs) -> ActionStubs:
        """These stubs with `other`'s added; on the same key, `other` wins (e.g. a test file
        over a shared stub file)."""
        keys = {s.key for s in other.stubs}
        return ActionStubs(stubs=tuple(s for s in self.stubs if s.key not in keys) + other.stubs)


class StubRunner:
    """Answers stubbed actions; any other goes to `fallback` (or fails clearly without one).

    The fallback is not closed by `aclose()`: it is usually shared by many test cases.
    """

    def __init__(
        self,
        stubs: ActionStubs | Mapping[str, ActionStub],
        *,
        test_case: str | None = None,
        fallback: ActionRunner | None = None,
    ) -> None:
        self.stubs = stubs.for_case(test_case) if isinstance(stubs, ActionStubs) else dict(stubs)
        self.test_case = test_case
        self.fallback = fallback

    @property
    def kind(self) -> str:
        return f"stub+{self.fallback.kind}" if self.fallback is not None else "stub"

    async def run(self, request: ActionRequest) -> ActionOutcome:
        stub = self.stubs.get(request.name)
        if stub is not None:
            reply = {"events": list(stub.events), "responses": list(stub.responses)}
            outcome = outcome_from_reply(reply, f"stub {stub.key!r}")
            where = f" ({stub.span})" if stub.span is not None else ""
            return ActionOutcome(
                events=outcome.events,
                responses=outcome.responses,
                error=outcome.error,
                detail=f"stubbed by {stub.key!r}{where}",
            )
        if self.fallback is not None:
            return await self.fallback.run(request)
        scope = f" in test case {self.test_case!r}" if self.test_case else ""
        hint = did_you_mean(request.name, self.stubs)
        return ActionOutcome(
            error=f"custom action {request.name!r} is not stubbed{scope} and nothing else can run it",
            detail=hint or f"add {STUBS_KEY}: {{{request.name}: {{events: [], responses: []}}}}",
        )

    async def aclose(self) -> None:
        """Nothing of its own to release."""


# -- reading stubs ------------------------------------------------------------------------------
def parse_stubs(
    data: Any, path: str, span: Span | None = None
) -> tuple[ActionStubs, list[Diagnostic]]:
    """The value of a `stub_custom_actions` key; bad entries are reported and skipped."""
    problems: list[Diagnostic] = []
    where = data.span if isinstance(data, YMap) else span or Span(path, 1, 1)
    if data is None:
        return ActionStubs(), problems
    if not isinstance(data, Mapping):
        problems.append(
            Diagnostic.error(
                "CT110", f"{STUBS_KEY!r} must be a mapping of action names to stubs", where
            )
        )
        return ActionStubs(), problems
    stubs: list[ActionStub] = []
    entries = cast(Mapping[Any, Any], data)
    for key, value in entries.items():
        key_span = data.key_span(str(key)) if isinstance(data, YMap) else where
        stub = _parse_stub(
            str(key), value, key_span, _value_span(entries, str(key), key_span), problems
        )
        if stub is not None:
            stubs.append(stub)
    return ActionStubs(stubs=tuple(stubs)), problems


def load_stub_file(path: str | os.PathLike[str]) -> tuple[ActionStubs, list[Diagnostic]]:
    """Stubs from the top-level `stub_custom_actions` of a YAML file (`shell --stub-actions`)."""
    shown = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return ActionStubs(), [
            Diagnostic.error(
                "CT108", f"cannot read stub file {shown!r}: {reason}", Span(shown, 1, 1)
            )
        ]
    text, problem = decode_source(raw, shown)
    if text is None:
        return ActionStubs(), [problem] if problem else []
    parsed = parse_yaml(text, shown)
    problems = list(parsed.diagnostics)
    if not parsed.ok:
        return ActionStubs(), problems
    if parsed.data is None:
        problems.append(
            Diagnostic.error(
                "CT113", f"stub file {shown!r} is empty", Span(shown, 1, 1), hint=_FILE_HINT
            )
        )
        return ActionStubs(), problems
    if not isinstance(parsed.data, YMap) or STUBS_KEY not in parsed.data:
        problems.append(
            Diagnostic.error(
                "CT109",
                f"stub file {shown!r} has no top-level {STUBS_KEY!r}",
                Span(shown, 1, 1),
                hint=_FILE_HINT,
            )
        )
        return ActionStubs(), problems
    stubs, found = parse_stubs(parsed.data[STUBS_KEY], shown, parsed.data.value_span(STUBS_KEY))
    return stubs, problems + found


_FILE_HINT = (
    f"write `{STUBS_KEY}:` with entries like `action_x: {{events: [...], responses: [...]}}`"
)


def _parse_stub(
    key: str, value: Any, key_span: Span, span: Span, problems: list[Diagnostic]
) -> ActionStub | None:
    test_case, separator, action = key.rpartition(CASE_SEPARATOR)
    if not action.strip() or (separator and not test_case.strip()):
        problems.append(
            Diagnostic.error(
                "CT110",
                f"stub key {key!r} must be '<action>' or '<test case>{CASE_SEPARATOR}<action>'",
                key_span,
            )
        )
        return None
    if not isinstance(value, Mapping):
        problems.append(
            Diagnostic.error(
                "CT110", f"stub {key!r} must be a mapping with 'events' and/or 'responses'", span
            )
        )
        return None
    for extra in (k for k in value if k not in _STUB_KEYS):  # type: ignore[misc]
        extra_span = value.key_span(str(extra)) if isinstance(value, YMap) else span  # type: ignore[misc]
        problems.append(
            Diagnostic.warning(
                "CT111",
                f"unknown key {extra!r} in stub {key!r}",
                extra_span,
                hint=did_you_mean(str(extra), _STUB_KEYS),  # type: ignore[misc]
            )
        )
    events = _items(value, "events", key, span, problems, required_key="event")  # type: ignore[arg-type]
    responses = _items(value, "responses", key, span, problems, required_key=None)  # type: ignore[arg-type]
    if events is None or responses is None:
        return None
    return ActionStub(
        action=action.strip(),
        test_case=test_case.strip() or None,
        events=events,
        responses=responses,
        span=key_span,
    )


def _items(
    stub: Mapping[str, Any],
    field: str,
    key: str,
    span: Span,
    problems: list[Diagnostic],
    *,
    required_key: str | None,
) -> tuple[Mapping[str, Any], ...] | None:
    items = stub.get(field)
    if items is None:
        return ()
    field_span = _value_span(stub, field, span)
    if not isinstance(items, list):
        problems.append(
            Diagnostic.error("CT110", f"{field!r} of stub {key!r} must be a list", field_span)
        )
        return None
    result: list[Mapping[str, Any]] = []
    for index, item in enumerate(items):  # type: ignore[misc]
        item_span = items.item_span(index) if isinstance(items, YSeq) else field_span
        if not isinstance(item, Mapping):
            problems.append(
                Diagnostic.error(
                    "CT110",
                    f"item {index + 1} of {field!r} in stub {key!r} must be a mapping",
                    item_span,
                )
            )
            return None
        if required_key is not None and not isinstance(item.get(required_key), str):  # type: ignore[union-attr]
            problems.append(
                Diagnostic.error(
                    "CT112",
                    f"event {index + 1} of stub {key!r} needs an {required_key!r} name (slot, reset_slots, restart, bot, ...)",
                    item_span,
                )
            )
            return None
        result.append(_plain(item))
    return tuple(result)


def _value_span(data: Any, key: str, default: Span) -> Span:
    return data.value_span(key) if isinstance(data, YMap) else default


def _plain(value: Any) -> Any:
    """YMap/YSeq (which carry positions) to plain dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}  # type: ignore[misc]
    if isinstance(value, list):
        return [_plain(v) for v in value]  # type: ignore[misc]
    return value
