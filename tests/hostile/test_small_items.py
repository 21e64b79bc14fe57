"""The smaller items (8) of the hostile-input issue, one test (or a few) each."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from calmtui.actions.http import HttpRunner
from calmtui.actions.protocol import ActionRequest
from tests.hostile.actions_project import write_actions_project
from tests.hostile.bounded import run_calmtui
from tests.hostile.conftest import write_project

# -- the action-server timeout is a total deadline --------------------------------------------------


@pytest.fixture
def dripping_server() -> Iterator[str]:
    """An HTTP server that answers 200 and then sends its body one byte a second, for ever:
    every single read is quick, the whole answer never comes."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=drip, args=(connection,), daemon=True).start()

    def drip(connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
            )
            while not stop.is_set():
                try:
                    connection.sendall(b" ")
                except OSError:
                    return
                time.sleep(0.5)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/webhook"
    stop.set()
    thread.join(timeout=2)
    listener.close()


def request() -> ActionRequest:
    return ActionRequest(
        name="action_x",
        sender_id="s",
        slots={},
        latest_message={},
        events=[],
        stack=[],
        active_flow=None,
    )


def test_an_action_server_dripping_bytes_is_cut_at_the_timeout(dripping_server: str) -> None:
    async def call() -> tuple[float, str | None]:
        runner = HttpRunner(dripping_server, timeout=1.5)
        began = time.monotonic()
        outcome = await runner.run(request())
        await runner.aclose()
        return time.monotonic() - began, outcome.error

    took, error = asyncio.run(call())
    assert error is not None
    assert "did not answer 'action_x' within 1.5 s" in error
    assert took < 5  # was: as long as the server kept dripping (49 s under `timeout: 5`)


# -- `calmtui init` with an impossible name ------------------------------------------------------------


@pytest.mark.parametrize("name", ["a" * 300, "é" * 200])
def test_init_with_a_name_too_long_is_a_usage_error(tmp_path: Path, name: str) -> None:
    done = run_calmtui("init", name, cwd=tmp_path)
    assert done.rc == 2, done.output
    assert "internal error" not in done.output
    assert "bytes long; file systems allow 255" in done.stderr
    assert "choose a shorter name" in done.stderr


# -- values set by actions are coerced to the slot's type ----------------------------------------------


@pytest.mark.slow
def test_a_float_slot_never_keeps_words_an_action_set(tmp_path: Path) -> None:
    root = write_actions_project(tmp_path / "bot")
    done = run_calmtui("shell", "--json", cwd=root, stdin="run sets words\n")
    assert done.rc == 0, done.output
    last = json.loads(done.stdout.splitlines()[-1])
    slots = last["state"]["slots"]
    assert slots["amount"] is None  # "lots" was not applied: the slot kept its value
    assert slots["count"] == 3.0  # "3" was coerced to the slot's type
    notes = [e for e in last["events"] if e.get("event") == "engine_note"]
    assert any(
        "set slot 'amount' to 'lots', which is not a valid float value" in n["message"]
        for n in notes
    ), notes


# -- catastrophic regular expressions in `matches` conditions -------------------------------------------


def test_a_catastrophic_matches_condition_cannot_hang_a_turn() -> None:
    from calmtui.core.conditions import condition_holds

    typed = "a" * 40 + "!"  # `re` would backtrack 2**40 times on this
    began = time.monotonic()
    holds = condition_holds('slots.name matches "^(a|aa)+$"', slots={"name": typed}, context={})
    assert holds is False  # timed out: false, as any failing condition is
    assert time.monotonic() - began < 3
    assert condition_holds('slots.name matches "^(a|aa)+$"', slots={"name": "aaaa"}, context={})


def test_a_catastrophic_text_matches_assertion_fails_instead_of_hanging() -> None:
    from calmtui.core.events import BotUttered
    from calmtui.testing.assertions import (
        _search,  # pyright: ignore[reportPrivateUsage]
    )

    began = time.monotonic()
    assert not _search(r"^(a|aa)+$", BotUttered(text="a" * 40 + "!"))
    assert time.monotonic() - began < 3


@pytest.mark.parametrize(
    ("pattern", "refused"),
    [
        (r"^(a|aa)+$", "a repeated alternation"),
        (r"(a+)+$", "a repeated group that repeats again"),
        (r"(\d)\1", "a backreference"),
        (r"^[0-9]{4}-[0-9]{2}$", ""),
        (r"^\w+@\w+\.com$", ""),
    ],
)
def test_without_the_regex_package_risky_patterns_are_refused(pattern: str, refused: str) -> None:
    """The fallback when `regex` is missing: plain `re`, minus the patterns that can explode."""
    from calmtui.core.safe_regex import (
        _compile_checked,  # pyright: ignore[reportPrivateUsage]
    )

    if refused:
        with pytest.raises(ValueError, match=refused):
            _compile_checked(pattern)
    else:
        assert _compile_checked(pattern).search("2024-05") is not None or pattern.startswith("^\\w")


# -- one unreadable domain file does not cause false errors across files -------------------------------


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x00\x01\x02binary", "CT103"),
        (b"a" * (8 * 1024 * 1024 + 1), "CT107"),
        (b"\xff\xfe bad", "CT103"),
    ],
    ids=["binary", "too large", "not utf-8"],
)
def test_an_unreadable_domain_file_skips_the_checks_that_depend_on_it(
    tmp_path: Path, content: bytes, code: str
) -> None:
    root = write_project(tmp_path / "bot")
    (root / "domain.yml").write_bytes(content)
    done = run_calmtui("validate", cwd=root)
    assert done.rc == 1
    assert f"error[{code}]" in done.stdout
    assert "CT335" not in done.stdout  # "action ... is not listed in the domain": false
    assert "CT200" not in done.stdout  # "the domain is empty": false
    assert "1 error," in done.stdout
    assert "other checks skipped until the domain can be read" in done.stdout


# -- symlinked directories under data/ ---------------------------------------------------------------


def test_flows_in_a_symlinked_directory_are_read_and_loops_are_guarded(tmp_path: Path) -> None:
    from calmtui.core.loading.project_loader import load_project

    root = write_project(tmp_path / "bot")
    shared = tmp_path / "shared_flows"
    shared.mkdir()
    (shared / "more.yml").write_text(
        "flows:\n  from_a_link:\n    description: A flow in a linked directory.\n"
        "    steps:\n      - action: utter_done\n",
        encoding="utf-8",
    )
    (root / "data" / "linked").symlink_to(shared, target_is_directory=True)
    (shared / "loop").symlink_to(
        root / "data", target_is_directory=True
    )  # data -> linked -> loop -> data
    (root / "data" / "again").symlink_to(shared, target_is_directory=True)  # a second link
    result = load_project(root)
    assert result.project is not None
    assert "from_a_link" in {f.id for f in result.project.user_flows}
    assert not [d for d in result.diagnostics if d.is_error], [
        d.headline() for d in result.diagnostics
    ]
