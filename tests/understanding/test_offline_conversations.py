"""Whole conversations on the templates with the offline generator, through the real session."""

from __future__ import annotations

from dataclasses import replace

import pytest

from calmtui.core.commands import (
    CANNOT_HANDLE_INVALID_INTENT,
    ERROR_USER_INPUT_EMPTY,
    ERROR_USER_INPUT_TOO_LONG,
    CannotHandle,
    Error,
    StartFlow,
)
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.state import DialogueState
from calmtui.core.model.flows import NluTrigger
from calmtui.core.model.project import Project
from calmtui.session import TurnResult
from calmtui.understanding.base import UnderstandingContext
from calmtui.understanding.offline import OfflineGenerator
from tests.understanding.conftest import converse

pytestmark = pytest.mark.anyio


def utters(result: TurnResult) -> list[str | None]:
    return [b.utter_action for b in result.bot_messages]


async def test_a_transfer_with_a_digression_and_a_correction(banking: Project) -> None:
    results = await converse(
        banking,
        OfflineGenerator(),
        [
            "send money to a friend",
            "Anna",
            "how much money do I have?",
            "yes",
            "50",
            "actually make it 80",
        ],
    )
    assert utters(results[0]) == ["utter_ask_recipient"]
    assert utters(results[1]) == ["utter_ask_amount"]
    assert "utter_ask_continue_interrupted_flow_confirmation" in utters(results[2])
    assert utters(results[3]) == ["utter_ask_amount"]
    assert utters(results[4]) == ["utter_ask_transfer_confirmation"]
    assert utters(results[5]) == [
        "utter_corrected_previous_input",
        "utter_ask_transfer_confirmation",
    ]
    assert results[5].state.slots["amount"] == 80.0
    assert results[5].state.slots["recipient"] == "Anna"


async def test_values_in_the_first_message_skip_their_questions(banking: Project) -> None:
    [result] = await converse(banking, OfflineGenerator(), ["send 50 to Anna"])
    assert result.state.slots["amount"] == 50.0
    assert result.state.slots["recipient"] == "Anna"
    assert utters(result) == ["utter_ask_transfer_confirmation"]


async def test_a_coffee_order_with_a_misspelt_drink(basic: Project) -> None:
    results = await converse(
        basic, OfflineGenerator(), ["hi", "can I get a latte", "my name is Sam", "expresso"]
    )
    assert utters(results[0]) == ["utter_greet"]
    assert utters(results[1]) == ["utter_ask_customer_name"]
    assert results[2].state.slots["customer_name"] == "Sam"
    assert utters(results[3])[0] == "utter_coffee_on_its_way"
    assert results[3].bot_messages[0].text == "One espresso for Sam, coming right up!"


async def test_an_unusable_answer_gets_the_slot_type_explained(basic: Project) -> None:
    results = await converse(basic, OfflineGenerator(), ["coffee please", "Sam", "cappuccino"])
    assert utters(results[2]) == ["utter_categorical_slot_rejection", "utter_ask_drink"]


async def test_every_offline_trace_says_what_it_did(banking: Project) -> None:
    [result] = await converse(banking, OfflineGenerator(), ["my money"])
    trace = result.understanding
    assert trace is not None
    assert trace.mode == "offline"
    assert {f for f, _ in trace.retrieved_flows[:2]} == {"check_balance", "transfer_money"}
    assert trace.notes
    assert "several flows match" in trace.notes[0]
    assert "words" in trace.notes[0]
    assert "meaning" in trace.notes[0]
    assert trace.latency_ms >= 0
    assert utters(result) == ["utter_clarification_options_rasa"]


async def test_nlu_trigger_intents_are_matched_by_name_and_as_payloads(banking: Project) -> None:
    flow = replace(
        banking.flows["check_balance"], nlu_triggers=(NluTrigger(intent="see_account_summary"),)
    )
    project = replace(banking, flows={**banking.flows, "check_balance": flow})
    by_name, by_payload, unknown = await converse(
        project,
        OfflineGenerator(),
        ["see account summary", "/see_account_summary", "/make_me_rich"],
    )
    assert by_name.accepted_commands == (StartFlow(flow="check_balance"),)
    assert by_payload.accepted_commands == (StartFlow(flow="check_balance"),)
    assert unknown.accepted_commands == (CannotHandle(reason=CANNOT_HANDLE_INVALID_INTENT),)


async def test_empty_and_too_long_messages_are_errors_offline(banking: Project) -> None:
    context = UnderstandingContext(
        project=banking, index=ProjectIndex(banking), state=DialogueState(), turn=0
    )
    trace = await OfflineGenerator().generate("", context)
    assert trace.commands == (Error(error_type=ERROR_USER_INPUT_EMPTY),)
    trace = await OfflineGenerator().generate("x" * 421, context)
    assert trace.commands == (
        Error(error_type=ERROR_USER_INPUT_TOO_LONG, info={"max_characters": 420}),
    )
