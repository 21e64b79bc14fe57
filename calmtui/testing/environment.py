"""Wiring a test run to the layers below: understanding, custom actions, the LLM judge.

One command generator is shared by all cases (generators keep no conversation state: each
call gets the conversation as context), one project action runner is shared, and each case
gets a cheap stub runner around it with the stubs that apply to that case.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from calmtui.actions.factory import close_action_runner, make_action_runner
from calmtui.actions.protocol import ActionRunner
from calmtui.actions.stubs import ActionStubs
from calmtui.core.engine import Engine
from calmtui.core.model.config import ModelConfig
from calmtui.core.model.project import Project
from calmtui.testing.case_runner import RunEnvironment
from calmtui.testing.judge import Judge, LLMJudge
from calmtui.testing.spec import JudgeConfig, TestCase
from calmtui.understanding.base import CommandGenerator

if TYPE_CHECKING:
    from calmtui.generation.responder import Responder


@dataclass(slots=True, kw_only=True)
class Wiring:
    """The environment for a run, and what to close when it is over."""

    env: RunEnvironment
    closers: list[Callable[[], Awaitable[None]]] = field(
        default_factory=list[Callable[[], Awaitable[None]]]
    )
    mode: str = ""

    async def aclose(self) -> None:
        for close in self.closers:
            await close()


def build_wiring(
    project: Project,
    *,
    generator: CommandGenerator,
    action_runner: ActionRunner | None = None,
    judge_factory: Callable[[JudgeConfig], Judge | None] | None = None,
    seed: int = 0,
    responder: Responder | None = None,
) -> Wiring:
    """`responder` (knowledge answers, chitchat, rephrasing) defaults to one in the
    generator's mode, shared by all cases (the documents are indexed once). Raises
    UnderstandingConfigError when its LLM settings cannot be used."""
    shared = action_runner if action_runner is not None else make_action_runner(project)
    if responder is None:
        responder = make_responder(project, generator.mode, Path(project.root))

    def runner_for(case: TestCase) -> ActionRunner:
        if not case.stubs:
            return shared
        stubs = ActionStubs(stubs=tuple(case.stubs.values()))
        return make_action_runner(project, stubs=stubs, test_case=case.name, fallback=shared)

    judges: dict[int, Judge | None] = {}  # one judge per conftest llm_judge block

    def judge_for(case: TestCase) -> Judge | None:
        if case.judge is None or judge_factory is None:
            return None
        key = id(case.judge)
        if key not in judges:
            judges[key] = judge_factory(case.judge)
        return judges[key]

    env = RunEnvironment(
        project=project,
        generator_for=lambda case: generator,
        action_runner_for=runner_for,
        judge_for=judge_for,
        seed=seed,
        engine=Engine(project, seed=seed),
        responder=responder,
    )

    async def close_shared() -> None:
        await close_action_runner(shared)

    return Wiring(env=env, closers=[close_shared], mode=describe(generator))


def make_responder(project: Project, mode: str, project_dir: str | Path) -> Responder:
    """The responder for generated text in the understanding mode `mode` (anything that is not
    llm, record or replay is offline, e.g. scripted test generators)."""
    from calmtui.generation.factory import make_responder as generation_responder

    return generation_responder(project, mode, root=Path(project_dir))


def describe(generator: CommandGenerator) -> str:
    from calmtui.app.understanding import describe as describe_understanding

    return describe_understanding(generator)


DEFAULT_JUDGE_PROVIDER = "openai"
DEFAULT_JUDGE_MODEL = "gpt-4.1-mini"


def judge_model(config: JudgeConfig, project: Project) -> ModelConfig:
    """The model an `llm_judge` block names: a model group of endpoints.yml, or inline."""
    if config.model_group is not None:
        group = project.endpoints.model_groups.get(config.model_group)
        if group is not None and group.models:
            return group.models[0]
        raise LookupError(
            f"llm_judge names model group {config.model_group!r}, which endpoints.yml does not define"
        )
    return ModelConfig(
        provider=config.provider or DEFAULT_JUDGE_PROVIDER,
        model=config.model or DEFAULT_JUDGE_MODEL,
        api_base=config.api_base,
        params=dict(config.extra),
    )


def make_judge(config: JudgeConfig, project: Project) -> Judge:
    """An LLM judge talking through the understanding layer's litellm client."""
    from calmtui.understanding.client import CompletionRequest
    from calmtui.understanding.llm import LiteLLMClient

    model = judge_model(config, project)
    client = LiteLLMClient()

    async def complete(messages: list[dict[str, str]]) -> str:
        completion = await client.complete(
            CompletionRequest(model=model, messages=tuple(messages), params=dict(model.params))
        )
        return completion.text

    return LLMJudge(complete)
