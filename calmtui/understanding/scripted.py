"""`ScriptedGenerator`: answers each turn with given DSL lines — deterministic tests and demos."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from calmtui.core.commands import CannotHandle
from calmtui.core.dsl import DslVersion, parse_dsl
from calmtui.core.errors import CalmtuiError
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace


class ScriptExhaustedError(CalmtuiError):
    pass


class ScriptedGenerator:
    """Each call consumes the next script entry (one DSL text, possibly several lines).

    An entry that parses to no command yields CannotHandle, as an LLM answer would.
    """

    mode = "scripted"

    def __init__(self, script: Iterable[str] = (), *, version: DslVersion | None = None) -> None:
        self._script: list[str] = list(script)
        self._version: DslVersion | None = version

    def extend(self, entries: Sequence[str]) -> None:
        self._script.extend(entries)

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        if not self._script:
            raise ScriptExhaustedError(f"no scripted commands left for message {text!r}")
        raw = self._script.pop(0)
        commands, diagnostics = parse_dsl(raw, self._version)
        return UnderstandingTrace(
            mode=self.mode,
            commands=tuple(commands) if commands else (CannotHandle(),),
            raw_output=raw,
            diagnostics=tuple(diagnostics),
        )
