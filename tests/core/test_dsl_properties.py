"""Properties of the command DSL: every command round-trips, and no text makes the parser raise."""

from __future__ import annotations

from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmtui.core.commands import (
    COMMAND_TYPES,
    CancelFlow,
    CannotHandle,
    ChangeFlow,
    ChitChat,
    Clarify,
    Command,
    CorrectedSlot,
    CorrectSlots,
    Error,
    HandleCodeChange,
    HumanHandoff,
    KnowledgeAnswer,
    Noop,
    RepeatBotMessages,
    Restart,
    SessionEnd,
    SessionStart,
    SetSlot,
    SkipQuestion,
    StartFlow,
)
from calmtui.core.dsl import DslVersion, commands_to_dsl, parse_dsl, to_dsl

VERSIONS: tuple[DslVersion, ...] = get_args(DslVersion)
PROPERTY_SETTINGS = settings(deadline=None, max_examples=300)

flow_ids = st.from_regex(r"[a-zA-Z0-9_-]{1,20}", fullmatch=True)
slot_names = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_-]{0,19}", fullmatch=True)
# Anything printable on one line: no surrogates, no control characters (so no \n or \r).
one_line_text = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\n\r"),
    max_size=40,
)
slot_values = (
    st.none() | one_line_text | st.sampled_from(["None", "null", "", " x ", "50.", "[a, b]"])
)

set_slots = st.builds(SetSlot, name=slot_names, value=slot_values)
corrected = st.builds(CorrectedSlot, name=slot_names, value=slot_values)
correct_slots = st.builds(
    CorrectSlots, slots=st.lists(corrected, min_size=1, max_size=3).map(tuple)
)
clarifies = st.builds(Clarify, options=st.lists(flow_ids, max_size=4).map(tuple))
reasons = st.sampled_from(["cannot_handle_default", "cannot_handle_chitchat"]) | one_line_text
cannot_handles = st.builds(CannotHandle, reason=reasons)
errors = st.builds(
    Error, error_type=st.sampled_from(["rasa_internal_error_default"]) | one_line_text
)
PLAIN_COMMANDS: list[Command] = [
    CancelFlow(),
    ChitChat(),
    KnowledgeAnswer(),
    SkipQuestion(),
    RepeatBotMessages(),
    HumanHandoff(),
    Restart(),
    SessionStart(),
    SessionEnd(),
    HandleCodeChange(),
    ChangeFlow(),
    Noop(),
]
plain_commands = st.sampled_from(PLAIN_COMMANDS)
commands: st.SearchStrategy[Command] = st.one_of(
    st.builds(StartFlow, flow=flow_ids),
    set_slots,
    correct_slots,
    clarifies,
    cannot_handles,
    errors,
    plain_commands,
)
command_lists = st.lists(commands, max_size=8)


def test_strategies_cover_every_command_kind() -> None:
    """A new command type must get a strategy here (and a spelling in dsl.py)."""
    covered = {
        "start_flow",
        "set_slot",
        "correct_slots",
        "clarify",
        "cannot_handle",
        "error",
        *(c.kind for c in PLAIN_COMMANDS),
    }
    assert covered == set(COMMAND_TYPES)


@pytest.mark.parametrize("version", VERSIONS)
@PROPERTY_SETTINGS
@given(cmds=command_lists)
def test_commands_round_trip(version: DslVersion, cmds: list[Command]) -> None:
    text = commands_to_dsl(cmds, version)
    assert parse_dsl(text, version) == (cmds, [])
    assert parse_dsl(text) == (cmds, [])


@pytest.mark.parametrize("version", VERSIONS)
@PROPERTY_SETTINGS
@given(command=commands)
def test_each_command_is_one_line(version: DslVersion, command: Command) -> None:
    line = to_dsl(command, version)
    assert "\n" not in line
    assert "\r" not in line


@PROPERTY_SETTINGS
@given(text=st.text())
def test_parse_never_raises(text: str) -> None:
    parsed, diagnostics = parse_dsl(text)
    assert all(d.code == "CT400" and d.severity == "info" for d in diagnostics)
    assert len(parsed) + len(diagnostics) <= text.count("\n") + text.count("\r") + 1


@st.composite
def command_like_text(draw: st.DrawFn) -> str:
    """Lines that often almost match a rule: keywords, bullets, quotes, junk."""
    words = st.sampled_from(
        [
            "start flow",
            "set slot",
            "correct slots",
            "disambiguate flows",
            "cannot handle",
            "error",
            "StartFlow(",
            "SetSlot(",
            "CorrectSlots(",
            "Clarify(",
            "CannotHandle(",
            "Error(",
            "cancel flow",
            "provide info",
            ")",
            "=",
            ",",
            '"',
            "'",
            "`",
            "- ",
            "1. ",
            "None",
            "[",
            "]",
            " ",
            "\\",
        ]
    )
    parts = draw(st.lists(words | one_line_text, max_size=8))
    return "".join(parts)


@PROPERTY_SETTINGS
@given(text=st.text() | command_like_text())
def test_printing_what_was_parsed_parses_back_the_same(text: str) -> None:
    parsed, _ = parse_dsl(text)
    for version in VERSIONS:
        assert parse_dsl(commands_to_dsl(parsed, version)) == (parsed, [])
