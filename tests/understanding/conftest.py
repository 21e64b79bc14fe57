"""Fixtures for the understanding tests: template projects, a fake OpenAI server, conversations.

No test here needs a network or an API key: LLM tests talk to `FakeOpenAI` on 127.0.0.1 through
the real litellm client, and litellm reads its bundled price map.
"""

from __future__ import annotations

import os

os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"  # before anything can import litellm

import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from textwrap import dedent

import pytest

from calmtui.core.commands import Command
from calmtui.core.loading.project_loader import load_project
from calmtui.core.model.domain import Button, Response, ResponseVariation
from calmtui.core.model.flows import CollectStep, StaticNext
from calmtui.core.model.project import Project
from calmtui.core.model.slots import Slot
from calmtui.session import Session, TurnResult
from calmtui.understanding.base import CommandGenerator
from calmtui.understanding.offline import OfflineGenerator
from calmtui.understanding.semantic_model import shared_model
from tests.understanding.fake_openai import FakeOpenAI

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def load(root: Path, environ: dict[str, str] | None = None) -> Project:
    result = load_project(root, environ=environ if environ is not None else {})
    assert result.project is not None, [d.headline() for d in result.diagnostics]
    errors = [d.headline() for d in result.diagnostics if d.is_error]
    assert not errors, errors
    return result.project


@pytest.fixture(scope="session")
def banking() -> Project:
    return load(TEMPLATES / "banking")


@pytest.fixture(scope="session")
def basic() -> Project:
    return load(TEMPLATES / "basic")


@pytest.fixture(scope="session")
def _fake_server() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fake_llm(_fake_server: FakeOpenAI) -> FakeOpenAI:
    _fake_server.reset()
    return _fake_server


ProjectFactory = Callable[..., tuple[Project, Path]]


@pytest.fixture
def llm_project(tmp_path: Path) -> ProjectFactory:
    """A copy of the banking template with the given endpoints.yml / config.yml pipeline."""

    def make(
        endpoints: str,
        *,
        pipeline_options: str = "",
        llm: str = "{model_group: test_llm}",
        environ: dict[str, str] | None = None,
        files: dict[str, str] | None = None,
    ) -> tuple[Project, Path]:
        root = tmp_path / "bank"
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(TEMPLATES / "banking", root, ignore=shutil.ignore_patterns(".calmtui"))
        (root / "endpoints.yml").write_text(dedent(endpoints))
        config = dedent(
            """\
            recipe: default.v1
            language: en
            assistant_id: test_bank
            pipeline:
              - name: CompactLLMCommandGenerator
            """
        )
        config += f"    llm: {llm}\n"
        if pipeline_options:
            config += "".join(f"    {line}\n" for line in dedent(pipeline_options).splitlines())
        config += "policies:\n  - name: FlowPolicy\n"
        (root / "config.yml").write_text(config)
        for name, text in (files or {}).items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(dedent(text))
        return load(root, environ or {}), root

    return make


def fake_endpoints(url: str, *models: str, extra: str = "", router: str | None = None) -> str:
    """endpoints.yml with one model group `test_llm` of OpenAI-compatible models at `url`
    (several models need a `router`: its routing_strategy)."""
    entries = "".join(
        f"      - provider: openai\n        model: {m}\n        api_base: {url}\n{extra}"
        for m in models
    )
    routing = f"    router:\n      routing_strategy: {router}\n" if router else ""
    return f"model_groups:\n  - id: test_llm\n    models:\n{entries}{routing}"


async def converse(
    project: Project, generator: CommandGenerator, messages: Sequence[str]
) -> list[TurnResult]:
    session = Session(project, generator=generator)
    await session.start()
    return [await session.turn(m) for m in messages]


needs_model = pytest.mark.skipif(shared_model() is None, reason="the embedded model is missing")


def write_project(root: Path, domain: str, flows: str) -> Project:
    """A project of one domain file and one flows file, loaded as the CLI would."""
    (root / "domain.yml").write_text(domain)
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "flows.yml").write_text(flows)
    return load(root)


async def first_commands(project: Project, message: str) -> set[Command]:
    """What the offline understanding answers to a conversation's first message."""
    [result] = await converse(project, OfflineGenerator(), [message])
    assert result.understanding is not None
    return set(result.understanding.commands)


async def last_commands(project: Project, messages: list[str]) -> set[Command]:
    """What the offline understanding answers to the last message of a conversation."""
    results = await converse(project, OfflineGenerator(), messages)
    understanding = results[-1].understanding
    assert understanding is not None
    return set(understanding.commands)


def make_slot(name: str, kind: str = "text", values: tuple[str, ...] = ()) -> Slot:
    return Slot(name=name, type=kind, values=values)  # type: ignore[arg-type]


def collect_flow(
    *collects: tuple[Slot, str, str] | tuple[Slot, str, str, tuple[str, ...]],
) -> tuple[list[CollectStep], dict[str, Slot], dict[str, Response]]:
    """Collect steps (slot, description, question[, button titles]) as a project would write
    them, without loading a project: for the value readers' unit tests."""
    steps: list[CollectStep] = []
    slots: dict[str, Slot] = {}
    responses: dict[str, Response] = {}
    for index, collect in enumerate(collects):
        slot, description, question = collect[0], collect[1], collect[2]
        titles = collect[3] if len(collect) > 3 else ()
        utter = f"utter_ask_{slot.name}"
        steps.append(
            CollectStep(
                id=f"{index}_collect_{slot.name}",
                index=index,
                next=StaticNext(target="END"),
                collect=slot.name,
                utter=utter,
                description=description,
            )
        )
        slots[slot.name] = slot
        buttons = tuple(
            Button(title=title, payload=f"/SetSlots({slot.name}={value})")
            for title, value in zip(titles, slot.values, strict=False)
        )
        variation = ResponseVariation(text=question, buttons=buttons)
        responses[utter] = Response(name=utter, variations=(variation,))
    return steps, slots, responses
