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

from calmtui.core.loading.project_loader import load_project
from calmtui.core.model.project import Project
from calmtui.session import Session, TurnResult
from calmtui.understanding.base import CommandGenerator
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
