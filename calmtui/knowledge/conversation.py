"""The conversation as a generated reply sees it (a small module: the session imports it on
every start, the index and the LLM code only when they are used)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Conversation:
    """What a generated reply may look at: the messages so far (this turn's included), the
    slots, and the user's message."""

    transcript: tuple[tuple[str, str], ...]
    slots: Mapping[str, Any] = field(default_factory=dict[str, Any])
    user_message: str = ""
    turn: int = 0
    internal_slots: frozenset[str] = frozenset()
    # The conversation's language code (the built-in `language` slot); None: the default one.
    language: str | None = None

    def readable(self, max_turns: int | None = None) -> str:
        """`USER:` / `AI:` lines, the last `max_turns` user turns (all when None)."""
        lines = list(self.transcript)
        if max_turns is not None and max_turns > 0:
            users = [i for i, (role, _) in enumerate(lines) if role == "user"]
            if len(users) > max_turns:
                lines = lines[users[-max_turns] :]
        return "\n".join(
            f"{'USER' if role == 'user' else 'AI'}: {' '.join(text.splitlines())}"
            for role, text in lines
        )

    def last_messages(self, count: int) -> list[str]:
        return [text for _, text in self.transcript[-count:]]
