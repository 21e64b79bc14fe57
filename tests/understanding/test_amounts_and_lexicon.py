"""Numbers in messages, and the conversation-repair phrasing of the offline generator."""

from __future__ import annotations

import pytest

from calmtui.understanding import lexicon
from calmtui.understanding.amounts import find_numbers, first_number, format_number
from calmtui.understanding.text import words


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("50", [50.0]),
        ("$1,200.50", [1200.5]),
        ("€ 30", [30.0]),
        ("-20", [-20.0]),
        ("1.5k", [1500.0]),
        ("2 million", [2_000_000.0]),
        ("fifty", [50.0]),
        ("twenty-five", [25.0]),
        ("a hundred", [100.0]),
        ("one hundred and twenty five dollars", [125.0]),
        ("two thousand five hundred", [2500.0]),
        ("send 50 to Anna, not 60", [50.0, 60.0]),
        ("12 March 1990", [12.0, 1990.0]),
        ("a friend and me", []),
        ("", []),
    ],
)
def test_numbers(text: str, values: list[float]) -> None:
    assert [n.value for n in find_numbers(text)] == values


def test_number_helpers() -> None:
    assert first_number("make it 80.") == 80.0
    assert first_number("no number") is None
    assert (format_number(50.0), format_number(12.5)) == ("50", "12.5")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", (True, True)),
        ("Yes please!", (True, True)),
        ("sure thing", (True, True)),
        ("no thanks", (False, True)),
        ("not really", (False, True)),
        ("nope", (False, True)),
        ("no, I want something else", (False, False)),
        ("yes and also check my balance", (True, False)),
        ("maybe", None),
    ],
)
def test_yes_no(text: str, expected: tuple[bool, bool] | None) -> None:
    assert lexicon.yes_no(words(text)) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("cancel", "cancel"),
        ("please stop", "cancel"),
        ("never mind, cancel that", "cancel"),
        ("forget it", "cancel"),
        ("skip", "skip"),
        ("I don't know", "skip"),
        ("say that again", "repeat"),
        ("come again?", "repeat"),
        ("let me talk to a human", "handoff"),
        ("agent", "handoff"),
        ("hi there", "greeting"),
        ("thank you", "thanks"),
        ("how are you", "small talk"),
        ("I want to cancel my subscription and also order a new phone and a case for it", None),
        ("send money", None),
    ],
)
def test_repair_phrasing(text: str, kind: str | None) -> None:
    tokens = words(text)
    found = [
        name
        for name, hit in (
            ("cancel", lexicon.is_cancel(tokens)),
            ("skip", lexicon.is_skip(tokens)),
            ("repeat", lexicon.is_repeat(tokens)),
            ("handoff", lexicon.is_handoff(tokens)),
        )
        if hit
    ]
    small = lexicon.small_talk_kind(tokens)
    assert (found[0] if found else small) == kind


@pytest.mark.parametrize(
    ("text", "value", "slot_words"),
    [
        ("actually make it 80", "80", None),
        ("no, I meant Anna", "Anna", None),
        ("change the amount to 80", "80", "amount"),
        ("make it 80 instead", "80", None),
        ("actually my name is Alex", "Alex", "name"),
        ("wait, it should be 80", "80", None),
        ("update my name to Kim please", "Kim", "name"),
    ],
)
def test_corrections(text: str, value: str, slot_words: str | None) -> None:
    assert lexicon.correction(text) == lexicon.Correction(value=value, slot_words=slot_words)


@pytest.mark.parametrize("text", ["no", "Anna", "50", "yes please", "I want to send money"])
def test_not_corrections(text: str) -> None:
    assert lexicon.correction(text) is None


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("what can you do", True),
        ("what can you do?", True),
        ("how does this work", True),
        ("Who are you?", True),
        ("can you help me?", True),
        ("is it safe?", True),
        ("Anna", False),
        ("Anna?", False),
        ("Ben Smith", False),
        ("Will Smith", False),
        ("May", False),
        ("what", False),
        ("to my sister", False),
        ("", False),
    ],
)
def test_asks_something(text: str, asks: bool) -> None:
    assert lexicon.asks_something(text) is asks


@pytest.mark.parametrize(
    ("labels", "free"),
    [
        (("support_question", None), True),
        (("details", "anything else we should know"), True),
        (("recipient", "the person who gets the money"), False),
        (("customer_name", None), False),
        (("x", "the user's feedback"), True),
    ],
)
def test_expects_free_text(labels: tuple[str, str | None], free: bool) -> None:
    assert lexicon.expects_free_text(*labels) is free
