"""The chat screen (`calmtui shell`) driven with Pilot: turns, choices, history, rewind,
restart, notifications for failures, queued messages and cancelling."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.pilot import Pilot

from calmtui.store.sqlite_store import SqliteStore
from calmtui.tui.app import CalmApp
from calmtui.tui.messages import LLMFailed, TurnCompleted, TurnFailed
from calmtui.tui.screens.chat import ChatScreen
from calmtui.tui.widgets.chat_log import ChoiceButton, MessageLine, Notice
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace
from calmtui.understanding.scripted import ScriptedGenerator
from tests.tui.conftest import TRANSFER_SCRIPT, FakeActions, idle, make_app, wait_for

pytestmark = pytest.mark.anyio


async def say(pilot: Pilot[None], text: str) -> None:
    app = pilot.app
    assert isinstance(app, CalmApp)
    await wait_for(idle(app))
    await pilot.press(*text) if len(text) < 40 else setattr(
        app.screen.query_one("#chat-input"), "value", text
    )
    await pilot.press("enter")
    await pilot.pause()
    await wait_for(idle(app))


def lines(screen: ChatScreen) -> list[tuple[str, str]]:
    return [(m.who, m.text) for m in screen.chat_log.query(MessageLine)]


def notifications(app: CalmApp) -> list[tuple[str, str, str]]:
    return [(n.title, n.message, n.severity) for n in app._notifications]


async def test_the_shell_greets_then_answers_a_message(bank: Path) -> None:
    app = make_app(bank, ["start flow transfer_money"], inspector=False)
    seen: list[object] = []
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await wait_for(idle(app))
        screen = app.screen
        assert isinstance(screen, ChatScreen)
        assert app.focused is screen.chat_input
        assert lines(screen) == [("bot", "Hello! I can send money.")]
        await say(pilot, "I want to send money")
        assert lines(screen)[-2:] == [
            ("you", "I want to send money"),
            ("bot", "Who should get the money?"),
        ]
        completed = [m for m in seen if isinstance(m, TurnCompleted)]
        assert [m.result.user_text for m in completed] == ["I want to send money"]
        assert "1 turn" in screen.status_bar.info_text
        assert "scripted" in screen.status_bar.info_text
        assert "test-conversation" in screen.status_bar.info_text


async def test_debug_shows_each_turns_commands_in_the_chat(bank: Path) -> None:
    app = make_app(
        bank, ["start flow transfer_money\nset slot no_such_slot 3"], inspector=False, debug=True
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await say(pilot, "send money")
        notes = [str(n.render()) for n in app.screen.query(".note.debug")]
        assert notes[0] == "→ start flow transfer_money"
        assert notes[1:]
        assert all(n.startswith("✗ ") and "(CT4" in n for n in notes[1:])


async def test_a_button_sends_its_payload_and_shows_its_title(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT, inspector=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for text in ("send money", "Anna", "50"):
            await say(pilot, text)
        choices = app.screen.query(ChoiceButton)
        assert [(c.title_text, c.payload) for c in choices] == [
            ("Yes", "/SetSlots(confirm=true)"),
            ("No", "/SetSlots(confirm=false)"),
        ]
        await pilot.click(ChoiceButton)  # the first one: "Yes"
        await pilot.pause()
        await wait_for(idle(app))
        last = app.conversation.results[-1]
        assert last.user_text == "/SetSlots(confirm=true)"
        assert last.mode == "payload"
        assert ("you", "Yes  (/SetSlots(confirm=true))") in lines(app.screen)
        assert ("bot", "Sent 50.0 to Anna.") in lines(app.screen)


async def test_alt_number_picks_a_choice_of_the_last_message(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT, inspector=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for text in ("send money", "Anna", "50"):
            await say(pilot, text)
        await pilot.press("alt+2")
        await pilot.pause()
        await wait_for(idle(app))
        assert app.conversation.results[-1].user_text == "/SetSlots(confirm=false)"
        assert ("bot", "Okay, nothing was sent.") in lines(app.screen)
        await pilot.press("alt+5")
        assert any("no choice 5" in n[1] for n in notifications(app))


async def test_ctrl_o_moves_to_the_choices_for_the_keyboard(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT, inspector=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("ctrl+o")
        assert any("has no choices" in n[1] for n in notifications(app))
        for text in ("send money", "Anna", "50"):
            await say(pilot, text)
        await pilot.press("ctrl+o")
        assert isinstance(app.focused, ChoiceButton)
        assert app.focused.title_text == "Yes"
        await pilot.press("right")
        assert isinstance(app.focused, ChoiceButton)
        assert app.focused.title_text == "No"
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#chat-input")
        await pilot.press("ctrl+o", "2")
        await pilot.pause()
        await wait_for(idle(app))
        assert app.conversation.results[-1].user_text == "/SetSlots(confirm=false)"
        assert app.focused is app.screen.query_one("#chat-input")


async def test_fast_typing_keeps_enter_in_order(bank: Path) -> None:
    """Enter goes through the input's own key queue, so text typed right after it is not
    glued onto the message before (tmux send-keys showed "Anna⏎50⏎" arriving as "Anna50")."""
    app = make_app(bank, TRANSFER_SCRIPT, inspector=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(idle(app))
        await pilot.press(*"send money", "enter", *"Anna", "enter", *"50", "enter")
        await pilot.pause()
        await wait_for(lambda: len(app.conversation.results) == 4 and idle(app)())
        assert [r.user_text for r in app.conversation.results] == [None, "send money", "Anna", "50"]


async def test_up_and_down_browse_the_input_history(bank: Path) -> None:
    app = make_app(bank, ["start flow transfer_money", "set slot recipient Anna"], inspector=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await say(pilot, "send money")
        await say(pilot, "Anna")
        field = app.screen.query_one("#chat-input")
        await pilot.press(*"draft")
        await pilot.press("up")
        assert field.value == "Anna"
        await pilot.press("up")
        assert field.value == "send money"
        await pilot.press("up")
        assert field.value == "send money"
        await pilot.press("down", "down")
        assert field.value == "draft"


async def test_rewind_undoes_the_last_turn_everywhere(bank: Path, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "c.db")
    app = make_app(
        bank, [*TRANSFER_SCRIPT[:2], "set slot recipient Ben"], inspector=False, store=store
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await say(pilot, "send money")
        await say(pilot, "Anna")
        assert app.conversation.session.state.slots["recipient"] == "Anna"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert [r.user_text for r in app.conversation.results] == [None, "send money"]
        assert app.conversation.session.state.slots["recipient"] is None
        assert ("you", "Anna") not in lines(app.screen)
        assert app.screen.query_one("#chat-input").value == "Anna"  # ready to edit and resend
        assert [t["user_text"] for t in store.turns("test-conversation")] == [None, "send money"]
        await pilot.press("ctrl+u")
        await say(pilot, "Ben")
        assert app.conversation.session.state.slots["recipient"] == "Ben"
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")
        await pilot.pause()
        assert [r.user_text for r in app.conversation.results] == [None]
        assert any(n[1] == "nothing to rewind" for n in notifications(app))


async def test_restart_starts_a_new_saved_conversation(bank: Path, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "c.db")
    app = make_app(bank, TRANSFER_SCRIPT, inspector=False, store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await say(pilot, "send money")
        await pilot.press("ctrl+r")
        await pilot.pause()
        await wait_for(lambda: app.conversation.id != "test-conversation" and idle(app)())
        assert [r.user_text for r in app.conversation.results] == [None]
        assert lines(app.screen) == [("bot", "Hello! I can send money.")]
        assert {c.id for c in store.conversations()} == {"test-conversation", app.conversation.id}
        assert any(n[0] == "Restarted" for n in notifications(app))


async def test_a_failing_custom_action_is_a_notification_not_a_crash(bank: Path) -> None:
    runner = FakeActions(fail=True)
    app = make_app(bank, TRANSFER_SCRIPT, inspector=False, runner=runner)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        for text in ("send money", "Anna", "50", "/SetSlots(confirm=true)"):
            await say(pilot, text)
        assert runner.calls == ["action_do_transfer"]
        failures = [n for n in notifications(app) if n[0] == "Custom action failed"]
        assert failures
        assert failures[0][2] == "error"
        assert "action_do_transfer failed: the bank is closed" in failures[0][1]
        assert "ConnectionError: the bank is closed" in failures[0][1]
        notes = [str(n.render()) for n in app.screen.query(".note.error")]
        assert any("action_do_transfer failed" in n for n in notes)
        assert app.is_running


class BrokenGenerator:
    mode = "llm"

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        raise RuntimeError("generator bug")


class FailingLLM:
    mode = "llm"

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        from calmtui.core.commands import Error

        return UnderstandingTrace(
            mode="llm",
            commands=(Error(),),
            error="openai/gpt-4o-mini: invalid API key (set OPENAI_API_KEY)",
        )


async def test_an_unusable_understanding_setting_ends_the_app_with_its_reason(bank: Path) -> None:
    from dataclasses import replace

    from calmtui.app.exit_codes import ExitCode, exit_code_for
    from calmtui.understanding.errors import UnderstandingConfigError

    def unusable(project):  # type: ignore[no-untyped-def]
        raise UnderstandingConfigError("no LLM command generator in config.yml's pipeline")

    app = make_app(bank, inspector=False)
    app.config = replace(
        app.config, assistant=replace(app.config.assistant, make_generator=unusable)
    )
    app.conversation.assistant = app.config.assistant
    async with app.run_test(size=(100, 30)):
        await wait_for(lambda: app.return_code is not None)
    # The app only ends and keeps the reason; the CLI reports it and picks the exit code.
    assert isinstance(app.failure, UnderstandingConfigError)
    assert str(app.failure) == "no LLM command generator in config.yml's pipeline"
    assert exit_code_for(app.failure) == ExitCode.PROBLEMS


async def test_a_generator_bug_leaves_the_conversation_unchanged(bank: Path) -> None:
    app = make_app(bank, generator=BrokenGenerator(), inspector=False)
    seen: list[object] = []
    async with app.run_test(size=(100, 30), message_hook=seen.append, notifications=True) as pilot:
        await say(pilot, "hello")
        assert [r.user_text for r in app.conversation.results] == [None]
        assert any(isinstance(m, TurnFailed) and "generator bug" in m.error for m in seen)
        assert any(n[0] == "Turn failed" for n in notifications(app))
        assert any("not sent: 'hello'" in str(n.render()) for n in app.screen.query(Notice))
        assert app.is_running


async def test_an_llm_error_is_reported_and_the_assistant_still_answers(bank: Path) -> None:
    app = make_app(bank, generator=FailingLLM(), inspector=False)
    seen: list[object] = []
    async with app.run_test(size=(100, 30), message_hook=seen.append, notifications=True) as pilot:
        await say(pilot, "hello")
        await pilot.pause()
        assert any(isinstance(m, LLMFailed) for m in seen)
        assert any(
            n[0] == "Understanding failed" and "invalid API key" in n[1] for n in notifications(app)
        )
        assert len(app.conversation.results) == 2


class GatedGenerator:
    """Answers only when the test opens the gate: a turn that is still running."""

    mode = "llm"

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.inner = ScriptedGenerator(["start flow transfer_money", "set slot recipient Anna"])

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        await self.gate.wait()
        return await self.inner.generate(text, context)


async def test_messages_typed_during_a_turn_wait_their_turn(bank: Path) -> None:
    generator = GatedGenerator()
    app = make_app(bank, generator=generator, inspector=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(idle(app))
        screen = app.screen
        assert isinstance(screen, ChatScreen)
        await pilot.press(*"send money", "enter")
        await pilot.press(*"Anna", "enter")
        await pilot.pause()
        assert len(screen.queue) == 2
        assert "thinking (+1 queued)" in screen.status_bar.activity_text
        assert app.focused is screen.chat_input  # the input stays usable
        generator.gate.set()
        await wait_for(idle(app))
        assert [r.user_text for r in app.conversation.results] == [None, "send money", "Anna"]
        assert screen.status_bar.activity_text == ""


async def test_escape_cancels_a_running_turn(bank: Path) -> None:
    generator = GatedGenerator()
    app = make_app(bank, generator=generator, inspector=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(idle(app))
        await pilot.press(*"send money", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(idle(app))
        assert [r.user_text for r in app.conversation.results] == [None]
        assert any("cancelled: 'send money'" in str(n.render()) for n in app.screen.query(Notice))
        generator.gate.set()
        await say(pilot, "send money")  # the next message runs normally
        assert [r.user_text for r in app.conversation.results] == [None, "send money"]


async def test_screenshot_and_copy(bank: Path) -> None:
    app = make_app(bank, ["start flow transfer_money"], inspector=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await say(pilot, "send money")
        await pilot.press("ctrl+y")
        assert app.clipboard == "you: send money\nbot: Who should get the money?"
        await pilot.press("f6")
        shots = list(bank.glob("*.svg"))
        assert len(shots) == 1
        assert "<svg" in shots[0].read_text(encoding="utf-8")


async def test_the_command_palette_offers_every_action(bank: Path) -> None:
    app = make_app(bank, inspector=True)
    async with app.run_test(size=(120, 40)):
        await wait_for(idle(app))
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {
            "Restart conversation",
            "Rewind the last turn",
            "Reload project now",
            "Save conversation as test case",
            "Copy selected item",
            "Save SVG screenshot",
            "Toggle panels",
            "Toggle panel: Events",
        } <= titles
        shown = {
            binding.action
            for (_, binding, _, _) in app.screen.active_bindings.values()
            if binding.show
        }
        assert {"restart", "rewind", "save_test", "reload", "copy_item", "toggle_panels"} <= shown
