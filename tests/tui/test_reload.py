"""Hot reload in the running app: a valid edit applies to the live conversation (and says what
changed), an edit that removes the active flow drops its frames with a notice, and a broken edit
keeps the last good project and shows the problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from calmtui.app.reload import code_dirs_of, is_project_file
from calmtui.tui.app import CalmApp
from calmtui.tui.messages import ProjectReloaded, ReloadFailed
from calmtui.tui.screens.inspector import InspectorScreen
from calmtui.tui.widgets.chat_log import Notice
from calmtui.tui.widgets.problems_panel import ProblemsPanel
from tests.tui.conftest import FLOWS, TRANSFER_SCRIPT, idle, load, make_app, wait_for, write_project

pytestmark = pytest.mark.anyio

NEW_FLOW = """
  say_hello:
    description: Say hello.
    steps:
      - action: utter_greet
"""


async def say(pilot: Pilot[None], text: str) -> None:
    app = pilot.app
    assert isinstance(app, CalmApp)
    await wait_for(idle(app))
    app.screen.query_one("#chat-input").value = text  # type: ignore[attr-defined]
    await pilot.press("enter")
    await pilot.pause()
    await wait_for(idle(app))


def notices(app: CalmApp) -> list[str]:
    return [str(n.render()) for n in app.screen.query(Notice)]


async def edit(bank: Path, text: str, seen: list[object], kind: type) -> object:
    """Write the flows file like an editor would and wait for the app to react."""
    count = sum(isinstance(m, kind) for m in seen)
    (bank / "data" / "flows.yml").write_text(text, encoding="utf-8")
    await wait_for(lambda: sum(isinstance(m, kind) for m in seen) > count, timeout=10)
    return [m for m in seen if isinstance(m, kind)][-1]


async def test_a_valid_edit_applies_to_the_live_conversation(bank: Path) -> None:
    app = make_app(bank, [*TRANSFER_SCRIPT[:2], "set slot amount 50"], watch=True)
    seen: list[object] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append, notifications=True) as pilot:
        await say(pilot, "send money")
        await say(pilot, "Anna")
        changed = FLOWS.replace(
            "      - collect: amount\n", "      - collect: amount\n        description: how much\n"
        )
        message = await edit(bank, changed + NEW_FLOW, seen, ProjectReloaded)
        assert isinstance(message, ProjectReloaded)
        assert message.report.changed_flows == ("transfer_money",)
        assert message.report.added_flows == ("say_hello",)
        assert message.changed_files == ("data/flows.yml",)
        await pilot.pause()
        assert "say_hello" in app.conversation.project.flows
        note = "reloaded data/flows.yml (1 flow changed; added say_hello)"
        assert note in notices(app)
        assert app.screen.status_bar.activity_text == note  # type: ignore[attr-defined]
        assert any(n.title == "Reloaded" for n in app._notifications)
        await say(pilot, "50")  # the conversation went on where it was
        assert app.conversation.session.state.slots["amount"] == 50.0
        assert [r.user_text for r in app.conversation.results] == [None, "send money", "Anna", "50"]


async def test_removing_the_active_flow_drops_it_with_a_notice(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT, watch=True)
    seen: list[object] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append, notifications=True) as pilot:
        await say(pilot, "send money")
        without_transfer = "flows:\n" + FLOWS.split("  check_balance:\n", 1)[1].join(
            ["  check_balance:\n", ""]
        )
        message = await edit(bank, without_transfer, seen, ProjectReloaded)
        assert isinstance(message, ProjectReloaded)
        assert message.report.removed_flows == ("transfer_money",)
        await pilot.pause()
        assert not any(f.flow_id == "transfer_money" for f in app.conversation.session.state.stack)
        assert any(
            n.startswith("removed transfer_money (at transfer_money_0_collect_recipient)")
            for n in notices(app)
        )
        assert any(
            n.severity == "warning" and "removed transfer_money" in n.message
            for n in app._notifications
        )


async def test_a_step_inserted_above_the_current_one_keeps_the_conversation(bank: Path) -> None:
    """Issue 16.2: inserting a step renumbers the default step ids below it; the flow is
    re-anchored at its question instead of dropped, and the notice says so."""
    app = make_app(bank, [*TRANSFER_SCRIPT[:2], "set slot amount 50"], watch=True)
    seen: list[object] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append, notifications=True) as pilot:
        await say(pilot, "send money")
        await say(pilot, "Anna")
        inserted = FLOWS.replace(
            "      - collect: amount\n", "      - action: utter_balance\n      - collect: amount\n"
        )
        message = await edit(bank, inserted, seen, ProjectReloaded)
        assert isinstance(message, ProjectReloaded)
        assert [(m.old_step_id, m.new_step_id) for m in message.report.moved] == [
            ("transfer_money_1_collect_amount", "transfer_money_2_collect_amount")
        ]
        assert message.report.dropped == ()
        await pilot.pause()
        state = app.conversation.session.state
        assert state.stack[0].step_id == "transfer_money_2_collect_amount"
        summary = "reloaded data/flows.yml (1 flow changed; 1 frame re-anchored)"
        assert summary in notices(app)
        assert (
            "transfer_money goes on at transfer_money_2_collect_amount "
            "(was transfer_money_1_collect_amount: steps above it changed)"
        ) in notices(app)
        await say(pilot, "50")  # the question that was open is answered, the flow goes on
        last = app.conversation.results[-1]
        assert [m.text for m in last.bot_messages] == ["Send 50.0 to Anna?"]


async def test_an_edit_that_drops_the_current_flow_resets_its_slots(bank: Path) -> None:
    """Issue 16.2: a flow dropped from the stack leaves none of its answers behind, so its next
    run asks them again; the notice names the slots reset."""
    app = make_app(
        bank,
        [*TRANSFER_SCRIPT[:2], "start flow transfer_money", "set slot recipient Bo"],
        watch=True,
    )
    seen: list[object] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append, notifications=True) as pilot:
        await say(pilot, "send money")
        await say(pilot, "Anna")
        without_amount = FLOWS.replace("      - collect: amount\n", "")
        message = await edit(bank, without_amount, seen, ProjectReloaded)
        assert isinstance(message, ProjectReloaded)
        assert message.report.reset_slots == ("recipient",)
        await pilot.pause()
        assert app.conversation.session.state.slots["recipient"] is None
        warning = (
            "reset recipient: the flows that collected it left the conversation and will ask again"
        )
        assert warning in notices(app)
        assert any(n.message == warning and n.severity == "warning" for n in app._notifications)
        await say(pilot, "send money again")
        last = app.conversation.results[-1]
        assert [m.text for m in last.bot_messages] == ["Who should get the money?"]


async def test_a_broken_edit_keeps_the_last_good_project(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT, watch=True)
    seen: list[object] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append, notifications=True) as pilot:
        await say(pilot, "send money")
        good = app.conversation.project
        broken = FLOWS.replace("- collect: amount", "- collect: amout")
        message = await edit(bank, broken, seen, ReloadFailed)
        assert isinstance(message, ReloadFailed)
        assert [d.code for d in message.errors] == ["CT302"]
        await pilot.pause()
        assert app.conversation.project is good
        screen = app.screen
        assert isinstance(screen, InspectorScreen)
        problems = screen.query_one(ProblemsPanel)
        assert [d.code for d in problems.diagnostics if d.is_error] == ["CT302"]
        assert "still running the last good version" in problems.headline
        assert "data/flows.yml:" in (problems.copy_text() or "")
        assert screen.deck.active_tab == "problems"
        failed = [n for n in app._notifications if n.title.startswith("Reload failed")]
        assert failed
        assert failed[0].severity == "error"
        assert "CT302" in failed[0].message
        await say(pilot, "Anna")  # the last good version still runs
        assert app.conversation.session.state.slots["recipient"] == "Anna"

        fixed = await edit(bank, FLOWS, seen, ProjectReloaded)
        assert isinstance(fixed, ProjectReloaded)
        await pilot.pause()
        assert not [d for d in problems.diagnostics if d.is_error]


async def test_reload_now_reloads_without_a_file_change(bank: Path) -> None:
    app = make_app(bank, TRANSFER_SCRIPT, watch=False)
    seen: list[object] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await wait_for(idle(app))
        (bank / "data" / "flows.yml").write_text(FLOWS + NEW_FLOW, encoding="utf-8")
        await pilot.press("f5")
        await wait_for(lambda: any(isinstance(m, ProjectReloaded) for m in seen))
        assert "say_hello" in app.conversation.project.flows


def test_only_project_files_trigger_a_reload(tmp_path: Path) -> None:
    accept = is_project_file(tmp_path)
    yes = [
        "data/flows.yml",
        "domain/cards.yaml",
        "config.yml",
        "endpoints.yml",
        ".env",
        "domain.yml",
    ]
    no = [
        ".calmtui/conversations.db",
        ".calmtui/recordings/x.yml",
        "tests/e2e_test_cases/saved/t.yml",
        "data/.flows.yml.swp",
        "data/flows.yml~",
        "actions/__init__.py",
        ".git/config",
        "notes.txt",
    ]
    assert [p for p in yes if not accept(None, str(tmp_path / p))] == []
    assert [p for p in no if accept(None, str(tmp_path / p))] == []
    assert not accept(None, "/elsewhere/data/flows.yml")


def test_actions_code_triggers_a_reload_only_when_run_in_process(tmp_path: Path) -> None:
    accept = is_project_file(tmp_path, code_dirs=("actions",))
    assert accept(None, str(tmp_path / "actions" / "__init__.py"))
    assert accept(None, str(tmp_path / "actions" / "bank" / "api.py"))
    assert accept(None, str(tmp_path / "data" / "flows.yml"))
    for other in ("actions/__pycache__/x.py", "actions/notes.yml", "actions.py", "tests/t.py"):
        assert not accept(None, str(tmp_path / other)), other
    with_module = write_project(
        tmp_path / "p", {"endpoints.yml": "action_endpoint:\n  actions_module: actions.bank\n"}
    )
    assert code_dirs_of(load(with_module)) == ("actions",)
    server = write_project(
        tmp_path / "s", {"endpoints.yml": "action_endpoint:\n  url: http://127.0.0.1:1/webhook\n"}
    )
    assert code_dirs_of(load(server)) == ()


ACTIONS_CODE = """\
from calmtui.actions.sdk import action


