"""The store protocol and the record of one saved conversation.

Stores hold plain JSON documents, one per turn, because the store layer sits below the session
(STYLE.md 3.2): the caller turns `TurnResult`s into JSON and back.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from calmtui.core.errors import CalmtuiError


class StoreError(CalmtuiError):
    """The conversation database cannot be read or written; the message says why and where."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationInfo:
    """One saved conversation, as `calmtui shell --list` shows it."""

    id: str
    project: str
    started: float
    updated: float
    turns: int
    title: str = ""


class Store(Protocol):
    """Where conversations live. Every method either succeeds or raises `StoreError`."""

    def create(self, project: str, conversation_id: str | None = None) -> ConversationInfo: ...

    def get(self, conversation_id: str) -> ConversationInfo | None: ...

    def append(self, conversation_id: str, turn: int, document: Mapping[str, Any]) -> None:
        """Save turn `turn`; a turn already saved with that number is never replaced (a rewind
        truncates first): that is a `StoreError`."""
        ...

    def claim(self, conversation_id: str) -> None:
        """Be the conversation's only writer (until `release` or `close`); raises a
        `StoreError` (`ConversationInUseError`) when another process holds it."""
        ...

    def release(self, conversation_id: str) -> None: ...

    def truncate(self, conversation_id: str, from_turn: int) -> None:
        """Forget turns `from_turn` and later (rewind)."""
        ...

    def turns(self, conversation_id: str) -> list[dict[str, Any]]: ...

    def conversations(self, project: str | None = None) -> Sequence[ConversationInfo]: ...

    def close(self) -> None: ...


def new_conversation_id(now: float | None = None) -> str:
    """Sortable and readable: `20261122-143005-3f9a` (local time, then 4 random hex digits)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if now is None else now))
    return f"{stamp}-{secrets.token_hex(2)}"
