"""Every entry point that renders Jinja uses the one sandbox (`calmtui.core.sandbox`), so each
refuses a template that would build a huge string, instead of rendering it inside a turn."""

from __future__ import annotations

import pytest

from calmtui.core.conditions import condition_holds, render_template
from calmtui.core.conditions.check import check_condition
from calmtui.core.conditions.errors import ConditionSyntaxError
from calmtui.core.engine.executor import render_names
from calmtui.core.nlg import render_jinja
from calmtui.core.sandbox import LIMITS, SandboxLimits, sandbox
from calmtui.understanding.errors import PromptRenderError
from calmtui.understanding.prompt import PromptTemplate

HUGE = "{{ 'x' * 10**7 }}"  # ten million characters
HUGE_POWER = "{{ 2 ** 100000 }}"


@pytest.mark.parametrize("template", [HUGE, HUGE_POWER])
def test_responses_refuse_an_oversized_render(template: str) -> None:
    text, error = render_jinja(template, {})
    assert text == template  # shown as written, with the reason in the problems
    assert error is not None
    assert "too long" in error or "too large" in error


@pytest.mark.parametrize("template", [HUGE, HUGE_POWER])
def test_conditions_refuse_an_oversized_render(template: str) -> None:
    with pytest.raises(ConditionSyntaxError, match=r"too (long|large)"):
        render_template(f"{template} == 'x'", {"slots": {}, "context": {}})
    assert condition_holds(f"{template} == 'x'", slots={}, context={}) is False


def test_templated_action_names_refuse_an_oversized_render() -> None:
    with pytest.raises(ConditionSyntaxError, match="too long"):
        render_names("action_{{ 'x' * 10**7 }}", {}, {})


def test_validate_reports_an_oversized_condition() -> None:
    [problem] = check_condition(f"{HUGE} == 'x'", slots=None, span=None)
    assert problem.code == "CT322"
    assert "too long" in problem.message


@pytest.mark.parametrize("template", [HUGE, HUGE_POWER])
def test_prompt_templates_refuse_an_oversized_render(template: str) -> None:
    prompt = PromptTemplate(template, name="prompts/commands.jinja2")
    with pytest.raises(PromptRenderError, match=r"too (long|large)"):
        prompt.render({})


def test_renders_within_the_limits_are_unchanged() -> None:
    assert render_jinja("{{ 'ab' * 3 }} {{ 2 ** 10 }}", {}) == ("ababab 1024", None)
    assert PromptTemplate("{{ 'ab' * 3 }}", name="t").render({}) == "ababab\n"


def test_the_limits_are_the_factorys_parameters() -> None:
    tight = sandbox(limits=SandboxLimits(max_repeat=3))
    with pytest.raises(Exception, match="too long"):
        tight.from_string("{{ 'ab' * 2 }}").render()
    assert sandbox().from_string("{{ 'ab' * 2 }}").render() == "abab"
    assert LIMITS.max_repeat == 100_000


def test_sandboxes_refuse_private_attributes_and_mutation() -> None:
    assert sandbox().from_string("{{ ''.__class__ }}").render() == ""  # private: undefined
    with pytest.raises(Exception, match=r"unsafe|not safely"):
        sandbox().from_string("{{ items.append(1) }}").render(items=[])
    assert (
        sandbox(mutable=True).from_string("{{ items.append(1) or items }}").render(items=[])
        == "[1]"
    )
