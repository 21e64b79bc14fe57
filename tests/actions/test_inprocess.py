"""In-process custom actions (`action_endpoint.actions_module`), driven through real conversations."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from calmtui.actions.inprocess import InProcessRunner
from calmtui.actions.protocol import ActionRequest
from tests.actions.conftest import NATIVE_ACTIONS, SDK_ACTIONS, load, write_project
from tests.actions.conversation import bot_data, converse, failures, slots_set, texts, utterances

pytestmark = pytest.mark.anyio


def _runner(root: Path, **options: float) -> InProcessRunner:
    project = load(root)
    return InProcessRunner(str(root), "actions", project=project, **options)


async def test_native_action_sets_slots(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank")
    [result] = await converse(load(root), _runner(root), [("balance?", "start flow check_balance")])
    assert slots_set(result) == {"balance": 120.5, "approved": True}
    assert texts(result)[0] == "Your balance is 120.5."
    [call] = result.action_calls
    assert (call.name, call.runner, call.error) == ("action_set_balance", "inprocess", None)


async def test_native_action_utters_responses_with_kwargs_and_text(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank")
    [result] = await converse(
        load(root), _runner(root), [("hi there", "start flow greet")], sender_id="Anna"
    )
    assert texts(result)[:2] == ["Hello Anna!", "You are in greet; you said 'hi there'."]
    assert utterances(result)[0] == "utter_hello"


async def test_native_action_sends_buttons_and_returns_events(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank")
    [result] = await converse(load(root), _runner(root), [("colours", "start flow choose")])
    assert texts(result)[0] == "Pick one"
    assert bot_data(result)[0]["buttons"] == [
        {"title": "Red", "payload": "/SetSlots(note=red)"},
        {"title": "Blue", "payload": "/SetSlots(note=blue)"},
    ]
    assert slots_set(result) == {"note": "buttons shown"}


async def test_an_exception_becomes_the_internal_error_pattern_and_the_conversation_goes_on(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path / "bank")
    first, second = await converse(
        load(root), _runner(root), [("go", "start flow explode"), ("let's chat", "start flow chat")]
    )
    [failed] = failures(first)
    assert failed.name == "action_boom"
    assert failed.error == "action 'action_boom' raised ValueError: the bank is closed"
    # The traceback starts in the user's code, not in calmtui's runner.
    assert failed.detail.startswith("Traceback (most recent call last):\n  File ")
    assert "actions/__init__.py" in failed.detail.splitlines()[1]
    assert 'raise ValueError("the bank is closed")' in failed.detail
    assert "inprocess.py" not in failed.detail
    assert utterances(first)[0] == "utter_internal_error_rasa"
    assert "utter_balance" not in utterances(first)  # the step after the action never runs
    assert first.action_calls[0].error == failed.error
    assert texts(second)[0] == "Happy to chat."


async def test_a_bad_return_value_is_a_clear_failure(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank")
    [result] = await converse(load(root), _runner(root), [("x", "start flow bad_return")])
    [failed] = failures(result)
    assert (
        "returned int; return a dict of slot values, a list of event dicts, or None" in failed.error
    )


async def test_a_slow_async_action_times_out(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank")
    [result] = await converse(load(root), _runner(root, timeout=0.2), [("x", "start flow slow")])
    [failed] = failures(result)
    assert failed.error == "action 'action_slow' did not finish within 0.2 s"
    assert result.action_calls[0].latency_ms < 1500


async def test_reset_slots_event(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank")
    _, reset = await converse(
        load(root),
        _runner(root),
        [("balance", "start flow check_balance"), ("reset", "start flow reset")],
    )
    assert slots_set(reset) == {"balance": None, "approved": None}


async def test_validate_slot_action_rejects_and_the_question_is_asked_again(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank")
    ask, too_much, ok = await converse(
        load(root),
        _runner(root),
        [("pay", "start flow pay"), ("500", "set slot amount 500"), ("50", "set slot amount 50")],
    )
    assert texts(ask) == ["How much?"]
    assert texts(too_much) == ["That is too much.", "How much?"]
    assert [c.name for c in too_much.action_calls] == ["validate_amount"]
    assert texts(ok)[0] == "Amount 50.0 accepted."


async def test_rasa_sdk_action_classes_run_in_process(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank", actions=SDK_ACTIONS)
    balance, greet, boom, reset = await converse(
        load(root),
        _runner(root),
        [
            ("balance", "start flow check_balance"),
            ("hello", "start flow greet"),
            ("boom", "start flow explode"),
            ("reset", "start flow reset"),
        ],
    )
    assert slots_set(balance) == {
        "balance": 99.0,
        "approved": True,
    }  # its assert on the domain passed
    assert texts(greet)[:2] == ["Hello anna!", "latest: hello"]
    [failed] = failures(boom)
    assert failed.error == "action 'action_boom' raised KeyError: 'missing'"
    assert 'return {"not": "a list"}["missing"]' in failed.detail
    assert slots_set(reset) == {"balance": None, "approved": None}


async def test_a_module_that_cannot_be_imported_fails_each_call_clearly(tmp_path: Path) -> None:
    broken = NATIVE_ACTIONS + "\ndef broken(:\n"
    root = write_project(tmp_path / "bank", actions=broken)
    first, second = await converse(
        load(root),
        _runner(root),
        [("balance", "start flow check_balance"), ("chat", "start flow chat")],
    )
    [failed] = failures(first)
    assert failed.error.startswith("cannot import the actions module 'actions': SyntaxError:")
    assert "(__init__.py:" in failed.error
    assert texts(second)[0] == "Happy to chat."


async def test_a_module_calling_sys_exit_at_import_is_reported_not_fatal(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank", actions="import sys\nsys.exit(3)\n")
    [result] = await converse(load(root), _runner(root), [("balance", "start flow check_balance")])
    [failed] = failures(result)
    assert failed.error == "cannot import the actions module 'actions': SystemExit: 3"


async def test_an_action_the_module_lacks_is_named_with_a_hint(tmp_path: Path) -> None:
    code = 'from calmtui.actions.sdk import action\n\n@action("action_set_balanse")\ndef f(t, d):\n    return None\n'
    root = write_project(tmp_path / "bank", actions=code)
    [result] = await converse(load(root), _runner(root), [("balance", "start flow check_balance")])
    [failed] = failures(result)
    assert failed.error == (
        "the actions module 'actions' has no action 'action_set_balance'; did you mean 'action_set_balanse'?"
    )
    assert failed.detail == "actions defined: action_set_balanse"


async def test_projects_are_isolated_and_a_new_runner_sees_edited_code(tmp_path: Path) -> None:
    def module(value: float) -> str:
        return textwrap.dedent(
            f"""
            from calmtui.actions.sdk import action

            @action("action_set_balance")
            def set_balance(tracker, dispatcher):
                return {{"balance": {value}}}
            """
        )

    first_root = write_project(tmp_path / "first", actions=module(1.0))
    second_root = write_project(tmp_path / "second", actions=module(2.0))
    first, second = _runner(first_root), _runner(second_root)
    first.load()
    second.load()  # the second import of a package called 'actions' must not replace the first's
    script = [("balance", "start flow check_balance")]
    [one] = await converse(load(first_root), first, script)
    [two] = await converse(load(second_root), second, script)
    assert (slots_set(one)["balance"], slots_set(two)["balance"]) == (1.0, 2.0)

    (first_root / "actions" / "__init__.py").write_text(module(3.0))  # an edit, then hot reload
    [three] = await converse(load(first_root), _runner(first_root), script)
    assert slots_set(three)["balance"] == 3.0


async def test_an_edit_within_the_same_second_is_not_hidden_by_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python trusts a .pyc while the source's size and whole-second mtime match: "1.0" -> "3.0"
    saved right after an import kept both. calmtui writes no .pyc for project code, so a reload
    compiles the source again (whatever PYTHONDONTWRITEBYTECODE says)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)

    def module(value: float) -> str:
        return f"from calmtui.actions.sdk import action\n\n\n@action('action_set_balance')\ndef f(tracker, dispatcher):\n    return {{'balance': {value}}}\n"

    root = write_project(tmp_path / "bank", actions=module(1.0))
    init = root / "actions" / "__init__.py"
    script = [("balance", "start flow check_balance")]
    [one] = await converse(load(root), _runner(root), script)
    stat = init.stat()
    init.write_text(module(3.0))
    os.utime(init, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same second, the same size
    [two] = await converse(load(root), _runner(root), script)
    assert (slots_set(one)["balance"], slots_set(two)["balance"]) == (1.0, 3.0)
    assert not (root / "actions" / "__pycache__").exists()
    assert sys.dont_write_bytecode is False  # restored after the import


async def test_rasa_sdk_actions_module_in_a_submodule_is_found(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank", actions="")
    (root / "actions" / "bank_actions.py").write_text(SDK_ACTIONS)
    [result] = await converse(load(root), _runner(root), [("balance", "start flow check_balance")])
    assert slots_set(result)["balance"] == 99.0


async def test_runner_without_project_still_runs_native_actions(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank")
    runner = InProcessRunner(str(root))
    request = ActionRequest(
        name="action_set_balance",
        sender_id="s",
        slots={},
        latest_message={},
        events=[],
        stack=[],
        active_flow=None,
    )
    outcome = await runner.run(request)
    assert outcome.error is None
    assert next(iter(outcome.events)) == {"event": "slot", "name": "balance", "value": 120.5}


async def test_a_timeout_error_raised_by_the_action_is_not_mistaken_for_our_deadline(
    tmp_path: Path,
) -> None:
    code = textwrap.dedent(
        """
        from calmtui.actions.sdk import action

        @action("action_set_balance")
        async def set_balance(tracker, dispatcher):
            raise TimeoutError("the bank's API timed out")
        """
    )
    root = write_project(tmp_path / "bank", actions=code)
    [result] = await converse(load(root), _runner(root), [("balance", "start flow check_balance")])
    [failed] = failures(result)
    assert (
        failed.error == "action 'action_set_balance' raised TimeoutError: the bank's API timed out"
    )


async def test_an_action_decorated_function_wins_over_a_rasa_sdk_class_of_the_same_name(
    tmp_path: Path,
) -> None:
    code = SDK_ACTIONS + textwrap.dedent(
        """

        from calmtui.actions.sdk import action

        @action("action_set_balance")
        def native_balance(tracker, dispatcher):
            return {"balance": 7.0}
        """
    )
    root = write_project(tmp_path / "bank", actions=code)
    runner = _runner(root)
    assert sorted(runner.load().names) == [
        "action_boom",
        "action_greet",
        "action_reset",
        "action_set_balance",
    ]
    [result] = await converse(load(root), runner, [("balance", "start flow check_balance")])
    assert slots_set(result) == {"balance": 7.0}


async def test_a_missing_module_is_named_and_one_elsewhere_on_sys_path_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = write_project(tmp_path / "other_project")
    monkeypatch.syspath_prepend(str(elsewhere))  # an unrelated 'actions' package Python could find
    root = write_project(tmp_path / "bank", actions=None)
    runner = _runner(root)
    module = runner.load()
    assert module.missing
    assert (
        module.error
        == "the actions module 'actions' does not exist in the project (no actions/ package or actions.py)"
    )
    [result] = await converse(load(root), runner, [("balance", "start flow check_balance")])
    assert failures(result)[0].error == module.error
