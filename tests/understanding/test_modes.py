"""Choosing the understanding mode and building generators (the CLI's single factory)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from calmtui.core.model.config import CalmtuiSettings
from calmtui.core.model.project import Project
from calmtui.understanding.errors import UnderstandingConfigError, UnknownModeError
from calmtui.understanding.llm_generator import LLMCommandGenerator
from calmtui.understanding.modes import MODES, describe_generator, make_generator, resolve_mode
from calmtui.understanding.offline import OfflineGenerator
from tests.understanding.conftest import REPO, ProjectFactory


def with_calmtui(project: Project, settings: dict[str, str]) -> Project:
    own = CalmtuiSettings(understanding=settings.get("understanding"))
    return replace(project, config=replace(project.config, settings=own))


def test_the_default_is_offline(banking: Project) -> None:
    choice = resolve_mode(banking, None, environ={})
    assert (choice.mode, choice.source) == ("offline", "default")
    assert choice.describe() == "offline (from default)"


def test_flag_beats_config_beats_environment(banking: Project) -> None:
    configured = with_calmtui(banking, {"understanding": "replay"})
    env = {"CALMTUI_UNDERSTANDING": "llm"}
    assert resolve_mode(banking, None, env).mode == "llm"
    assert resolve_mode(banking, None, env).source == "env"
    assert resolve_mode(configured, None, env).mode == "replay"
    assert resolve_mode(configured, None, env).source == "config"
    assert resolve_mode(configured, "Offline", env).mode == "offline"
    assert resolve_mode(configured, "offline", env).source == "flag"
    assert resolve_mode(banking, "", {"CALMTUI_UNDERSTANDING": " "}).source == "default"


@pytest.mark.parametrize(
    ("flag", "config", "message"),
    [
        (
            "ofline",
            None,
            "unknown understanding mode 'ofline' (from --understanding); use one of offline, llm, record, replay; did you mean 'offline'?",
        ),
        (
            None,
            "gpt",
            "unknown understanding mode 'gpt' (from 'calmtui: understanding' in config.yml)",
        ),
    ],
)
def test_an_unknown_mode_is_a_clear_error(
    banking: Project, flag: str | None, config: str | None, message: str
) -> None:
    project = with_calmtui(banking, {"understanding": config}) if config else banking
    with pytest.raises(UnknownModeError) as error:
        resolve_mode(project, flag, {})
    assert str(error.value).startswith(message)


def test_make_generator_builds_each_mode(banking: Project, tmp_path: Path) -> None:
    offline = make_generator(banking, None, environ={})
    assert isinstance(offline, OfflineGenerator)
    assert describe_generator(offline) == "offline (no LLM) [default]"
    for mode in MODES[1:]:
        generator = make_generator(banking, mode, project_dir=tmp_path, environ={})
        assert isinstance(generator, LLMCommandGenerator)
        assert generator.mode == mode
        assert describe_generator(generator) == f"{mode} openai/gpt-4o-mini [--understanding]"


def test_a_routed_group_is_described_with_its_strategy_and_deployments(
    llm_project: ProjectFactory,
) -> None:
    endpoints = """\
        model_groups:
          - id: test_llm
            models:
              - {provider: openai, model: gpt-4o-mini, api_key: "${KEY}"}
              - {provider: anthropic, model: claude-3-haiku}
            router:
              routing_strategy: least-busy
        """
    project, root = llm_project(endpoints, environ={"KEY": "sk-secret-value-1234"})
    generator = make_generator(project, "llm", project_dir=root, environ={})
    text = describe_generator(generator)
    assert text == (
        "llm router/test_llm (least-busy): openai/gpt-4o-mini, anthropic/claude-3-haiku "
        "[--understanding]"
    )
    assert "secret" not in text


def test_llm_modes_need_an_llm_command_generator(banking: Project) -> None:
    project = replace(banking, config=replace(banking.config, pipeline=()))
    assert isinstance(make_generator(project, "offline"), OfflineGenerator)
    with pytest.raises(UnderstandingConfigError, match=r"config\.yml has no LLM command generator"):
        make_generator(project, "llm")


def test_an_unknown_model_group_is_named(llm_project: ProjectFactory) -> None:
    endpoints = "model_groups:\n  - id: test_lm\n    models:\n      - {provider: openai, model: gpt-4o-mini}\n"
    project, root = llm_project(endpoints)
    with pytest.raises(UnderstandingConfigError) as error:
        make_generator(project, "llm", project_dir=root)
    assert (
        "model group 'test_llm', which endpoints.yml does not define (did you mean 'test_lm'?)"
        in str(error.value)
    )


def test_inline_llm_settings_are_used(llm_project: ProjectFactory) -> None:
    project, root = llm_project(
        "{}\n", llm="{provider: openai, model: gpt-4o, temperature: 0.2, timeout: 3}"
    )
    generator = make_generator(project, "llm", project_dir=root)
    assert isinstance(generator, LLMCommandGenerator)
    [model] = generator.settings.models
    assert (model.litellm_model, model.timeout, dict(model.params)) == (
        "openai/gpt-4o",
        3.0,
        {"temperature": 0.2},
    )


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "prompt_template 'prompts/commands.jinja2' in config.yml does not exist"),
        (
            {"prompts/commands.jinja2": "{% if %}"},
            "prompts/commands.jinja2:1: the prompt template cannot be read",
        ),
    ],
)
def test_a_bad_prompt_template_is_reported_before_the_first_turn(
    llm_project: ProjectFactory, files: dict[str, str], message: str
) -> None:
    endpoints = "model_groups:\n  - id: test_llm\n    models:\n      - {provider: openai, model: gpt-4o-mini}\n"
    project, root = llm_project(
        endpoints, pipeline_options="prompt_template: prompts/commands.jinja2", files=files
    )
    with pytest.raises(UnderstandingConfigError) as error:
        make_generator(project, "llm", project_dir=root)
    assert str(error.value).startswith(message)


def test_building_generators_and_offline_turns_never_import_litellm() -> None:
    code = f"""
import asyncio, sys
sys.path.insert(0, {str(REPO)!r})
from calmtui.core.loading.project_loader import load_project
from calmtui.session import Session
from calmtui.understanding.modes import make_generator
project = load_project({str(REPO / "templates" / "banking")!r}, environ={{}}).project
for mode in ("llm", "record", "replay"):
    make_generator(project, mode, environ={{}})
async def main():
    session = Session(project, generator=make_generator(project, "offline"))
    await session.start()
    result = await session.turn("I want to send money")
    assert result.understanding.commands, result
asyncio.run(main())
print("litellm" in sys.modules, "textual" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
