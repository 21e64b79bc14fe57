"""`Session` end to end on the banking template: turns with scripted commands and a fake action
runner, rewind, hot reload, failing actions, and the TurnResult record."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from calmtui.actions.protocol import ActionOutcome, ActionRequest
from calmtui.core.dialogue.frames import FlowFrame
from calmtui.core.events import (
    ActionFailed,
    BotUttered,
    FlowCancelled,
    FlowResumed,
    FrameDropped,
    SlotSet,
)
from calmtui.core.loading.project_loader import load_project
from calmtui.core.model.project import Project
from calmtui.session import Session, TurnResult
from calmtui.understanding.scripted import ScriptedGenerator

BANKING = Path(__file__).resolve().parents[1] / "templates" / "banking"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class FakeBank:
    """Implements the ActionRunner protocol: the banking template's two actions, in memory."""

    kind = "fake"

    def __init__(self, *, balance: float = 2500.75, fail: bool = False) -> None:
        self.balance = balance
        self.fail = fail
        self.requests: list[ActionRequest] = []

    async def run(self, request: ActionRequest) -> ActionOutcome:
        self.requests.append(request)
        if self.fail:
            return ActionOutcome(error="ConnectionError: bank is down", detail="traceback ...")
        if request.name == "action_check_balance":
            return ActionOutcome(
                events=[{"event": "slot", "name": "current_balance", "value": self.balance}]
            )
        if request.name == "action_execute_transfer":
            amount = float(request.slots.get("amount") or 0)
            ok = 0 < amount <= min(1000.0, self.balance)
            if ok:
                self.balance -= amount
            return ActionOutcome(
                events=[
                    {"event": "slot", "name": "transfer_successful", "value": ok},
                    {"event": "slot", "name": "current_balance", "value": self.balance},
                ]
            )
        return ActionOutcome(error=f"unknown action {request.name}")


def banking(root: Path = BANKING) -> Project:
    result = load_project(root)
    assert result.ok, [d.headline() for d in result.diagnostics]
    assert result.project is not None
    return result.project


def session(runner: FakeBank | None = None, project: Project | None = None) -> Session:
    return Session(
        project or banking(), generator=ScriptedGenerator(), action_runner=runner or FakeBank()
    )


def said(result: TurnResult) -> list[str | None]:
    return [m.utter_action for m in result.bot_messages]


async def say(s: Session, text: str, dsl: str) -> TurnResult:
    assert isinstance(s.generator, ScriptedGenerator)
    s.generator.extend([dsl])
    return await s.turn(text)


@pytest.mark.anyio
async def test_transfer_with_correction_digression_and_a_final_cancel() -> None:
    bank = FakeBank()
    s = session(bank)
    greeting = await s.start()
    assert said(greeting) == ["utter_greet_capabilities"]

    r = await say(
        s,
        "send 50 to Anna",
        "start flow transfer_money\nset slot recipient Anna\nset slot amount 50",
    )
    assert said(r) == ["utter_ask_transfer_confirmation"]
    assert r.bot_messages[0].text == "Please confirm: send 50.0 to Anna?"

    r = await say(s, "actually 80", "set slot amount 80")
    assert [c.kind for c in r.accepted_commands] == ["correct_slots"]
    assert said(r) == ["utter_corrected_previous_input", "utter_ask_transfer_confirmation"]
    assert r.bot_messages[-1].text == "Please confirm: send 80.0 to Anna?"
    assert {c.name: (c.old, c.new) for c in r.slot_changes}["amount"] == (50.0, 80.0)

    r = await say(s, "what's my balance first?", "start flow check_balance")
    assert said(r) == ["utter_current_balance", "utter_ask_continue_interrupted_flow_confirmation"]
    assert r.bot_messages[0].text == "Your current balance is 2500.75."
    assert [c.name for c in r.action_calls] == ["action_check_balance"]
    assert r.action_calls[0].runner == "fake"

    r = await say(s, "yes, continue", "set slot continue_interrupted_flow_confirmation true")
    assert any(isinstance(e, FlowResumed) and e.flow_id == "transfer_money" for e in r.events)
    assert said(r) == ["utter_ask_transfer_confirmation"]

    r = await say(s, "hm, no, stop", "cancel flow")
    assert any(isinstance(e, FlowCancelled) and e.flow_id == "transfer_money" for e in r.events)
    assert said(r) == ["utter_flow_cancelled_rasa", "utter_ask_continue_conversation"]
    assert r.bot_messages[0].text == "Okay, stopping transfer money."
    assert s.state.slots["amount"] is None
    assert bank.balance == 2500.75  # nothing was sent


@pytest.mark.anyio
async def test_a_completed_transfer_links_to_the_balance() -> None:
    bank = FakeBank()
    s = session(bank)
    await say(
        s,
        "send 100 to Ben",
        "start flow transfer_money\nset slot recipient Ben\nset slot amount 100",
    )
    r = await s.turn("/SetSlots(transfer_confirmation=true)")
    assert r.mode == "payload"
    assert said(r) == [
        "utter_transfer_complete",
        "utter_current_balance",
        "utter_ask_continue_conversation",
    ]
    assert r.bot_messages[1].text == "Your current balance is 2400.75."
    assert [c.name for c in r.action_calls] == ["action_execute_transfer", "action_check_balance"]
    request = bank.requests[0]
    assert request.active_flow == "transfer_money"
    assert request.slots["amount"] == 100.0
    assert request.events[0]["event"] == "user"  # the whole history, oldest first
    assert request.latest_message == {"text": "/SetSlots(transfer_confirmation=true)"}


