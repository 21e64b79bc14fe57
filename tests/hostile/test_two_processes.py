"""Item 4 of the hostile-input issue: two processes on one conversation id never lose a turn.

`INSERT OR REPLACE` let each shell overwrite the other's turns (200 + 200 turns left ~215 rows
while both said "saved"). Now the first process claims the conversation (an OS lock, released
however the process ends) and a second one is told it is in use; and a saved turn is never
overwritten, even by a writer that bypassed the claim.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from calmtui.store.base import StoreError
from calmtui.store.sqlite_store import SqliteStore, default_database
from tests.hostile.conftest import write_project

ENV = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "NO_COLOR": "1"}


def shell(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "calmtui", "shell", "--json", "--conversation-id", "shared", *args],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def send(process: subprocess.Popen[str], count: int) -> None:
    assert process.stdin is not None
    assert process.stdout is not None
    for n in range(count):
        process.stdin.write(f"/SetSlots(recipient=person {n})\n")
        process.stdin.flush()
    for _ in range(count + 1):  # the session start, then one document per message
        json.loads(process.stdout.readline())


@pytest.mark.slow
def test_a_second_shell_on_the_same_conversation_is_refused_and_no_turn_is_lost(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path / "bot")
    first = shell(root)
    try:
        send(first, 30)  # the first shell holds the conversation now
        second = subprocess.run(
            [sys.executable, "-m", "calmtui", "shell", "--json", "--conversation-id", "shared"],
            cwd=root,
            input="/SetSlots(recipient=intruder)\n",
            capture_output=True,
            text=True,
            env=ENV,
            timeout=120,
        )
        assert second.returncode == 2
        assert "conversation 'shared' is in use by another calmtui process" in second.stderr
        assert f"(pid {first.pid})" in second.stderr
        assert second.stdout == ""
        assert first.stdin is not None
        first.stdin.close()
        assert first.wait(timeout=60) == 0
    finally:
        if first.poll() is None:
            first.kill()
    store = SqliteStore(default_database(root))
    turns = store.turns("shared")
    assert len(turns) == 31
    assert [t["turn"] for t in turns] == list(range(31))
    store.close()
    # once the first shell ended, the conversation can be resumed, and its turns follow on
    done = subprocess.run(
        [sys.executable, "-m", "calmtui", "shell", "--json", "--conversation-id", "shared"],
        cwd=root,
        input="/SetSlots(recipient=later)\n",
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert [t["turn"] for t in SqliteStore(default_database(root)).turns("shared")] == list(
        range(32)
    )


@pytest.mark.slow
def test_a_killed_shell_leaves_no_stale_claim(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bot")
    first = shell(root)
    send(first, 3)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    time.sleep(0.2)
    done = subprocess.run(
        [sys.executable, "-m", "calmtui", "shell", "--json", "--conversation-id", "shared"],
        cwd=root,
        input="/SetSlots(recipient=after the crash)\n",
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(SqliteStore(default_database(root)).turns("shared")) == 5  # 4 kept + 1 new


def test_a_saved_turn_is_never_overwritten_by_another_writer(tmp_path: Path) -> None:
    """Two stores on one database that skip the claim: the second write of a turn fails
    loudly instead of replacing the first."""
    path = tmp_path / "c.db"
    one, two = SqliteStore(path), SqliteStore(path)
    info = one.create("p", "shared")
    one.append(info.id, 0, {"turn": 0, "user_text": None})
    one.append(info.id, 1, {"turn": 1, "user_text": "from one"})
    with pytest.raises(StoreError, match="already saved"):
        two.append(info.id, 1, {"turn": 1, "user_text": "from two"})
    assert [t["user_text"] for t in one.turns(info.id)] == [None, "from one"]


def test_a_claim_is_exclusive_between_stores_and_released_on_close(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    one, two = SqliteStore(path), SqliteStore(path)
    one.claim("shared")
    one.claim("shared")  # claiming again is fine
    with pytest.raises(StoreError, match="in use by another calmtui process"):
        two.claim("shared")
    two.claim("other")
    one.close()
    two.claim("shared")