@action("action_do_transfer")
def do_transfer(tracker, dispatcher):
    dispatcher.utter_message(text="{said}")
    return {{"transfer_ok": True}}
"""
ENDPOINTS = "action_endpoint:\n  actions_module: actions\n"
PAY = [
    "start flow transfer_money\nset slot recipient Anna\nset slot amount 5\nset slot confirm true"
]


async def test_saving_actions_code_reimports_it_and_broken_code_keeps_the_last_good(
    tmp_path: Path,
) -> None:
    from calmtui.actions.factory import make_action_runner
    from calmtui.app.conversation import Assistant
    from calmtui.tui.config import ShellConfig
    from calmtui.understanding.scripted import ScriptedGenerator

    code = tmp_path / "bank" / "actions" / "__init__.py"
    root = write_project(
        tmp_path / "bank",
        {"endpoints.yml": ENDPOINTS, "actions/__init__.py": ACTIONS_CODE.format(said="version 1")},
    )
    generator = ScriptedGenerator(PAY * 3)
    config = ShellConfig(
        project=load(root),
        assistant=Assistant(
            make_generator=lambda project: generator,
            make_action_runner=lambda project: make_action_runner(project),
            clock=lambda: 0.0,
        ),
        inspector=True,
        watch=True,
        debounce_ms=20,
        now=lambda: "2026-01-02 03:04",
        screenshot_dir=str(root),
    )
    app = CalmApp(config)
    seen: list[object] = []

    def said() -> list[str | None]:
        return [m.text for m in app.conversation.results[-1].bot_messages]

    async with app.run_test(size=(120, 40), message_hook=seen.append, notifications=True) as pilot:
        await say(pilot, "pay")
        assert "version 1" in said()

        reloads = sum(isinstance(m, ProjectReloaded) for m in seen)
        code.write_text(ACTIONS_CODE.format(said="version 2"), encoding="utf-8")
        await wait_for(
            lambda: sum(isinstance(m, ProjectReloaded) for m in seen) > reloads, timeout=10
        )
        reloaded = [m for m in seen if isinstance(m, ProjectReloaded)][-1]
        assert reloaded.changed_files == ("actions/__init__.py",)
        await pilot.pause()
        note = "reloaded actions/__init__.py (custom actions re-imported; 0 flows changed)"
        assert note in notices(app)
        await say(pilot, "pay")
        assert "version 2" in said()

        code.write_text(ACTIONS_CODE.format(said="version 3") + "def broken(:\n", encoding="utf-8")
        await wait_for(lambda: any(isinstance(m, ReloadFailed) for m in seen), timeout=10)
        failed = next(m for m in seen if isinstance(m, ReloadFailed))
        assert [(d.code, str(d.span)) for d in failed.errors] == [
            ("CT244", "actions/__init__.py:8:1")
        ]
        assert "SyntaxError" in failed.errors[0].message
        await say(pilot, "pay")  # the last good actions still run
        assert "version 2" in said()
