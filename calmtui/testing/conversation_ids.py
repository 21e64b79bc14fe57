"""Conversation ids for test cases: `<case name>_<timestamp>`, new for every run of a case.

Rasa's e2e runner names each test conversation this way, so an action server that keeps state
per conversation (keyed by `tracker.sender_id`) sees a fresh conversation every run, and a
second run never continues the first one's state. The id only reaches custom actions and the
reports: nothing that decides what the engine does depends on it (response variations are
seeded by (seed, turn, utterance), LLM recordings are keyed by the prompt, stubs by the case
name), so runs stay deterministic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime


class ConversationIds:
    """Hands out `<name>_<timestamp>` ids, never the same one twice (two cases with one name
    started within the same microsecond get `_2`, `_3`, ...)."""

    def __init__(self, clock: Callable[[], datetime] = datetime.now) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._stamp = ""
        self._taken: set[str] = set()

    def __call__(self, name: str) -> str:
        with self._lock:
            stamp = self._clock().isoformat(sep=" ", timespec="microseconds")
            if stamp != self._stamp:
                self._stamp = stamp
                self._taken.clear()
            candidate = f"{name}_{stamp}"
            number = 1
            while candidate in self._taken:
                number += 1
                candidate = f"{name}_{stamp}_{number}"
            self._taken.add(candidate)
            return candidate


new_conversation_id = ConversationIds()
