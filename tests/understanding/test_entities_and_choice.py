"""The pieces of issue 13 one by one: values in messages, buttons, the start/clarify choice,
yes/no phrasing, and bad input that must always end in a clear turn."""

from __future__ import annotations

import pytest

from calmtui.core.events import BotUttered
from calmtui.core.model.project import Project
from calmtui.understanding import lexicon
from calmtui.understanding.buttons import Button, pick_button, shown_buttons
from calmtui.understanding.entities import amounts, codes, dates, proper_names, without_values
from calmtui.understanding.flow_choice import choose
from calmtui.understanding.flow_matching import Candidate
from calmtui.understanding.offline import OfflineGenerator
from calmtui.understanding.text import words
from tests.understanding.conftest import converse

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on March 3rd for 2 people", ["March 3rd"]),
        ("from the 14th of July", ["the 14th of July"]),
        ("leaving tomorrow", ["tomorrow"]),
        ("starting next Friday", ["next Friday"]),
        ("on 5 June with 12 people", ["5 June"]),
        ("back on 2026-03-10", ["2026-03-10"]),
        ("I may come", []),
    ],
)
def test_dates(text: str, expected: list[str]) -> None:
    assert [d.text for d in dates(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("any news on claim CLM-20931?", ["CLM-20931"]),
        ("is flight SK 214 late", ["SK 214"]),
        ("reference SKX7Q2, surname Okafor", ["SKX7Q2"]),
        ("top up 0412 555 019", ["0412 555 019"]),
        ("send 50 to Anna", []),
    ],
)
def test_codes(text: str, expected: list[str]) -> None:
    assert [c.text for c in codes(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from London to New York", [("London", "from"), ("New York", "to")]),
        ("I want my wife Sarah Jones to drive", [("Sarah Jones", "wife")]),
        ("I need a hotel in Tokyo on Monday", [("Tokyo", "in")]),
    ],
)
def test_proper_names_with_the_word_before(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.text, m.before) for m in proper_names(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$20 of credit", [("20", "money")]),
        ("pay 30 dollars", [("30", "money")]),
        ("for 3 nights, 2 guests", [("3", "night"), ("2", "guest")]),
        ("one way, 1 adult", [("1", "adult")]),  # "one way" counts nothing
        ("it's worth about 250k", [("250000", "")]),
    ],
)
def test_amounts_with_their_unit(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.text, m.unit) for m in amounts(text)] == expected


def test_values_are_cut_out_before_meaning_is_compared() -> None:
    assert without_values("I want to fly from Dublin to Paris on 5 June") == (
        "I want to fly from to on"
    )
    assert without_values("Paris") == "Paris"  # nothing would be left: keep it


BUTTONS = [
    Button("Yes, send it", "/SetSlots(ok=true)"),
    Button("No, cancel", "/SetSlots(ok=false)"),
]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("1", "Yes, send it"),
        ("2.", "No, cancel"),
        ("option 2", "No, cancel"),
        ("the second one", "No, cancel"),
        ("last", "No, cancel"),
        ("yes send it", "Yes, send it"),
        ("no, cancel", "No, cancel"),
        ("3", None),
        ("0", None),
        ("send it to Ben", None),
    ],
)
def test_buttons_by_number_or_title(text: str, title: str | None) -> None:
    picked = pick_button(text, BUTTONS)
    assert (picked.button.title if picked else None) == title


def test_shown_buttons_are_those_of_the_latest_message_unless_a_question_follows() -> None:
    with_buttons = BotUttered(
        text="Pick one", data={"buttons": [{"title": "A", "payload": "/SetSlots(x=a)"}]}
    )
    assert shown_buttons([with_buttons, BotUttered(text="Noted.")]) == [
        Button("A", "/SetSlots(x=a)")
    ]
    assert shown_buttons([with_buttons, BotUttered(text="How many?")]) == []


def candidate(flow: str, score: float, words: float = 0.3, meaning: float = 0.5) -> Candidate:
    return Candidate(flow_id=flow, score=score, reason="r", words=words, meaning=meaning)


def test_a_clear_leader_starts_and_the_note_names_the_runner_up() -> None:
    choice = choose([candidate("a", 0.6), candidate("b", 0.3)])
    assert choice.kind == "start"
    assert "runner-up 'b' 0.30" in choice.note
    assert "margin 0.30" in choice.note


def test_close_candidates_are_offered_together() -> None:
    choice = choose([candidate("a", 0.9), candidate("b", 0.82), candidate("c", 0.1)])
    assert choice.kind == "clarify"
    assert [c.flow_id for c in choice.flows] == ["a", "b"]


def test_a_leader_below_the_start_threshold_does_not_start() -> None:
    assert choose([candidate("a", 0.23, words=0.0), candidate("b", 0.05)]).kind == "start"
    assert choose([candidate("a", 0.21, words=0.25), candidate("b", 0.05)]).kind == "none"
    assert choose([]).kind == "none"


def test_a_question_with_a_knowledge_base_needs_a_clearer_flow() -> None:
    assert choose([candidate("a", 0.42)], searchable_question=True).kind == "none"
    assert choose([candidate("a", 0.42)]).kind == "start"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hmm that's too pricey, no", (False, False)),
        ("that worked, thanks!", (True, False)),
        ("nope still the same", (False, False)),
        ("actually no, I'll stay", (False, False)),
        ("ok fine", (True, True)),  # "fine" is a whole yes (round 4)
        ("perfect, book it", (True, False)),
        ("5000", None),
        ("help", None),
    ],
)
def test_yes_no(text: str, expected: tuple[bool, bool] | None) -> None:
    assert lexicon.yes_no(words(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 10_000,
        "send money " * 1000,
        "😀😀😀",
        "Привет, как дела?",
        "我想转账",
        "مرحبا",
        "\x00\x01",
        "/SetSlots(nonexistent=1)",
        "/SetSlots(",
        "[](){}",
    ],
)
async def test_bad_input_always_ends_in_a_clear_turn(banking: Project, text: str) -> None:
    [result] = await converse(banking, OfflineGenerator(), [text])
    said = [b for b in result.bot_messages if b.text]
    ignored = [e.reason for e in result.ignored]
    assert said or ignored, (text, result.accepted_commands)
