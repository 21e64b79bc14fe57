"""Lexical flow matching (offline) and BM25 flow retrieval (prompts) on a project of many flows."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from calmtui.core.commands import SetSlot, StartFlow
from calmtui.core.model.project import Project
from calmtui.session import Session
from calmtui.understanding.base import UnderstandingContext
from calmtui.understanding.flow_catalog import catalog_for
from calmtui.understanding.flow_matching import rank_flows
from calmtui.understanding.offline import understand
from calmtui.understanding.retrieval import select_flows
from calmtui.understanding.scripted import ScriptedGenerator
from calmtui.understanding.settings import RetrievalSettings, load_settings
from calmtui.understanding.situation import situation_of
from tests.understanding.conftest import load
from tests.understanding.many_flows import write_many_flows

COUNT = 60


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return load(write_many_flows(tmp_path_factory.mktemp("many"), COUNT))


def context_after(project: Project, script: list[str]) -> UnderstandingContext:
    async def run() -> Session:
        session = Session(project, generator=ScriptedGenerator(script))
        for i in range(len(script)):
            await session.turn(f"message {i}")
        return session

    session = asyncio.run(run())
    return UnderstandingContext(
        project=project, index=session.engine.index, state=session.state, turn=0
    )


def test_the_catalog_is_built_once_per_project_object(many: Project, banking: Project) -> None:
    assert catalog_for(many) is catalog_for(many)
    assert catalog_for(many) is not catalog_for(banking)
    assert len(catalog_for(many).entries) == COUNT


def test_the_number_in_a_trigger_phrase_picks_the_flow_and_is_not_a_value(many: Project) -> None:
    [best, *_] = rank_flows("please run errand 17", catalog_for(many))
    assert (best.flow_id, best.score) == ("errand_17", pytest.approx(best.score))
    assert best.score > 0.85  # a near-verbatim request (0.90 by the sentence encoder)
    decision = understand("please run errand 17", context_after(many, []))
    assert decision.commands == [StartFlow(flow="errand_17")]


def test_values_in_the_starting_message_are_extracted(many: Project) -> None:
    decision = understand(
        "please run errand 17 in blue, 250 of them, for Anna", context_after(many, [])
    )
    assert decision.commands == [
        StartFlow(flow="errand_17"),
        SetSlot(name="f17_amount", value="250"),
        SetSlot(name="f17_color", value="blue"),
        SetSlot(name="f17_name", value="Anna"),
    ]


def test_typos_are_tolerated(many: Project) -> None:
    assert rank_flows("plese run erand 23", catalog_for(many))[0].flow_id == "errand_23"


def test_guarded_flows_are_not_offered(many: Project) -> None:
    guarded = f"errand_{COUNT - 2}"
    context = context_after(many, [])
    situation = situation_of(context)
    assert not situation.can_start(guarded)
    assert all(
        c.flow_id != guarded
        for c in rank_flows(
            f"please run errand {COUNT - 2}", catalog_for(many), allowed=situation.can_start
        )
    )


def test_retrieval_offers_the_best_flows_plus_the_ones_that_must_be_there(many: Project) -> None:
    context = context_after(many, ["start flow errand_50"])
    settings = RetrievalSettings(active=True, num_flows=5)
    retrieved = select_flows(
        "please run errand 42", situation_of(context), context.state, catalog_for(many), settings
    )
    offered = set(retrieved.flow_ids)
    assert retrieved.scores[0][0] == "errand_42"
    assert len(retrieved.scores) == 5
    assert f"errand_{COUNT - 1}" in offered  # always_include_in_prompt
    assert "errand_50" in offered  # on the stack (started in this conversation)
    assert f"errand_{COUNT - 2}" not in offered  # its guard is false
    assert len(offered) <= 7
    assert (
        retrieved.note == f"flow retrieval: {len(offered)} of {COUNT - 1} startable flows offered"
    )


def test_retrieval_off_or_few_flows_offers_every_startable_flow(many: Project) -> None:
    context = context_after(many, [])
    situation = situation_of(context)
    for settings in (
        RetrievalSettings(active=False),
        RetrievalSettings(active=True, num_flows=-1),
        RetrievalSettings(active=True, num_flows=100),
    ):
        retrieved = select_flows("hello", situation, context.state, catalog_for(many), settings)
        assert len(retrieved.flow_ids) == COUNT - 1
        assert retrieved.scores == ()


def test_settings_read_the_retrieval_options(many: Project, tmp_path: Path) -> None:
    settings = load_settings(many, tmp_path)
    assert settings.retrieval == RetrievalSettings(active=True, num_flows=5)
