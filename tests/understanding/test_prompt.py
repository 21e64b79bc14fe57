"""Prompt golden files: the default template (v2 and v3 syntax) and a project's own template.

Regenerate after an intended change with `CALMTUI_UPDATE_GOLDENS=1 pytest tests/understanding`,
then read the diff: the golden is what the model will see.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from calmtui.core.model.project import Project
from calmtui.session import Session
from calmtui.understanding.client import Completion, CompletionRequest
from calmtui.understanding.llm_generator import LLMCommandGenerator
from calmtui.understanding.prompt import PromptTemplate, load_template, to_json_escaped_string
from calmtui.understanding.scripted import ScriptedGenerator
from calmtui.understanding.settings import GeneratorSettings, load_settings

GOLDENS = Path(__file__).parent / "goldens"
DATA = Path(__file__).parent / "data"
UPDATE = os.environ.get("CALMTUI_UPDATE_GOLDENS") == "1"


class Capture:
    """A client that answers `cannot handle` and keeps the prompt it was sent."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    async def complete(self, request: CompletionRequest) -> Completion:
        self.prompts.append(request.prompt)
        return Completion(text="cannot handle", model=request.model_name)


def prompt_after(
    project: Project,
    history: list[tuple[str, str]],
    message: str,
    *,
    settings: GeneratorSettings | None = None,
    template: PromptTemplate | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The prompt for `message` after `history` (user text, the DSL understanding gave it)."""

    async def run() -> str:
        scripted = ScriptedGenerator([dsl for _, dsl in history])
        session = Session(project, generator=scripted)
        await session.start()
        for text, _ in history:
            await session.turn(text)
        capture = Capture()
        chosen = settings or load_settings(project, project.root)
        session.generator = LLMCommandGenerator(
            chosen,
            capture,
            template=template or PromptTemplate.default(),
            now=_fixed(now) if now is not None else None,
        )
        await session.turn(message)
        return capture.prompts[0]

    return asyncio.run(run())


def _fixed(moment: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: moment


def check_golden(name: str, text: str) -> None:
    path = GOLDENS / name
    if UPDATE or not path.exists():
        path.write_text(text)
    assert text == path.read_text(), f"{path} differs; CALMTUI_UPDATE_GOLDENS=1 regenerates it"


TRANSFER = [
    ("I want to send money", "start flow transfer_money"),
    ("Anna", "set slot recipient Anna"),
]


def test_default_prompt_with_no_active_flow(banking: Project) -> None:
    check_golden("banking_idle.txt", prompt_after(banking, [], "I want to send money"))


def test_default_prompt_while_a_slot_is_asked(banking: Project) -> None:
    check_golden("banking_collecting_amount.txt", prompt_after(banking, TRANSFER, "50 please"))


def test_default_prompt_of_the_basic_template(basic: Project) -> None:
    check_golden(
        "basic_idle.txt", prompt_after(basic, [("hi", "start flow greet")], "a latte please")
    )


def test_search_ready_prompt_uses_v3_actions(banking: Project) -> None:
    settings = replace(
        load_settings(banking, banking.root), component="SearchReadyLLMCommandGenerator"
    )
    prompt = prompt_after(banking, [], "what's the interest rate?", settings=settings)
    assert "`search and reply`" in prompt
    assert "offtopic reply" not in prompt
    check_golden("banking_search_ready.txt", prompt)


def test_a_projects_template_gets_every_variable(banking: Project) -> None:
    settings = replace(
        load_settings(banking, banking.root),
        prompt_template=DATA / "custom_prompt.jinja2",
        include_date_time=True,
    )
    template = load_template(settings, banking.root)
    prompt = prompt_after(
        banking,
        TRANSFER,
        'say "hi" to\nme',
        settings=settings,
        template=template,
        now=dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC),
    )
    assert "DATE: Sunday, 22 November 2026, 09:30 UTC" in prompt
    check_golden("custom_template.txt", prompt)


def test_the_transcript_keeps_the_last_twenty_turns(banking: Project) -> None:
    history = [(f"message {i}", "cannot handle") for i in range(25)]
    prompt = prompt_after(banking, history, "last one")
    assert "USER: message 5\n" not in prompt
    assert "USER: message 6\n" in prompt
    assert prompt.count("USER: ") == 20
    assert "USER: last one" in prompt


def test_a_template_that_fails_while_rendering_is_an_error_for_that_turn(banking: Project) -> None:
    template = PromptTemplate(
        "{{ available_flows.__class__.__mro__ }} {{ 1 / 0 }}", name="broken.jinja2"
    )
    capture = Capture()
    generator = LLMCommandGenerator(
        load_settings(banking, banking.root), capture, template=template
    )

    async def run() -> None:
        session = Session(banking, generator=generator)
        result = await session.turn("hello")
        trace = result.understanding
        assert trace is not None
        assert trace.error_kind == "prompt"
        assert [d.code for d in trace.diagnostics] == ["CT435"]
        assert trace.error is not None
        assert trace.error.startswith("broken.jinja2: ")
        assert capture.prompts == []

    asyncio.run(run())


def test_the_sandbox_keeps_templates_away_from_python_internals() -> None:
    template = PromptTemplate("{{ ''.__class__.__mro__[1].__subclasses__() }}", name="evil.jinja2")
    with pytest.raises(Exception, match=r"evil\.jinja2: SecurityError"):
        template.render({})


def test_to_json_escaped_string_matches_rasas_filter() -> None:
    assert to_json_escaped_string('say "hi"\n') == '"say \\"hi\\"\\n"'


def test_offered_flows_respect_guards(banking: Project) -> None:
    guarded = replace(banking.flows["check_balance"], guard="slots.card_lost")
    project = replace(banking, flows={**banking.flows, "check_balance": guarded})
    prompt = prompt_after(project, [], "balance")
    assert '"name": "check_balance"' not in prompt
    assert '"name": "transfer_money"' in prompt
    assert '"name": "verify_identity"' not in prompt  # link-only
    assert "pattern_" not in prompt.split("## Actions")[0]
