"""LLM replies -> checked commands: the d.4 post-parse fixes and the recorded rejections."""

from __future__ import annotations

import pytest

from calmtui.core.commands import CannotHandle, Clarify, Command, SetSlot, StartFlow
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.model.project import Project
from calmtui.understanding.parsing import parse_reply


@pytest.fixture(scope="module")
def index(banking: Project) -> ProjectIndex:
    return ProjectIndex(banking)


def parsed(
    index: ProjectIndex, reply: str, asked: str | None = None
) -> tuple[list[Command], list[str]]:
    checked = parse_reply(reply, index, version="v2", asked_slot=asked)
    return checked.commands, [d.code for d in checked.diagnostics]


def test_a_clean_reply(index: ProjectIndex) -> None:
    commands, codes = parsed(
        index, "start flow transfer_money\nset slot recipient Anna\nset slot amount 50"
    )
    assert commands == [
        StartFlow(flow="transfer_money"),
        SetSlot(name="recipient", value="Anna"),
        SetSlot(name="amount", value="50"),
    ]
    assert codes == []


def test_bullets_code_fences_and_prose_are_tolerated(index: ProjectIndex) -> None:
    reply = "Here you go:\n```\n1. start flow check_balance\n```\n"
    commands, codes = parsed(index, reply)
    assert commands == [StartFlow(flow="check_balance")]
    assert codes == ["CT400"]


def test_unknown_names_are_dropped_with_a_reason_and_a_hint(index: ProjectIndex) -> None:
    checked = parse_reply("start flow transfer_mony\nset slot amout 50\nset slot amount 50", index)
    assert checked.commands == [SetSlot(name="amount", value="50")]
    messages = [(d.code, d.message, d.hint) for d in checked.diagnostics]
    assert messages == [
        (
            "CT403",
            "ignored 'start flow transfer_mony': there is no flow 'transfer_mony'",
            "did you mean 'transfer_money'?",
        ),
        (
            "CT404",
            "ignored 'set slot amout 50': there is no slot 'amout'",
            "did you mean 'amount'?",
        ),
    ]


def test_flow_name_as_a_slot_starts_the_flow(index: ProjectIndex) -> None:
    commands, codes = parsed(index, "set slot flow_name check_balance")
    assert commands == [StartFlow(flow="check_balance")]
    assert codes == ["CT417"]


def test_patterns_and_link_only_flows_cannot_be_started(index: ProjectIndex) -> None:
    commands, codes = parsed(index, "start flow pattern_restart\nstart flow verify_identity")
    assert commands == [CannotHandle()]
    assert codes == ["CT422", "CT409", "CT436"]


def test_categorical_values_are_normalised_or_dropped(index: ProjectIndex) -> None:
    commands, codes = parsed(index, "set slot card_type Debit\nset slot card_type platinum")
    assert commands == [SetSlot(name="card_type", value="debit")]
    assert codes == ["CT430"]


def test_an_invalid_value_for_the_asked_slot_is_kept_for_the_engines_type_check(
    index: ProjectIndex,
) -> None:
    commands, codes = parsed(index, "set slot card_type platinum", asked="card_type")
    assert commands == [SetSlot(name="card_type", value="platinum")]
    assert codes == []


@pytest.mark.parametrize(
    "line",
    [
        "restart",
        "error rasa_internal_error_default",
        "session start",
        "session end",
        "noop",
        "handle code change",
    ],
)
def test_system_commands_are_not_accepted_from_a_model(index: ProjectIndex, line: str) -> None:
    commands, codes = parsed(index, line)
    assert commands == [CannotHandle()]
    assert codes == ["CT431", "CT436"]


def test_clarify_keeps_startable_options(index: ProjectIndex) -> None:
    assert parsed(index, "disambiguate flows transfer_money check_balance") == (
        [Clarify(options=("transfer_money", "check_balance"))],
        [],
    )
    assert parsed(
        index, "disambiguate flows transfer_money admin_delete_all pattern_cancel_flow"
    ) == (
        [StartFlow(flow="transfer_money")],
        ["CT423", "CT416"],
    )


def test_corrections_become_set_slots_and_duplicates_are_dropped(index: ProjectIndex) -> None:
    commands, codes = parsed(index, "correct slots amount=80, recipient=Ben\nset slot amount 80")
    assert commands == [SetSlot(name="amount", value="80"), SetSlot(name="recipient", value="Ben")]
    assert codes == ["CT415", "CT415", "CT406"]


@pytest.mark.parametrize("reply", ["", "   ", "I am not sure what you mean.", "start flow"])
def test_nothing_usable_is_cannot_handle(index: ProjectIndex, reply: str) -> None:
    commands, codes = parsed(index, reply)
    assert commands == [CannotHandle()]
    assert codes[-1] == "CT436"
