"""The conversation controller without Textual: the turn queue, the session lock and the reload
policy that the shell's screens drive."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from calmtui.app.controller import ConversationController
from calmtui.app.conversation import Conversation
from calmtui.app.reload import ReloadApplied, ReloadNotApplied, ReloadRejected
from calmtui.session import TurnResult
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace
from calmtui.understanding.scripted import ScriptedGenerator
from tests.tui.conftest import FLOWS, TRANSFER_SCRIPT, assistant, load

pytestmark = pytest.mark.anyio


def controller(bank: Path, script: list[str]) -> ConversationController:
    return ConversationController(Conversation(load(bank), assistant(ScriptedGenerator(script))))


class Recorder:
    def __init__(self) -> None:
        self.results: list[TurnResult] = []
        self.failures: list[tuple[str, str]] = []

    def result(self, result: TurnResult) -> None:
        self.results.append(result)

    def failure(self, text: str, error: str) -> None:
        self.failures.append((text, error))


async def test_messages_queue_and_run_one_at_a_time_in_order(bank: Path) -> None:
    c = controller(bank, TRANSFER_SCRIPT)
    opened = await c.open()
    assert [r.user_text for r in opened.results] == [None]
    assert not opened.resumed
    assert c.submit("send money") is True  # the caller starts a drain
    assert c.submit("Anna") is False  # one is running (or about to): the message waits
    assert c.busy
    seen = Recorder()
    await c.drain(seen.result, seen.failure)
    assert [r.user_text for r in seen.results] == ["send money", "Anna"]
    assert not c.busy
    assert c.submit("50") is True  # the drain ended: the next message starts a new one


class Gate:
    """A generator that waits until released, so a turn can be caught while it runs."""

    mode = "gate"

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        self.started.set()
        await self.release.wait()
        return UnderstandingTrace(mode=self.mode, commands=())


async def test_a_reload_waits_for_the_running_turn(bank: Path) -> None:
    gate = Gate()
    c = ConversationController(Conversation(load(bank), assistant(gate)))  # type: ignore[arg-type]
    await c.open()
    c.submit("hello")
    seen = Recorder()
    turn = asyncio.create_task(c.drain(seen.result, seen.failure))
    await gate.started.wait()
    assert c.lock.locked()
    reload = asyncio.create_task(c.reload())
    await asyncio.sleep(0.05)
    assert not reload.done()  # validated, but applying it waits for the lock
    gate.release.set()
    await turn
    outcome = await reload
    assert isinstance(outcome, ReloadApplied)
    assert [r.user_text for r in seen.results] == ["hello"]


async def test_cancelling_forgets_the_queue_and_leaves_the_conversation_as_it_was(
    bank: Path,
) -> None:
    gate = Gate()
    c = ConversationController(Conversation(load(bank), assistant(gate)))  # type: ignore[arg-type]
    await c.open()
    c.submit("one")
    c.submit("two")
    seen = Recorder()
    turn = asyncio.create_task(c.drain(seen.result, seen.failure))
    await gate.started.wait()
    assert c.cancel_pending() == 2
    turn.cancel()
    with pytest.raises(asyncio.CancelledError):
        await turn
    assert [r.user_text for r in c.conversation.results] == [None]
    assert not c.busy
    assert c.submit("three") is True  # the cancelled drain does not hold the next one back


class Broken:
    mode = "broken"

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        raise RuntimeError("generator bug")


async def test_a_turn_that_cannot_run_is_reported_and_the_queue_goes_on(bank: Path) -> None:
    c = ConversationController(Conversation(load(bank), assistant(Broken())))  # type: ignore[arg-type]
    await c.open()
    c.submit("hello")
    c.submit("again")
    seen = Recorder()
    await c.drain(seen.result, seen.failure)
    assert seen.failures == [
        ("hello", "RuntimeError: generator bug"),
        ("again", "RuntimeError: generator bug"),
    ]
    assert [r.user_text for r in c.conversation.results] == [None]


async def test_reload_applies_a_valid_version_and_rejects_a_broken_one(bank: Path) -> None:
    c = controller(bank, TRANSFER_SCRIPT)
    await c.open()
    flows = bank / "data" / "flows.yml"
    flows.write_text(FLOWS + "      - action: utter_greet\n", encoding="utf-8")
    applied = await c.reload(["data/flows.yml"])
    assert isinstance(applied, ReloadApplied)
    assert applied.report.changed_flows == ("check_balance",)
    assert applied.changed_files == ("data/flows.yml",)

    running = c.conversation.project
    flows.write_text(FLOWS.replace("collect: amount", "collect: amout"), encoding="utf-8")
    rejected = await c.reload(["data/flows.yml"])
    assert isinstance(rejected, ReloadRejected)
    assert [d.code for d in rejected.validation.diagnostics if d.is_error] == ["CT302"]
    assert c.conversation.project is running  # the last good version keeps running


async def test_reload_reports_settings_that_cannot_be_applied(bank: Path) -> None:
    c = controller(bank, [])
    await c.open()

    def unusable(project: object) -> ScriptedGenerator:
        raise RuntimeError("no model")

    c.conversation.assistant = type(c.conversation.assistant)(
        make_generator=unusable, make_action_runner=c.conversation.assistant.make_action_runner
    )
    outcome = await c.reload()
    assert outcome == ReloadNotApplied(message="reload not applied: no model", title="Reload")


def test_understanding_is_resolved_before_anything_is_built(bank: Path) -> None:
    from calmtui.app.exit_codes import ExitCode, exit_code_for
    from calmtui.app.understanding import resolve_understanding
    from calmtui.understanding.errors import UnknownModeError

    project = load(bank)
    assert resolve_understanding(project, "Offline").mode == "offline"
    with pytest.raises(UnknownModeError) as error:
        resolve_understanding(project, "ofline")
    assert exit_code_for(error.value) == ExitCode.USAGE
