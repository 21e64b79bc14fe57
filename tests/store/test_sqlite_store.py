"""SqliteStore: turns survive the process, rewinds are remembered, damage is reported clearly."""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path

import pytest

from calmtui.store.base import StoreError, new_conversation_id
from calmtui.store.sqlite_store import SqliteStore, default_database


def turn(number: int, text: str | None) -> dict[str, object]:
    return {
        "turn": number,
        "user_text": text,
        "events": [{"event": "bot", "text": f"reply {number}"}],
    }


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        self.now += 1
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(default_database(tmp_path), clock=Clock())


def test_turns_round_trip_and_survive_reopening(tmp_path: Path) -> None:
    path = default_database(tmp_path)
    first = SqliteStore(path)
    info = first.create("/projects/bank")
    first.append(info.id, 0, turn(0, None))
    first.append(info.id, 1, turn(1, "send money"))
    first.close()

    again = SqliteStore(path)
    assert again.turns(info.id) == [turn(0, None), turn(1, "send money")]
    saved = again.get(info.id)
    assert saved is not None
    assert (saved.project, saved.turns, saved.title) == ("/projects/bank", 1, "send money")
    assert path == tmp_path / ".calmtui" / "conversations.db"


def test_the_database_uses_write_ahead_logging(store: SqliteStore) -> None:
    with sqlite3.connect(store.path) as db:
        (mode,) = db.execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"


def test_a_rewound_turn_is_forgotten_and_a_new_one_replaces_it(store: SqliteStore) -> None:
    info = store.create("p")
    for n, text in enumerate([None, "hello", "send money", "Anna"]):
        store.append(info.id, n, turn(n, text))
    store.truncate(info.id, 3)
    assert [t["user_text"] for t in store.turns(info.id)] == [None, "hello", "send money"]
    store.append(info.id, 3, turn(3, "Bea"))
    with pytest.raises(StoreError, match="already saved"):  # a saved turn is never overwritten
        store.append(info.id, 3, turn(3, "Ben"))
    assert [t["user_text"] for t in store.turns(info.id)] == [None, "hello", "send money", "Bea"]
    saved = store.get(info.id)
    assert saved is not None
    assert saved.turns == 3


def test_truncating_everything_clears_the_title(store: SqliteStore) -> None:
    info = store.create("p")
    store.append(info.id, 0, turn(0, None))
    store.append(info.id, 1, turn(1, "hi"))
    store.truncate(info.id, 1)
    saved = store.get(info.id)
    assert saved is not None
    assert (saved.title, saved.turns) == ("", 0)


def test_conversations_are_listed_newest_first_and_by_project(store: SqliteStore) -> None:
    a = store.create("/a")
    b = store.create("/b")
    c = store.create("/a")
    store.append(a.id, 1, turn(1, "x" * 100))
    assert [i.id for i in store.conversations()] == [a.id, c.id, b.id]
    assert [i.id for i in store.conversations("/a")] == [a.id, c.id]
    title = store.get(a.id).title  # type: ignore[union-attr]
    assert len(title) == 60
    assert title.endswith("…")


def test_a_given_id_is_kept_and_a_duplicate_is_a_store_error(store: SqliteStore) -> None:
    assert store.create("p", "my-conversation").id == "my-conversation"
    with pytest.raises(StoreError, match="UNIQUE"):
        store.create("p", "my-conversation")


def test_writes_from_a_worker_thread(store: SqliteStore) -> None:
    info = store.create("p")
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            store.append(info.id, n, turn(n, f"m{n}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(store.turns(info.id)) == 8


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "conversations.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError) as caught:
        SqliteStore(path)
    assert str(path) in str(caught.value)
    assert "not a conversation database" in str(caught.value)


def test_a_damaged_turn_names_the_conversation_and_turn(store: SqliteStore) -> None:
    info = store.create("p")
    store.append(info.id, 0, turn(0, None))
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE turns SET document = '{broken' WHERE turn = 0")
    with pytest.raises(StoreError, match=rf"turn 0 of conversation '{info.id}' is damaged"):
        store.turns(info.id)


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer calmtui"):
        SqliteStore(path)


def test_an_unwritable_location_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot use the conversation database"):
        SqliteStore(blocker / "sub" / "conversations.db")


def test_conversation_ids_sort_by_time_and_differ() -> None:
    first = new_conversation_id(1_700_000_000)
    assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{4}", first)
    assert len({new_conversation_id(1_700_000_000) for _ in range(20)}) > 1
    assert new_conversation_id(1_800_000_000) > first
