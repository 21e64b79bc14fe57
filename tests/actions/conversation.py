"""Driving whole conversations through `Session` with scripted understanding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from calmtui.actions.protocol import ActionRunner
from calmtui.core.events import ActionFailed, BotUttered, SlotSet, event_to_json
from calmtui.core.model.project import Project
from calmtui.session import Session, TurnResult
from calmtui.understanding.scripted import ScriptedGenerator


async def converse(
    project: Project,
    runner: ActionRunner,
    turns: Sequence[tuple[str, str]],
    *,
    sender_id: str = "anna",
) -> list[TurnResult]:
    """Each turn is (user text, the DSL commands understanding answers with)."""
    session = Session(
        project,
        generator=ScriptedGenerator([dsl for _, dsl in turns]),
        action_runner=runner,
        sender_id=sender_id,
    )
    return [await session.turn(text) for text, _ in turns]


def texts(result: TurnResult) -> list[str | None]:
    return [m.text for m in result.bot_messages]


def utterances(result: TurnResult) -> list[str | None]:
    return [m.utter_action for m in result.bot_messages]


# The slots of the test project (tests/actions/conftest.py); built-in ones are left out.
USER_SLOTS = ("balance", "approved", "note", "amount")


def slots_set(result: TurnResult, names: Sequence[str] = USER_SLOTS) -> dict[str, Any]:
    return {e.name: e.value for e in result.events if isinstance(e, SlotSet) and e.name in names}


def failures(result: TurnResult) -> list[ActionFailed]:
    return [e for e in result.events if isinstance(e, ActionFailed)]


def bot_data(result: TurnResult) -> list[dict[str, Any]]:
    return [dict(m.data) for m in result.bot_messages if isinstance(m, BotUttered)]


def event_trace(results: Sequence[TurnResult]) -> list[dict[str, Any]]:
    """Every event of the conversation as JSON (events carry no timings)."""
    return [event_to_json(e) for r in results for e in r.events]
