"""The offline generator over the templates: a table of utterances and the commands expected.

The table (`offline_cases.yml`) sets up each conversation with given commands, so only the
utterance under test goes through the offline generator. Values are compared after the slot's
own coercion ("true" and True are the same answer for a bool slot).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from calmtui.core.commands import Clarify, Command, SetSlot
from calmtui.core.dialogue.state import DialogueState
from calmtui.core.dsl import commands_to_dsl, parse_dsl
from calmtui.core.model.project import Project
from calmtui.session import Session
from calmtui.understanding.base import UnderstandingContext
from calmtui.understanding.offline import OfflineGenerator, understand
from tests.understanding.conftest import TEMPLATES, load

TABLE = Path(__file__).with_name("offline_cases.yml")
GROUPS: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text())
CASES = [
    pytest.param(group, text, expected, id=f"{group['group']}: {text}")
    for group in GROUPS
    for text, expected in group["cases"].items()
]
_projects: dict[str, Project] = {}
_states: dict[str, tuple[Project, Session]] = {}


def test_the_table_has_at_least_a_hundred_utterances() -> None:
    assert len(CASES) >= 100


def _session(group: dict[str, Any]) -> tuple[Project, Session]:
    name = group["group"]
    if name not in _states:
        project_name = group["project"]
        project = _projects.setdefault(project_name, load(TEMPLATES / project_name))

        async def setup() -> Session:
            session = Session(project, generator=OfflineGenerator())
            await session.start()
            for text, dsl in group["history"]:
                await session.turn(text, commands=parse_dsl(dsl)[0])
            return session

        _states[name] = (project, asyncio.run(setup()))
    return _states[name]


def _normalised(project: Project, commands: list[Command] | tuple[Command, ...]) -> list[Any]:
    result: list[Any] = []
    for command in commands:
        if isinstance(command, SetSlot):
            slot = project.domain.slots.get(command.name)
            value = slot.coerce(command.value)[0] if slot else command.value
            result.append(("set_slot", command.name, value))
        elif isinstance(command, Clarify):  # which flows are offered, not in which order
            result.append(("clarify", tuple(sorted(command.options))))
        else:
            result.append(command)
    return result


@pytest.mark.parametrize(("group", "text", "expected"), CASES)
def test_offline_understanding(group: dict[str, Any], text: str, expected: str) -> None:
    project, session = _session(group)
    state: DialogueState = session.state
    context = UnderstandingContext(
        project=project, index=session.engine.index, state=state, turn=state.turn
    )
    decision = understand(text, context)
    wanted, unparsed = parse_dsl(expected.replace(" | ", "\n"))
    assert not unparsed, f"bad expectation {expected!r}"
    got = commands_to_dsl(decision.commands).replace("\n", " | ")
    assert _normalised(project, decision.commands) == _normalised(project, wanted), (
        f"{text!r} -> {got}  (notes: {'; '.join(decision.notes)})"
    )
    assert decision.notes, "every decision says why"
