"""The tracker and domain JSON sent to action servers, checked against rasa_sdk itself."""

from __future__ import annotations

import json
from pathlib import Path

from rasa_sdk.interfaces import Tracker as SdkTracker

from calmtui.actions.protocol import ActionRequest
from calmtui.actions.rasa_format import domain_digest, domain_json, rasa_stack, tracker_state
from tests.actions.conftest import load, write_project


def _request(**overrides: object) -> ActionRequest:
    values: dict[str, object] = {
        "name": "action_x",
        "sender_id": "anna",
        "slots": {"amount": 50.0, "recipient": "Bob"},
        "latest_message": {"text": "send 50 to Bob"},
        "events": [
            {"event": "action", "name": "action_listen", "flow_id": None, "step_id": None},
            {
                "event": "user",
                "text": "send 50 to Bob",
                "commands": ["start flow transfer", "set slot amount 50"],
            },
            {"event": "flow_started", "flow_id": "transfer", "metadata": {}},
            {
                "event": "action",
                "name": "utter_ask_recipient",
                "flow_id": "transfer",
                "step_id": "s0",
            },
        ],
        "stack": [
            {
                "type": "flow",
                "flow_id": "transfer",
                "step_id": "s1",
                "frame_id": "A",
                "frame_type": "regular",
            },
            {
                "type": "pattern_collect_information",
                "flow_id": "pattern_collect_information",
                "step_id": "START",
                "frame_id": "B",
                "fields": {"collect": "recipient", "utter": "utter_ask_recipient"},
            },
        ],
        "active_flow": "transfer",
    }
    values.update(overrides)
    return ActionRequest(**values)  # type: ignore[arg-type]


def test_tracker_state_is_what_rasa_sdk_reads() -> None:
    state = tracker_state(_request())
    tracker = SdkTracker.from_dict(state)  # type: ignore[arg-type]
    assert tracker.sender_id == "anna"
    assert tracker.get_slot("amount") == 50.0
    assert tracker.latest_message["text"] == "send 50 to Bob"
    assert tracker.latest_message["commands"] == [
        {"command": "start flow", "flow": "transfer"},
        {"command": "set slot", "name": "amount", "value": "50", "extractor": "LLM"},
    ]
    assert tracker.latest_action_name == "utter_ask_recipient"
    assert tracker.active_loop == {}
    assert not tracker.is_paused()
    assert tracker.stack[1] == {
        "type": "pattern_collect_information",
        "flow_id": "pattern_collect_information",
        "step_id": "START",
        "frame_id": "B",
        "collect": "recipient",
        "utter": "utter_ask_recipient",
    }
    assert state["active_flow"] == "transfer"
    json.dumps(state)  # it goes over the wire


def test_latest_message_of_the_session_start_turn_is_empty() -> None:
    state = tracker_state(_request(latest_message={}, events=[]))
    assert state["latest_message"] == {"text": None, "intent": {}, "entities": [], "commands": []}
    assert state["latest_action_name"] is None


def test_rasa_stack_flattens_pattern_fields_without_changing_the_input() -> None:
    frames = [{"type": "pattern_x", "flow_id": "pattern_x", "fields": {"a": 1}}]
    assert rasa_stack(frames) == [{"type": "pattern_x", "flow_id": "pattern_x", "a": 1}]
    assert frames[0]["fields"] == {"a": 1}


def test_domain_json_lists_slots_responses_and_custom_actions(tmp_path: Path) -> None:
    project = load(write_project(tmp_path / "bank"))
    domain = domain_json(project)
    assert domain["slots"]["balance"]["type"] == "float"
    assert domain["slots"]["balance"]["mappings"] == [{"type": "controlled"}]
    assert domain["responses"]["utter_hello"] == [{"text": "Hello {who}!"}]
    assert "action_set_balance" in domain["actions"]
    assert "action_listen" not in domain["actions"]
    json.dumps(domain)
    assert domain_digest(domain) == domain_digest(json.loads(json.dumps(domain)))
    assert len(domain_digest(domain)) == 64
