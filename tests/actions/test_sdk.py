"""calmtui's native action API: the decorator's registry, the tracker view, the dispatcher."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from calmtui.actions.sdk import (
    REGISTRY_ATTRIBUTE,
    Dispatcher,
    NativeAction,
    Tracker,
    action,
    active_flow_of,
)


def test_decorator_registers_in_the_defining_module_and_returns_the_function() -> None:
    namespace: dict[str, object] = {"__name__": "fake_actions"}
    exec(  # the decorator must use the function's own module globals
        textwrap.dedent(
            """
            from calmtui.actions.sdk import action

            @action("action_one")
            def one(tracker, dispatcher):
                return {"a": 1}

            @action()
            def action_two(tracker, dispatcher):
                return None

            @action
            async def action_three(tracker, dispatcher):
                return []
            """
        ),
        namespace,
    )
    registry = namespace[REGISTRY_ATTRIBUTE]
    assert isinstance(registry, dict)
    assert sorted(registry) == ["action_one", "action_three", "action_two"]
    one = registry["action_one"]
    assert isinstance(one, NativeAction)
    assert one.function is namespace["one"]
    assert one.module == "fake_actions"
    assert not one.is_async
    assert registry["action_three"].is_async


@pytest.mark.parametrize("bad", ["", "   ", 3])
def test_decorator_rejects_a_bad_name(bad: object) -> None:
    with pytest.raises(TypeError, match="non-empty string"):
        action(bad)  # type: ignore[call-overload]


def test_tracker_reads_slots_message_and_flow() -> None:
    tracker = Tracker.from_state(
        {
            "sender_id": "anna",
            "slots": {"amount": 50.0, "recipient": None},
            "latest_message": {"text": "send 50"},
            "events": [{"event": "user", "text": "send 50"}],
            "stack": [
                {"type": "flow", "flow_id": "transfer", "frame_type": "regular", "step_id": "s1"},
                {"type": "flow", "flow_id": "verify", "frame_type": "call", "step_id": "s2"},
                {
                    "type": "pattern_collect_information",
                    "flow_id": "pattern_collect_information",
                    "collect": "x",
                },
            ],
        }
    )
    assert tracker.sender_id == "anna"
    assert tracker.get_slot("amount") == 50.0
    assert tracker.get_slot("recipient") is None
    assert tracker.get_slot("recipient", "nobody") == "nobody"
    assert tracker.get_slot("unknown") is None
    assert tracker.latest_message["text"] == "send 50"
    assert tracker.active_flow == "transfer"  # the called flow is part of 'transfer'
    assert tracker.events[0]["event"] == "user"
    with pytest.raises(TypeError):
        tracker.slots["amount"] = 1  # type: ignore[index]


def test_active_flow_is_none_without_a_user_flow() -> None:
    assert active_flow_of([]) is None
    assert active_flow_of([{"type": "pattern_chitchat", "flow_id": "pattern_chitchat"}]) is None


def test_dispatcher_collects_messages_like_rasa_sdk() -> None:
    dispatcher = Dispatcher()
    dispatcher.utter_message(text="hi")
    dispatcher.utter_message(response="utter_hello", who="Anna")
    dispatcher.utter_message(
        text="pick", buttons=[{"title": "A", "payload": "/a"}], image="http://x/y.png"
    )
    assert dispatcher.messages == [
        {"text": "hi", "response": None, "buttons": []},
        {"text": None, "response": "utter_hello", "buttons": [], "who": "Anna"},
        {
            "text": "pick",
            "response": None,
            "buttons": [{"title": "A", "payload": "/a"}],
            "image": "http://x/y.png",
        },
    ]


def test_without_rasa_sdk_loaded_no_adapter_is_made_and_rasa_sdk_is_not_imported() -> None:
    code = textwrap.dedent(
        """
        import sys
        from calmtui.actions.sdk import action

        @action("action_x")
        def x(tracker, dispatcher):
            return None

        print("rasa_sdk" in sys.modules, any(k.startswith("__rasa_sdk_action_") for k in globals()))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_with_rasa_sdk_loaded_the_decorator_defines_a_registrable_action_class(
    tmp_path: Path,
) -> None:
    """What a rasa_sdk server sees when it imports a calmtui actions module."""
    (tmp_path / "native_actions.py").write_text(
        textwrap.dedent(
            """
            from calmtui.actions.sdk import action

            @action("action_hello")
            def hello(tracker, dispatcher):
                dispatcher.utter_message(response="utter_hello", who=tracker.get_slot("name"))
                return {"greeted": True, "flow": tracker.active_flow}
            """
        )
    )
    code = textwrap.dedent(
        """
        import asyncio, json, sys
        from rasa_sdk.executor import ActionExecutor

        executor = ActionExecutor()
        executor.register_package("native_actions")
        tracker = {"sender_id": "s", "slots": {"name": "Anna"}, "latest_message": {}, "events": [],
                   "stack": [{"type": "flow", "flow_id": "hi", "frame_type": "regular"}]}
        call = {"next_action": "action_hello", "tracker": tracker, "domain": {"slots": {}}}
        print(json.dumps(asyncio.run(executor.run(call)).model_dump()))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["events"] == [
        {"event": "slot", "name": "greeted", "value": True},
        {"event": "slot", "name": "flow", "value": "hi"},
    ]
    assert result["responses"] == [
        {"text": None, "response": "utter_hello", "buttons": [], "who": "Anna"}
    ]


def test_decorator_needs_a_module_level_function() -> None:
    import functools

    with pytest.raises(TypeError, match="must decorate a function defined in a module"):
        action("action_x")(functools.partial(print))  # type: ignore[arg-type]
