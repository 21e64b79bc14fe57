"""Every assertion type against hand-made turns: passing and failing, with Rasa's messages and
semantics (operators, order slicing, value equality, button matching)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from calmtui.core.commands import SetSlot, StartFlow
from calmtui.core.diagnostics import Span
from calmtui.core.dsl import parse_dsl
from calmtui.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    FlowCancelled,
    FlowCompleted,
    FlowStarted,
    SlotSet,
    UserUttered,
)
from calmtui.core.model.slots import Slot
from calmtui.testing.assertions import ORDER_NOTE, TurnView, run_check
from calmtui.testing.spec import (
    ActionExecutedAssertion,
    Assertion,
    BotDidNotUtterAssertion,
    BotMessageSpec,
    BotUtteredAssertion,
    BotUtteredExactlyAssertion,
    ButtonSpec,
    CommandNotIssuedAssertion,
    CommandsIssuedAssertion,
    FlowCancelledAssertion,
    FlowCompletedAssertion,
    FlowNotStartedAssertion,
    FlowStartedAssertion,
    PatternClarificationAssertion,
    SlotExpectation,
    SlotWasNotSetAssertion,
    SlotWasSetAssertion,
)

YES = {"title": "Yes", "payload": "/SetSlots(confirm=true)"}
NO = {"title": "No", "payload": "/SetSlots(confirm=false)"}


def bot(
    name: str | None, text: str | None = None, buttons: Sequence[dict[str, str]] = ()
) -> BotUttered:
    return BotUttered(
        text=text,
        data={"buttons": list(buttons)} if buttons else {},
        metadata={"utter_action": name},
    )


TURN: list[Event] = [
    UserUttered(text="send 50 to Anna"),
    FlowStarted(flow_id="transfer_money"),
    SlotSet(name="recipient", value="Anna"),
    SlotSet(name="amount", value=50.0),
    ActionExecuted(
        name="utter_ask_confirm", flow_id="pattern_collect_information", step_id="ask_collect"
    ),
    bot("utter_ask_confirm", "Send 50.0 to Anna?", [YES, NO]),
    SlotSet(name="amount", value=None),
    FlowCompleted(flow_id="check_balance", step_id="check_balance_1_utter_balance"),
    FlowCancelled(flow_id="replace_card", step_id="replace_card_0_collect_card_type"),
    FlowStarted(
        flow_id="pattern_clarification",
        metadata={
            "names": ["transfer money", "check balance"],
            "clarification_ids": ["transfer_money", "check_balance"],
        },
    ),
    bot("utter_done", "Done."),
    ActionExecuted(name="action_listen"),
]

SLOTS = {"amount": Slot(name="amount", type="float"), "confirm": Slot(name="confirm", type="bool")}


def view(
    events: Sequence[Event] = TURN, produced: Sequence[object] = (), order: bool = False
) -> TurnView:
    return TurnView(events=list(events), produced=list(produced), slots=SLOTS, order_enabled=order)  # type: ignore[arg-type]


def slot(name: str, *value: object) -> SlotExpectation:
    return SlotExpectation(name=name, value=value[0]) if value else SlotExpectation(name=name)


CASES: list[tuple[str, Assertion, bool, str]] = [
    # flow_started
    ("started", FlowStartedAssertion(flow_ids=("transfer_money",)), True, ""),
    (
        "not_started",
        FlowStartedAssertion(flow_ids=("check_balance",)),
        False,
        "Flow with id 'check_balance' did not start.",
    ),
    (
        "started_any",
        FlowStartedAssertion(flow_ids=("check_balance", "transfer_money"), operator="any"),
        True,
        "",
    ),
    (
        "started_all_missing_one",
        FlowStartedAssertion(flow_ids=("check_balance", "transfer_money"), operator="all"),
        False,
        "All of the flows",
    ),
    (
        "started_all",
        FlowStartedAssertion(flow_ids=("pattern_clarification", "transfer_money"), operator="all"),
        True,
        "",
    ),
    # flow_not_started (extension: the negation of flow_started)
    ("not_started_ok", FlowNotStartedAssertion(flow_ids=("check_balance",)), True, ""),
    (
        "not_started_fails",
        FlowNotStartedAssertion(flow_ids=("transfer_money",)),
        False,
        "Flow with id 'transfer_money' started, but it should not have.",
    ),
    (
        "not_started_all",
        FlowNotStartedAssertion(flow_ids=("transfer_money", "check_balance"), operator="all"),
        True,
        "",
    ),
    # flow_completed / flow_cancelled (default step ids)
    ("completed", FlowCompletedAssertion(flow_id="check_balance"), True, ""),
    (
        "completed_at_step",
        FlowCompletedAssertion(
            flow_id="check_balance", flow_step_id="check_balance_1_utter_balance"
        ),
        True,
        "",
    ),
    (
        "completed_wrong_step",
        FlowCompletedAssertion(
            flow_id="check_balance", flow_step_id="check_balance_0_action_check_balance"
        ),
        False,
        "Flow with id 'check_balance' did not complete at expected step id 'check_balance_0_action_check_balance'. The actual step id was 'check_balance_1_utter_balance'.",
    ),
    (
        "not_completed",
        FlowCompletedAssertion(flow_id="transfer_money"),
        False,
        "Flow with id 'transfer_money' did not complete.",
    ),
    (
        "cancelled",
        FlowCancelledAssertion(
            flow_id="replace_card", flow_step_id="replace_card_0_collect_card_type"
        ),
        True,
        "",
    ),
    (
        "not_cancelled",
        FlowCancelledAssertion(flow_id="transfer_money"),
        False,
        "Flow with id 'transfer_money' was not cancelled.",
    ),
    # pattern_clarification_contains
    (
        "clarify_names",
        PatternClarificationAssertion(names=("check balance", "transfer money")),
        True,
        "",
    ),
    (
        "clarify_names_subset",
        PatternClarificationAssertion(names=("check balance",)),
        False,
        "did not contain the expected options",
    ),
    (
        "clarify_all",
        PatternClarificationAssertion(flow_ids=("transfer_money", "check_balance"), operator="all"),
        True,
        "",
    ),
    (
        "clarify_all_subset",
        PatternClarificationAssertion(flow_ids=("transfer_money",), operator="all"),
        False,
        "did not contain",
    ),
    (
        "clarify_any",
        PatternClarificationAssertion(flow_ids=("transfer_money", "replace_card"), operator="any"),
        True,
        "",
    ),
    (
        "clarify_any_none",
        PatternClarificationAssertion(flow_ids=("replace_card",), operator="any"),
        False,
        "did not contain",
    ),
    # action_executed (utter actions count)
    ("action", ActionExecutedAssertion(action="utter_ask_confirm"), True, ""),
    (
        "no_action",
        ActionExecutedAssertion(action="action_transfer"),
        False,
        "Action 'action_transfer' did not execute.",
    ),
    # slot_was_set: Python equality (50 == 50.0), any SlotSet of the turn
    ("set_name", SlotWasSetAssertion(slots=(slot("amount"),)), True, ""),
    ("set_value_int_float", SlotWasSetAssertion(slots=(slot("amount", 50),)), True, ""),
    (
        "set_wrong_value",
        SlotWasSetAssertion(slots=(slot("recipient", "Ben"),)),
        False,
        "Slot 'recipient' was set to a different value 'Anna' than the expected 'Ben' value.",
    ),
    (
        "set_missing",
        SlotWasSetAssertion(slots=(slot("recipient", "Anna"), slot("confirm"))),
        False,
        "Slot 'confirm' was not set.",
    ),
    # slot_was_not_set: only the last SlotSet of the slot in the turn counts
    ("not_set_absent", SlotWasNotSetAssertion(slots=(slot("confirm"),)), True, ""),
    ("not_set_last_none", SlotWasNotSetAssertion(slots=(slot("amount"),)), True, ""),
    (
        "not_set_but_set",
        SlotWasNotSetAssertion(slots=(slot("recipient"),)),
        False,
        "Slot 'recipient' was set to 'Anna' but it should not have been set.",
    ),
    ("not_set_other_value", SlotWasNotSetAssertion(slots=(slot("recipient", "Ben"),)), True, ""),
    ("not_set_earlier_value", SlotWasNotSetAssertion(slots=(slot("amount", 50.0),)), True, ""),
    (
        "not_set_same_value",
        SlotWasNotSetAssertion(slots=(slot("recipient", "Anna"),)),
        False,
        "Slot 'recipient' was set to 'Anna' but it should not have been set.",
    ),
    # bot_uttered: each property may match a different message; buttons compared pairwise
    ("uttered_name", BotUtteredAssertion(utter_name="utter_done"), True, ""),
    ("uttered_regex", BotUtteredAssertion(text_matches=r"50(\.0)? to Anna"), True, ""),
    (
        "uttered_props_on_different_messages",
        BotUtteredAssertion(utter_name="utter_done", text_matches="Anna"),
        True,
        "",
    ),
    (
        "uttered_buttons",
        BotUtteredAssertion(buttons=(ButtonSpec(title="Yes", payload="/SetSlots(confirm=true)"),)),
        True,
        "",
    ),
    (
        "uttered_wrong_buttons",
        BotUtteredAssertion(buttons=(ButtonSpec(title="No", payload="/SetSlots(confirm=false)"),)),
        False,
        "Bot did not utter any response with the expected buttons.",
    ),
    (
        "uttered_two_errors",
        BotUtteredAssertion(utter_name="utter_x", text_matches="^nope$"),
        False,
        "Bot did not utter 'utter_x' response. Bot did not utter any response which matches the provided text pattern '^nope$'.",
    ),
    # bot_did_not_utter
    ("did_not_utter_ok", BotDidNotUtterAssertion(utter_name="utter_cancelled"), True, ""),
    (
        "did_not_utter_name",
        BotDidNotUtterAssertion(utter_name="utter_done"),
        False,
        "Bot uttered a forbidden utterance 'utter_done'.",
    ),
    (
        "did_not_utter_text",
        BotDidNotUtterAssertion(text_matches="Done"),
        False,
        "Bot uttered a forbidden message matching the pattern 'Done'.",
    ),
    (
        "did_not_utter_button",
        BotDidNotUtterAssertion(
            buttons=(ButtonSpec(title="No", payload="/SetSlots(confirm=false)"),)
        ),
        False,
        "forbidden response with specified buttons",
    ),
    # bot_uttered_exactly (extension): all messages, in order
    (
        "exactly",
        BotUtteredExactlyAssertion(
            messages=(BotMessageSpec(utter_name="utter_ask_confirm"), BotMessageSpec(text="Done."))
        ),
        True,
        "",
    ),
    (
        "exactly_order",
        BotUtteredExactlyAssertion(
            messages=(BotMessageSpec(text="Done."), BotMessageSpec(utter_name="utter_ask_confirm"))
        ),
        False,
        "at message 1",
    ),
    (
        "exactly_missing",
        BotUtteredExactlyAssertion(messages=(BotMessageSpec(utter_name="utter_ask_confirm"),)),
        False,
        "expected 1, got 2",
    ),
    (
        "exactly_buttons_all",
        BotUtteredExactlyAssertion(
            messages=(
                BotMessageSpec(
                    buttons=(ButtonSpec(title="Yes", payload="/SetSlots(confirm=true)"),)
                ),
                BotMessageSpec(text="Done."),
            )
        ),
        False,
        "at message 1",
    ),
]


@pytest.mark.parametrize(
    ("assertion", "passes", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_assertion(assertion: Assertion, passes: bool, message: str) -> None:
    check = run_check(assertion, view())
    assert check.passed is passes, check.message
    if not passes:
        assert message in check.message
        assert check.expected
        assert check.actual


def test_buttons_are_compared_pairwise_like_rasa() -> None:
    """Rasa zips expected and actual buttons: a matching prefix passes, a button-less message never."""
    prefix = BotUtteredAssertion(
        buttons=(ButtonSpec(title="Yes", payload="/SetSlots(confirm=true)"),)
    )
    assert run_check(prefix, view()).passed
    assert not run_check(prefix, view([bot("utter_done", "Done.")])).passed


def test_matched_event_is_the_one_order_checking_moves_past() -> None:
    assert run_check(FlowStartedAssertion(flow_ids=("transfer_money",)), view()).matched == 1
    any_of = FlowStartedAssertion(
        flow_ids=("pattern_clarification", "transfer_money"), operator="any"
    )
    assert run_check(any_of, view()).matched == 1
    all_of = FlowStartedAssertion(
        flow_ids=("pattern_clarification", "transfer_money"), operator="all"
    )
    assert run_check(all_of, view()).matched == 9
    assert run_check(SlotWasSetAssertion(slots=(slot("amount"),)), view()).matched == 3
    assert run_check(SlotWasNotSetAssertion(slots=(slot("amount"),)), view()).matched == 6
    assert run_check(BotDidNotUtterAssertion(utter_name="utter_x"), view()).matched is None
    both = BotUtteredAssertion(utter_name="utter_ask_confirm", text_matches="Done")
    assert run_check(both, view()).matched == 10  # the last property checked


def test_failure_message_mentions_order_when_enabled() -> None:
    check = run_check(ActionExecutedAssertion(action="action_x"), view(order=True))
    assert check.message.endswith(ORDER_NOTE)


def test_commands_compare_in_the_slots_type() -> None:
    produced = [
        StartFlow(flow="transfer_money"),
        SetSlot(name="amount", value="50"),
        SetSlot(name="confirm", value="true"),
    ]
    issued = CommandsIssuedAssertion(
        commands=tuple(
            parse_dsl("start flow transfer_money\nset slot amount 50.0\nset slot confirm True")[0]
        )
    )
    assert run_check(issued, view(produced=produced)).passed
    missing = CommandsIssuedAssertion(commands=tuple(parse_dsl("cancel flow")[0]))
    check = run_check(missing, view(produced=produced))
    assert not check.passed
    assert check.message == "Understanding did not produce 'cancel flow'."
    assert check.actual == (
        "start flow transfer_money",
        "set slot amount 50",
        "set slot confirm true",
    )
    not_issued = CommandNotIssuedAssertion(commands=tuple(parse_dsl("set slot amount 50")[0]))
    assert not run_check(not_issued, view(produced=produced)).passed
    assert run_check(
        CommandNotIssuedAssertion(commands=(StartFlow(flow="check_balance"),)),
        view(produced=produced),
    ).passed


def test_slot_failures_point_at_the_slot_item() -> None:
    item = SlotExpectation(name="confirm", span=Span("t.yml", 12, 15))
    check = run_check(SlotWasSetAssertion(slots=(item,), span=Span("t.yml", 11, 13)), view())
    assert check.span == item.span
