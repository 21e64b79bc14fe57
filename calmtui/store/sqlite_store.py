"""`SqliteStore`: conversations in one SQLite file (stdlib `sqlite3`, WAL journal).

One row per turn holds the turn's JSON document; a conversations row keeps the id, project,
start and update times, the turn count and a title (the first user message) for `--list`.
Each `append` is its own transaction, so a crash or a closed terminal loses at most the turn
that was being written, and it never replaces a saved turn (a rewind deletes first). A process
`claim`s a conversation before writing it (`claims.py`): a second shell on the same id is told
the conversation is in use instead of overwriting its turns. WAL lets `calmtui shell --list`
read while a shell writes.

The connection may be used from a worker thread (the TUI writes off the UI thread), so it is
opened with `check_same_thread=False` and every call holds a lock.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Generator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from calmtui.store.base import ConversationInfo, StoreError, new_conversation_id
from calmtui.store.claims import Claims

DATABASE_NAME = "conversations.db"
SCHEMA_VERSION = 1
TITLE_LENGTH = 60

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    project TEXT NOT NULL,
    started REAL NOT NULL,
    updated REAL NOT NULL,
    turn_count INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    user_text TEXT,
    created REAL NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (conversation_id, turn)
);
CREATE INDEX IF NOT EXISTS conversations_by_project ON conversations(project, updated);
"""


def default_database(project_root: str | os.PathLike[str]) -> Path:
    """`<project>/.calmtui/conversations.db` (the templates' .gitignore leaves it out of git)."""
    return Path(project_root) / ".calmtui" / DATABASE_NAME


class SqliteStore:
    """The default `Store`. `path` may be ":memory:" for tests."""

    def __init__(
        self, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = str(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._claims = Claims(Path(self.path + ".locks")) if self.path != ":memory:" else None
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(_SCHEMA)
            self._check_version()
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(self._explain(exc)) from exc

    # -- conversations ----------------------------------------------------------------------------
    def create(self, project: str, conversation_id: str | None = None) -> ConversationInfo:
        now = self._clock()
        info = ConversationInfo(
            id=conversation_id or new_conversation_id(now),
            project=project,
            started=now,
            updated=now,
            turns=0,
        )
        with self._transaction() as db:
            db.execute(
                "INSERT INTO conversations (id, project, started, updated, turn_count, title) VALUES (?, ?, ?, ?, 0, '')",
                (info.id, info.project, info.started, info.updated),
            )
        return info

    def get(self, conversation_id: str) -> ConversationInfo | None:
        with self._transaction() as db:
            row = db.execute(
                "SELECT id, project, started, updated, turn_count, title FROM conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
        return _info(row) if row else None

    def conversations(self, project: str | None = None) -> list[ConversationInfo]:
        """Most recently updated first; only those of `project` when given."""
        query = "SELECT id, project, started, updated, turn_count, title FROM conversations"
        params: tuple[str, ...] = ()
        if project is not None:
            query += " WHERE project = ?"
            params = (project,)
        with self._transaction() as db:
            rows = db.execute(query + " ORDER BY updated DESC, id DESC", params).fetchall()
        return [_info(r) for r in rows]

    def claim(self, conversation_id: str) -> None:
        """Make this process the conversation's only writer until `release` or `close`; raises
        `ConversationInUseError` when another process holds it (see `claims.py`)."""
        if self._claims is not None:
            self._claims.claim(conversation_id)

    def release(self, conversation_id: str) -> None:
        if self._claims is not None:
            self._claims.release(conversation_id)

    # -- turns ------------------------------------------------------------------------------------
    def append(self, conversation_id: str, turn: int, document: Mapping[str, Any]) -> None:
        user_text = document.get("user_text")
        text = json.dumps(document, ensure_ascii=False, default=str)
        now = self._clock()
        with self._transaction() as db:
            try:
                db.execute(
                    "INSERT INTO turns (conversation_id, turn, user_text, created, document) VALUES (?, ?, ?, ?, ?)",
                    (conversation_id, turn, user_text, now, text),
                )
            except sqlite3.IntegrityError:  # never replace a saved turn (a rewind deletes first)
                raise StoreError(
                    f"turn {turn} of conversation {conversation_id!r} was already saved, by "
                    "another process writing the same conversation; it was not overwritten"
                ) from None
            db.execute(
                "UPDATE conversations SET updated = ?, turn_count = "
                "(SELECT COUNT(*) FROM turns WHERE conversation_id = ? AND user_text IS NOT NULL) WHERE id = ?",
                (now, conversation_id, conversation_id),
            )
            if isinstance(user_text, str) and user_text.strip():
                db.execute(
                    "UPDATE conversations SET title = ? WHERE id = ? AND title = ''",
                    (_title(user_text), conversation_id),
                )

    def truncate(self, conversation_id: str, from_turn: int) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM turns WHERE conversation_id = ? AND turn >= ?",
                (conversation_id, from_turn),
            )
            first = db.execute(
                "SELECT user_text FROM turns WHERE conversation_id = ? AND user_text IS NOT NULL ORDER BY turn LIMIT 1",
                (conversation_id,),
            ).fetchone()
            db.execute(
                "UPDATE conversations SET updated = ?, title = ?, turn_count = "
                "(SELECT COUNT(*) FROM turns WHERE conversation_id = ? AND user_text IS NOT NULL) WHERE id = ?",
                (
                    self._clock(),
                    _title(first[0]) if first else "",
                    conversation_id,
                    conversation_id,
                ),
            )

    def turns(self, conversation_id: str) -> list[dict[str, Any]]:
        """The saved turn documents in order; a row that is not valid JSON is a `StoreError`."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT turn, document FROM turns WHERE conversation_id = ? ORDER BY turn",
                (conversation_id,),
            ).fetchall()
        documents: list[dict[str, Any]] = []
        for turn, text in rows:
            try:
                documents.append(json.loads(text))
            except json.JSONDecodeError as exc:
                raise StoreError(
                    f"{self.path}: turn {turn} of conversation {conversation_id!r} is damaged ({exc})"
                ) from exc
        return documents

    def close(self) -> None:
        if self._claims is not None:
            self._claims.release_all()
        with self._lock:
            self._db.close()

    # -- internals --------------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Generator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(self._explain(exc)) from exc

    def _check_version(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version == 0:
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer calmtui (schema {version}, this one reads {SCHEMA_VERSION}); "
                "upgrade calmtui or move the file away"
            )

    def _explain(self, exc: BaseException) -> str:
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, sqlite3.DatabaseError) and "not a database" in reason:
            return f"{self.path} is not a conversation database (file is damaged?); move it away to start afresh"
        return f"cannot use the conversation database {self.path}: {reason}"


def _info(row: tuple[Any, ...]) -> ConversationInfo:
    return ConversationInfo(
        id=row[0], project=row[1], started=row[2], updated=row[3], turns=row[4], title=row[5] or ""
    )


def _title(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1] + "…"
