"""`Conversation` without Textual: what both the app and plain mode rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.app.conversation import Conversation
from calmtui.store.sqlite_store import SqliteStore
from calmtui.understanding.scripted import ScriptedGenerator
from tests.tui.conftest import FLOWS, TRANSFER_SCRIPT, assistant, load

pytestmark = pytest.mark.anyio


def conversation(
    bank: Path,
    script: list[str],
    store: SqliteStore | None = None,
    cid: str | None = None,
    warnings: list[str] | None = None,
) -> Conversation:
    sink = warnings if warnings is not None else []
    return Conversation(
        load(bank),
        assistant(ScriptedGenerator(script)),
        store=store,
        conversation_id=cid,
        on_warning=sink.append,
    )


async def test_opening_starts_and_saves_the_greeting_turn(bank: Path) -> None:
    store = SqliteStore(":memory:")
    c = conversation(bank, [], store)
    results = await c.open()
    assert [r.user_text for r in results] == [None]
    assert results[0].bot_messages[0].text == "Hello! I can send money."
    assert not c.resumed
    assert [t["turn"] for t in store.turns(c.id)] == [0]
    info = store.get(c.id)
    assert info is not None
    assert info.project == c.project.root


async def test_turns_are_saved_as_they_happen_and_resume_restores_state(bank: Path) -> None:
    store = SqliteStore(":memory:")
    first = conversation(bank, TRANSFER_SCRIPT, store, "c1")
    await first.open()
    await first.send("send money")
    await first.send("Anna")
    assert [t["user_text"] for t in store.turns("c1")] == [None, "send money", "Anna"]

    second = conversation(bank, ["set slot amount 20"], store, "c1")
    results = await second.open()
    assert second.resumed
    assert second.id == "c1"
    assert [r.user_text for r in results] == [None, "send money", "Anna"]
    assert second.session.state == first.session.state
    result = await second.send("20")
    assert result.turn == 3
    assert second.session.state.slots["amount"] == 20.0
    assert second.rewind() is not None
    assert second.rewind() is not None
    assert second.session.state.slots["recipient"] is None
    assert [t["user_text"] for t in store.turns("c1")] == [None, "send money"]


async def test_nothing_is_built_before_open(bank: Path) -> None:
    built: list[str] = []
    from dataclasses import replace

    def make_generator(project):  # type: ignore[no-untyped-def]
        built.append("generator")
        return ScriptedGenerator([])

    c = Conversation(
        load(bank), replace(assistant(ScriptedGenerator([])), make_generator=make_generator)
    )
    assert (built, c.results, c.description, c.is_open) == ([], [], "starting…", False)
    with pytest.raises(RuntimeError, match="not open yet"):
        _ = c.session
    await c.open()
    assert built == ["generator"]
    assert c.is_open


async def test_the_session_start_cannot_be_rewound(bank: Path) -> None:
    c = conversation(bank, [])
    await c.open()
    assert c.rewind() is None
    assert len(c.results) == 1


async def test_restart_gives_a_new_id_and_keeps_the_old_conversation(bank: Path) -> None:
    store = SqliteStore(":memory:")
    c = conversation(bank, TRANSFER_SCRIPT, store, "old")
    await c.open()
    await c.send("send money")
    await c.restart()
    assert c.id != "old"
    assert [r.user_text for r in c.results] == [None]
    assert {i.id for i in store.conversations()} == {"old", c.id}
    assert [t["user_text"] for t in store.turns("old")] == [None, "send money"]


async def test_an_unknown_id_starts_a_conversation_with_that_id(bank: Path) -> None:
    store = SqliteStore(":memory:")
    c = conversation(bank, [], store, "brand-new")
    await c.open()
    assert c.id == "brand-new"
    assert not c.resumed
    assert store.get("brand-new") is not None


async def test_resuming_without_a_flow_that_was_removed_warns(bank: Path, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "c.db")
    first = conversation(bank, TRANSFER_SCRIPT, store, "c1")
    await first.open()
    await first.send("send money")
    (bank / "data" / "flows.yml").write_text(
        "flows:\n" + FLOWS.split("  check_balance:\n", 1)[1].join(["  check_balance:\n", ""])
    )
    warnings: list[str] = []
    second = conversation(bank, [], store, "c1", warnings)
    await second.open()
    assert any(w.startswith("resumed without transfer_money") for w in warnings)
    assert second.session.state.stack == ()


async def test_an_unreadable_saved_turn_starts_afresh_with_a_warning(bank: Path) -> None:
    store = SqliteStore(":memory:")
    info = store.create(str(bank), "c1")
    store.append(info.id, 0, {"turn": 0, "events": [{"event": "no_such_event"}]})
    warnings: list[str] = []
    c = conversation(bank, [], store, "c1", warnings)
    results = await c.open()
    assert [r.user_text for r in results] == [None]
    assert any("cannot be resumed" in w for w in warnings)
    assert not c.resumed


async def test_a_failing_store_warns_once_and_the_conversation_goes_on(bank: Path) -> None:
    store = SqliteStore(":memory:")
    warnings: list[str] = []
    c = conversation(bank, TRANSFER_SCRIPT, store, None, warnings)
    await c.open()
    store.close()
    await c.send("send money")
    await c.send("Anna")
    assert len(warnings) == 1
    assert warnings[0].startswith("conversation not saved")
    assert [r.user_text for r in c.results] == [None, "send money", "Anna"]


async def test_reload_rebuilds_understanding_and_actions(bank: Path) -> None:
    built: list[str] = []
    base = assistant(ScriptedGenerator([]))
    from dataclasses import replace

    def make_generator(project):  # type: ignore[no-untyped-def]
        built.append("generator")
        return ScriptedGenerator([])

    c = Conversation(load(bank), replace(base, make_generator=make_generator))
    await c.open()
    (bank / "data" / "flows.yml").write_text(
        FLOWS.replace(
            "      - collect: amount\n",
            "      - collect: amount\n        ask_before_filling: true\n",
        )
    )
    report = await c.reload(load(bank))
    assert report.changed_flows == ("transfer_money",)
    assert built == ["generator", "generator"]
