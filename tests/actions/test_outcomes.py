"""What any runner's result becomes: checked events, cleaned messages, clear errors."""

from __future__ import annotations

import pytest

from calmtui.actions.outcomes import (
    ActionResultError,
    clean_response,
    events_from_result,
    outcome_from_reply,
)


def test_a_dict_means_slot_values_in_order() -> None:
    assert events_from_result({"a": 1, "b": None}, "action_x") == [
        {"event": "slot", "name": "a", "value": 1},
        {"event": "slot", "name": "b", "value": None},
    ]


def test_a_list_holds_event_dicts_and_none_means_nothing() -> None:
    events = [
        {"event": "reset_slots"},
        {"event": "slot", "name": "a", "value": 2, "timestamp": None},
    ]
    assert events_from_result(events, "action_x") == events
    assert events_from_result(None, "action_x") == []
    assert events_from_result((), "action_x") == []


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (42, "returned int"),
        ("text", "returned str"),
        ([{"name": "a"}], "invalid event at position 1"),
        ([{"event": "slot"}, "junk"], "invalid event at position 2"),
    ],
)
def test_anything_else_is_a_clear_error(result: object, message: str) -> None:
    with pytest.raises(ActionResultError, match=message) as info:
        events_from_result(result, "action_x")
    assert "action_x" in str(info.value)


def test_clean_response_keeps_only_what_was_said() -> None:
    rasa_sdk_message = {
        "text": None,
        "buttons": [],
        "elements": [],
        "custom": {},
        "template": "utter_hello",
        "response": "utter_hello",
        "image": None,
        "attachment": None,
        "who": "Anna",
        "count": 0,
        "flag": False,
    }
    assert clean_response(rasa_sdk_message) == {
        "response": "utter_hello",
        "who": "Anna",
        "count": 0,
        "flag": False,
    }
    assert clean_response({"template": "utter_old"}) == {"response": "utter_old"}
    assert clean_response({"json_message": {"a": 1}}) == {"custom": {"a": 1}}


def test_outcome_from_a_good_reply() -> None:
    outcome = outcome_from_reply(
        {
            "events": [{"event": "slot", "name": "a", "value": 1}],
            "responses": [{"text": "hi", "buttons": []}],
        },
        "the server",
    )
    assert outcome.error is None
    assert list(outcome.events) == [{"event": "slot", "name": "a", "value": 1}]
    assert list(outcome.responses) == [{"text": "hi"}]
    assert outcome_from_reply({}, "the server").error is None


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (None, "replied with None"),
        ([1, 2], "replied with [1, 2]"),
        ({"events": "slot"}, "'events' that is not a list"),
        ({"responses": {"text": "x"}}, "'responses' that is not a list"),
        ({"events": [{"no": "event"}]}, "invalid event at position 1"),
        ({"responses": ["hi"]}, "invalid message at position 1"),
    ],
)
def test_outcome_from_a_malformed_reply_is_an_error(reply: object, message: str) -> None:
    outcome = outcome_from_reply(reply, "the server")
    assert outcome.error is not None
    assert message in outcome.error
    assert outcome.error.startswith("the server")


def test_parse_outcome_types_every_event_and_message_at_the_boundary() -> None:
    from calmtui.actions.protocol import ActionOutcome
    from calmtui.actions.results import parse_outcome
    from calmtui.core.dialogue.outcome import (
        ActionBotUttered,
        ActionFollowup,
        ActionMessage,
        ActionRestarted,
        ActionResult,
        ActionSlotSet,
        ActionSlotsReset,
        ActionUnsupportedEvent,
        ActionUtterance,
    )
    from calmtui.core.model.domain import Button

    outcome = outcome_from_reply(
        {
            "events": [
                {"event": "slot", "name": "a", "value": 1, "timestamp": None},
                {"event": "reset_slots"},
                {"event": "restart"},
                {"event": "bot", "text": "hi", "data": {"custom": {"x": 1}}},
                {"event": "bot", "text": 5, "data": "junk"},
                {"event": "followup", "name": "action_next"},
                {"event": "active_loop", "name": "form"},
            ],
            "responses": [
                {"response": "utter_hello", "who": "Anna"},
                {"template": "utter_old", "kwargs": {"who": "Bo"}, "extra": 1},
                {"text": "pick", "buttons": [{"title": "Yes", "payload": "/y"}, "junk", {}]},
            ],
        },
        "the server",
    )
    assert parse_outcome(outcome) == ActionResult(
        events=(
            ActionSlotSet(name="a", value=1),
            ActionSlotsReset(),
            ActionRestarted(),
            ActionBotUttered(text="hi", data={"custom": {"x": 1}}),
            ActionBotUttered(text=None, data={}),
            ActionFollowup(name="action_next"),
            ActionUnsupportedEvent(kind="active_loop"),
        ),
        responses=(
            ActionUtterance(name="utter_hello", kwargs={"who": "Anna"}),
            ActionUtterance(name="utter_old", kwargs={"who": "Bo"}),
            ActionMessage(
                text="pick",
                buttons=(Button(title="Yes", payload="/y"), Button(title="", payload=None)),
            ),
        ),
    )
    failed = parse_outcome(ActionOutcome(error="boom", detail="trace"))
    assert failed == ActionResult(error="boom", detail="trace")