@pytest.mark.anyio
async def test_rewind_restores_the_exact_previous_state() -> None:
    s = session()
    await say(s, "send money", "start flow transfer_money")
    before = s.state
    history = list(s.history)
    await say(s, "to Anna", "set slot recipient Anna")
    assert s.state != before
    undone = s.rewind()
    assert undone is not None
    assert undone.user_text == "to Anna"
    assert s.state == before
    assert s.history == history
    again = await say(s, "to Ben", "set slot recipient Ben")
    assert again.turn == 1
    assert s.state.slots["recipient"] == "Ben"
    assert s.rewind() is not None
    assert s.rewind() is not None
    assert s.rewind() is None


@pytest.mark.anyio
async def test_reload_with_a_removed_step_drops_the_flow_and_the_conversation_goes_on(
    tmp_path: Path,
) -> None:
    root = tmp_path / "bank"
    shutil.copytree(BANKING, root)
    s = session(project=banking(root))
    await say(s, "I lost my card", "start flow replace_card\nset slot card_type debit")
    assert [f.flow_id for f in s.state.stack] == ["replace_card", "pattern_collect_information"]

    flows = root / "data" / "flows" / "replace_card.yml"
    text = flows.read_text(encoding="utf-8")
    start = text.index("      - collect: card_lost\n")
    end = text.index("      - call: verify_identity")
    flows.write_text(text[:start] + text[end:], encoding="utf-8")
    report = s.reload(banking(root))

    assert "replace_card" in report.changed_flows
    assert [(d.flow_id, type(d)) for d in report.dropped] == [
        ("replace_card", FrameDropped),
        ("pattern_collect_information", FrameDropped),
    ]
    assert s.state.stack == ()
    r = await say(s, "check my balance", "start flow check_balance")
    assert said(r) == ["utter_current_balance", "utter_ask_continue_conversation"]


@pytest.mark.anyio
async def test_reload_with_a_changed_flow_keeps_the_conversation(tmp_path: Path) -> None:
    root = tmp_path / "bank"
    shutil.copytree(BANKING, root)
    s = session(project=banking(root))
    await say(s, "send money to Anna", "start flow transfer_money\nset slot recipient Anna")
    domain = root / "domain" / "transfer.yml"
    domain.write_text(
        domain.read_text(encoding="utf-8").replace(
            "How much would you like to send", "What amount shall I send"
        ),
        encoding="utf-8",
    )
    flows = root / "data" / "flows" / "transfer_money.yml"
    flows.write_text(
        flows.read_text(encoding="utf-8").replace(
            "description: how much money to send, as a number",
            "description: the amount, as a number",
        ),
        encoding="utf-8",
    )
    report = s.reload(banking(root))
    assert report.changed_flows == ("transfer_money",)
    assert report.dropped == ()
    r = await say(s, "hm?", "repeat message")
    assert r.bot_messages[-1].text == "What amount shall I send to Anna?"
    assert not [
        e
        for e in r.events
        if e.event == "flow_started" and getattr(e, "flow_id", "") == "pattern_code_change"
    ]


@pytest.mark.anyio
async def test_a_failing_action_reports_an_internal_error_and_the_conversation_continues() -> None:
    bank = FakeBank(fail=True)
    s = session(bank)
    r = await say(s, "balance?", "start flow check_balance")
    assert any(isinstance(e, ActionFailed) and "bank is down" in e.error for e in r.events)
    assert said(r)[0] == "utter_internal_error_rasa"
    assert r.action_calls[0].error == "ConnectionError: bank is down"
    assert not any(isinstance(f, FlowFrame) and f.flow_id == "check_balance" for f in s.state.stack)
    bank.fail = False
    r = await say(s, "try again", "start flow check_balance")
    assert said(r) == ["utter_current_balance", "utter_ask_continue_conversation"]


@pytest.mark.anyio
async def test_turn_results_round_trip_through_json() -> None:
    s = session()
    await s.start()
    await say(
        s,
        "send 50 to Anna",
        "start flow transfer_money\nset slot recipient Anna\nset slot amount 50\nset slot nope 1",
    )
    await say(s, "balance", "start flow check_balance")
    for result in s.history:
        encoded = json.loads(json.dumps(result.to_json()))
        decoded = TurnResult.from_json(encoded)
        assert decoded == result
        assert decoded.to_json() == result.to_json()
    assert any(e.reason == "CT404" for e in s.history[1].ignored)


@pytest.mark.anyio
async def test_fixtures_and_empty_messages() -> None:
    s = session()
    events = s.set_slots({"recipient": "Anna", "amount": "12", "no_such_slot": 1})
    assert events == [SlotSet(name="recipient", value="Anna"), SlotSet(name="amount", value=12.0)]
    r = await s.turn("   ")
    assert r.mode == "session"
    assert said(r) == ["utter_user_input_empty_error_rasa"]
    r = await say(s, "send it", "start flow transfer_money")
    assert said(r) == ["utter_ask_transfer_confirmation"]
    assert isinstance(r.bot_messages[0], BotUttered)
    assert "12.0" in (r.bot_messages[0].text or "")
