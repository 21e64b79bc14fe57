"""One process per conversation: an OS file lock per conversation id, next to the database.

Two shells on one conversation id used to overwrite each other's turns (each process numbered
its turns from its own history). The first process to open a conversation claims it; another
one is told "in use by another calmtui process (pid N)" instead of silently interleaving. The
lock is the operating system's (`flock`, or `msvcrt.locking` on Windows), so it is released when
the process ends, however it ends — a `kill -9` leaves no stale claim.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from calmtui.store.base import StoreError


class ConversationInUseError(StoreError):
    """Another process holds the conversation."""


class Claims:
    """The claims one store holds, by conversation id (claiming twice is a no-op)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._held: dict[str, int] = {}

    def claim(self, conversation_id: str) -> None:
        if conversation_id in self._held:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self._path(conversation_id), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot lock conversation {conversation_id!r}: {exc}") from exc
        if not _lock(descriptor):
            owner = _read_owner(descriptor)
            os.close(descriptor)
            raise ConversationInUseError(
                f"conversation {conversation_id!r} is in use by another calmtui process"
                + (f" (pid {owner})" if owner else "")
                + "; close it first, or pick another --conversation-id"
            )
        with contextlib.suppress(OSError):
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, str(os.getpid()).encode(), 0)
        self._held[conversation_id] = descriptor

    def release(self, conversation_id: str) -> None:
        descriptor = self._held.pop(conversation_id, None)
        if descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(descriptor)  # closing the descriptor drops the lock

    def release_all(self) -> None:
        for conversation_id in list(self._held):
            self.release(conversation_id)

    def _path(self, conversation_id: str) -> Path:
        digest = hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:32]
        return self.directory / f"{digest}.lock"


def _lock(descriptor: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _read_owner(descriptor: int) -> str:
    with contextlib.suppress(OSError):
        text = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip()
        return text if text.isdigit() else ""
    return ""
