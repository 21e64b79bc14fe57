"""Conversation → e2e test case: the assertions say what happened, the file is valid against the
e2e schema, names are checked and nothing is overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from calmtui.app.conversation import Conversation
from calmtui.app.export import (
    ExportError,
    render_test_file,
    save_test_case,
    suggest_name,
    turn_assertions,
)
from calmtui.schemas import schema_text
from calmtui.understanding.scripted import ScriptedGenerator
from tests.tui.conftest import TRANSFER_SCRIPT, FakeActions, assistant, load

pytestmark = pytest.mark.anyio


async def finished_transfer(bank: Path) -> Conversation:
    c = Conversation(load(bank), assistant(ScriptedGenerator(TRANSFER_SCRIPT), FakeActions()))
    await c.open()
    for text in ("I want to send money", "Anna", "50", "/SetSlots(confirm=true)"):
        await c.send(text)
    return c


async def test_each_user_turn_asserts_what_happened(bank: Path) -> None:
    c = await finished_transfer(bank)
    first, second, third, last = (turn_assertions(r) for r in c.results[1:])
    assert first == [
        {"flow_started": "transfer_money"},
        {"bot_uttered": {"utter_name": "utter_ask_recipient"}},
    ]
    assert second == [
        {"slot_was_set": [{"name": "recipient", "value": "Anna"}]},
        {"bot_uttered": {"utter_name": "utter_ask_amount"}},
    ]
    assert {"slot_was_set": [{"name": "amount", "value": 50.0}]} in third
    assert {"flow_completed": {"flow_id": "transfer_money"}} in last
    slots = next(a["slot_was_set"] for a in last if "slot_was_set" in a)
    assert {"name": "confirm", "value": True} in slots
    assert {"name": "transfer_ok", "value": True} in slots
    assert all(s["value"] is not None for s in slots)  # resets at the flow's end are not asserted


async def test_the_file_is_a_valid_e2e_test_file(bank: Path) -> None:
    c = await finished_transfer(bank)
    text = render_test_file(c.results, "transfer", header="Saved by calmtui from conversation x.")
    assert text.splitlines()[:2] == [
        "# yaml-language-server: $schema=../../../.calmtui/schemas/e2e.schema.json",
        "# Saved by calmtui from conversation x.",
    ]
    assert '      - user: "50"' in text  # user messages stay strings, quoted
    document = yaml.safe_load(text)
    jsonschema.validate(document, json.loads(schema_text("e2e")))
    assert document["test_cases"][0]["test_case"] == "transfer"
    assert len(document["test_cases"][0]["steps"]) == 4


async def test_names_are_checked_and_files_never_replaced(bank: Path) -> None:
    c = await finished_transfer(bank)
    assert suggest_name(c.results, bank) == "transfer_money_1"
    path = save_test_case(bank, c.results, "transfer_money_1")
    assert path == bank / "tests" / "e2e_test_cases" / "saved" / "transfer_money_1.yml"
    assert suggest_name(c.results, bank) == "transfer_money_2"
    with pytest.raises(ExportError, match="already exists"):
        save_test_case(bank, c.results, "transfer_money_1")
    with pytest.raises(ExportError, match="not a valid test case name"):
        save_test_case(bank, c.results, "has space")
    assert not list(path.parent.glob("*.tmp"))


async def test_a_conversation_without_user_messages_cannot_be_saved(bank: Path) -> None:
    c = Conversation(load(bank), assistant(ScriptedGenerator([])))
    await c.open()
    with pytest.raises(ExportError, match="no user messages"):
        render_test_file(c.results, "empty")
    assert suggest_name(c.results, bank) == "conversation_1"
