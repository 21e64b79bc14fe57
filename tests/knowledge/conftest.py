"""Fixtures for knowledge search, chitchat and rephrasing: a copy of the `support` template with
its settings rewritten, a temporary docs folder, and the fake OpenAI-compatible server (chat and
embeddings on 127.0.0.1). No test needs a network, a key or /work/shared."""

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
from calmtui.generation.factory import make_responder
from calmtui.generation.responder import Responder
from calmtui.session import Session, TurnResult
from calmtui.understanding.scripted import ScriptedGenerator
from tests.understanding.fake_openai import FakeOpenAI

REPO = Path(__file__).resolve().parents[2]
SUPPORT = REPO / "templates" / "support"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


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


def load(root: Path) -> Project:
    result = load_project(root, environ={})
    assert result.project is not None, [d.headline() for d in result.diagnostics]
    errors = [d.headline() for d in result.diagnostics if d.is_error]
    assert not errors, errors
    return result.project


SupportFactory = Callable[..., tuple[Project, Path]]


def policies(search: str = "", *, intentless: bool = True) -> str:
    """config.yml's policies: the EnterpriseSearchPolicy with `search` options added."""
    extra = "".join(f"    {line}\n" for line in dedent(search).splitlines())
    chitchat = (
        "  - name: IntentlessPolicy\n    llm: {model_group: test_llm}\n" if intentless else ""
    )
    return (
        "policies:\n  - name: FlowPolicy\n  - name: EnterpriseSearchPolicy\n"
        "    vector_store: {type: faiss, source: docs}\n    llm: {model_group: test_llm}\n"
        f"{extra}{chitchat}"
    )


@pytest.fixture
def support(tmp_path: Path) -> SupportFactory:
    """A copy of the support template; `search` options, an endpoints.yml pointing at `url`,
    replaced documents and extra files."""

    def make(
        *,
        url: str = "http://127.0.0.1:9/v1",
        search: str = "",
        intentless: bool = True,
        nlg: str = "",
        docs: dict[str, str | bytes] | None = None,
        files: dict[str, str] | None = None,
    ) -> tuple[Project, Path]:
        root = tmp_path / "support"
        if root.exists():
            shutil.rmtree(root)
        shutil.copytree(SUPPORT, root, ignore=shutil.ignore_patterns(".calmtui"))
        config = (root / "config.yml").read_text()
        config = config[: config.index("policies:")] + policies(search, intentless=intentless)
        config = config.replace("model_group: openai_llm", "model_group: test_llm")
        (root / "config.yml").write_text(config)
        endpoints = (
            "model_groups:\n  - id: test_llm\n    models:\n      - provider: openai\n"
            f"        model: fake-chat\n        api_base: {url}\n"
            "  - id: test_embeddings\n    models:\n      - provider: openai\n"
            f"        model: fake-embed\n        api_base: {url}\n"
        )
        if nlg:
            endpoints += "nlg:\n" + "".join(f"  {line}\n" for line in dedent(nlg).splitlines())
        (root / "endpoints.yml").write_text(endpoints)
        if docs is not None:
            shutil.rmtree(root / "docs")
            (root / "docs").mkdir()
            for name, content in docs.items():
                path = root / "docs" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, bytes):
                    path.write_bytes(content)
                else:
                    path.write_text(dedent(content))
        for name, text in (files or {}).items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(dedent(text))
        return load(root), root

    return make


def responder(project: Project, root: Path, mode: str = "offline", **kwargs: object) -> Responder:
    return make_responder(project, mode, root=root, **kwargs)  # type: ignore[arg-type]


async def converse(
    project: Project,
    messages: Sequence[str],
    *,
    responder: Responder | None = None,
    commands: dict[str, str] | None = None,
) -> list[TurnResult]:
    """A conversation whose understanding is scripted (`commands` maps a message to DSL lines;
    a message not listed is a knowledge question)."""
    script = [(commands or {}).get(m, "search and reply") for m in messages]
    session = Session(project, generator=ScriptedGenerator(script), responder=responder)
    await session.start()
    return [await session.turn(m) for m in messages]
