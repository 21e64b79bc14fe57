"""Button payloads: `/SetSlots(...)` command payloads and classic `/intent{...}` payloads."""

from __future__ import annotations

from typing import Any

import pytest

from calmtui.core.commands import SetSlot
from calmtui.core.payloads import (
    is_command_payload,
    parse_intent_payload,
    parse_set_slots_payload,
)


def payload_slot(name: str, value: Any) -> SetSlot:
    return SetSlot(name=name, value=value, extractor="CommandPayloadReader")


SET_SLOTS_CASES: list[tuple[str, list[SetSlot] | None]] = [
    ("/SetSlots(a=1, b=hello)", [payload_slot("a", "1"), payload_slot("b", "hello")]),
    ("/SetSlots(confirm=true)", [payload_slot("confirm", "true")]),
    ("  /SetSlots(a=1)\n", [payload_slot("a", "1")]),
    (
        "/SetSlots( a = 1 ,  b =  two words )",
        [payload_slot("a", "1"), payload_slot("b", "two words")],
    ),
    ("/SetSlots()", []),
    ("/SetSlots(   )", []),
    ("/SetSlots(items=[a, b ,c])", [payload_slot("items", ["a", "b", "c"])]),
    ("/SetSlots(items=[], x=1)", [payload_slot("items", []), payload_slot("x", "1")]),
    ("/SetSlots(items=[ ])", [payload_slot("items", [])]),
    ("/SetSlots(a=[x], b=y)", [payload_slot("a", ["x"]), payload_slot("b", "y")]),
    ("/SetSlots(a=)", [payload_slot("a", "")]),
    ("/SetSlots(a=b=c)", [payload_slot("a", "b=c")]),
    ("/SetSlots(amount=12.5)", [payload_slot("amount", "12.5")]),
    ("/SetSlots(name=José)", [payload_slot("name", "José")]),
    ('/SetSlots(a="quoted")', [payload_slot("a", '"quoted"')]),
    ("/SetSlots(garbage)", []),
    ("/SetSlots(garbage, a=1)", [payload_slot("a", "1")]),
    ("/SetSlots(=1)", []),
    ("/SetSlots(a=1", None),
    ("/SetSlots(a=1) and more", None),
    ("/setslots(a=1)", None),
    ("SetSlots(a=1)", None),
    ("/greet", None),
    ('/inform{"city": "Berlin"}', None),
    ("hello", None),
    ("", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), SET_SLOTS_CASES, ids=[repr(t) for t, _ in SET_SLOTS_CASES]
)
def test_parse_set_slots_payload(text: str, expected: list[SetSlot] | None) -> None:
    assert parse_set_slots_payload(text) == expected


COMMAND_PAYLOAD_CASES: list[tuple[str, bool]] = [
    ("/SetSlots(a=1)", True),
    ("  /SetSlots(", True),
    ("/SetSlots(a=1", True),
    ("/SetSlots", False),
    ("/setslots(a=1)", False),
    ("/greet", False),
    ("set slots a=1", False),
    ("", False),
]


@pytest.mark.parametrize(("text", "expected"), COMMAND_PAYLOAD_CASES)
def test_is_command_payload(text: str, expected: bool) -> None:
    assert is_command_payload(text) is expected


INTENT_CASES: list[tuple[str, tuple[str, dict[str, Any]] | None]] = [
    ("/greet", ("greet", {})),
    ("  /greet  ", ("greet", {})),
    ('/inform{"city": "Berlin"}', ("inform", {"city": "Berlin"})),
    ('/inform{"city": "Berlin", "n": 2}', ("inform", {"city": "Berlin", "n": 2})),
    ('/inform{"cities": ["a", "b"]}', ("inform", {"cities": ["a", "b"]})),
    ("/inform{}", ("inform", {})),
    ("/inform{not json}", ("inform", {})),
    ("/inform{'city': 'Berlin'}", ("inform", {})),
    ("/inform@0.9", ("inform", {})),
    ('/inform@0.9{"city": "Berlin"}', ("inform", {"city": "Berlin"})),
    ("/faq/ask_hours", ("faq/ask_hours", {})),
    ("/transfer_money-v2", ("transfer_money-v2", {})),
    ("/SetSlots(a=1)", None),
    ("/", None),
    ("//greet", None),
    ("/greet me", None),
    ("/greet{", None),
    ("greet", None),
    ("hello /greet", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), INTENT_CASES, ids=[repr(t) for t, _ in INTENT_CASES])
def test_parse_intent_payload(text: str, expected: tuple[str, dict[str, Any]] | None) -> None:
    assert parse_intent_payload(text) == expected
