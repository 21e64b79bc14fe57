"""Item 6 of the hostile-input issue: one bounded sandbox for every template.

Loop iterations, the text built along the way, the text returned and the render's time are all
bounded (`SandboxLimits`), and the width attacks (`ljust`, `format`, `%`, `center`, ...) are
refused from their arguments before anything is allocated. Memory is measured with tracemalloc:
each attack must be refused within a few megabytes, where it used to take gigabytes.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from calmtui.core.conditions import check_condition, condition_holds
from calmtui.core.conditions.errors import ConditionSyntaxError
from calmtui.core.engine.executor import render_names
from calmtui.core.nlg import render_jinja
from calmtui.core.sandbox import LIMITS, SandboxLimits, sandbox
from calmtui.understanding.errors import PromptRenderError
from calmtui.understanding.prompt import PromptTemplate
from tests.hostile.bounded import run_calmtui
from tests.hostile.conftest import DOMAIN, FLOWS, WriteProject

ATTACKS = {
    "nested loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "ljust": "{{ 'x'.ljust(2000000000) }}",
    "rjust": "{{ 'x'.rjust(2000000000) }}",
    "zfill": "{{ '1'.zfill(2000000000) }}",
    "format width": "{{ '{:>2000000000}'.format(1) }}",
    "nested format width": "{{ '{:{}}'.format(1, 2000000000) }}",
    "format_map width": "{{ '{a:>2000000000}'.format_map({'a': 1}) }}",
    "percent width": "{{ '%2000000000s' % 'x' }}",
    "percent star": "{{ '%*s' % (2000000000, 'x') }}",
    "format filter": "{{ '%2000000000s'|format('x') }}",
    "center filter": "{{ 'x'|center(2000000000) }}",
    "indent filter": "{{ 'x\\ny'|indent(2000000000) }}",
    "output in a loop": "{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}",
    "text built in a block": "{% set x %}{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}{% endset %}{{ x|length }}",
    "doubling with ~": "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "doubling with +": "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}",
    "join of copies": "{{ (['x' * 100000] * 100000)|join }}",
    "printing a list of copies": "{{ ['x' * 100000] * 100000 }}",
    "replace filter": "{{ ('x' * 100000)|replace('x', 'x' * 100000) }}",
    "replace method": "{{ ('x' * 100000).replace('x', 'x' * 100000) }}",
    "join method": "{{ ('x' * 100000).join(['a'] * 100000) }}",
    "expandtabs": "{{ ('\\t' * 100000).expandtabs(100000) }}",
    "lipsum": "{{ lipsum(100000, min=1000, max=100000) }}",
    "batch": "{{ range(10)|batch(1000000000, 'x')|list|length }}",
    "slice": "{{ range(10)|slice(1000000000)|list|length }}",
    "tojson indent": "{{ [1, 2, 3]|tojson(indent=1000000000) }}",
    "exponential macro": "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
    "repeat": "{{ 'x' * 3000000000 }}",
}


def _peak_mb_of(render: object) -> tuple[float, float]:
    tracemalloc.start()
    began = time.process_time()
    try:
        render()  # type: ignore[operator]
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / 1e6, time.process_time() - began


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_the_sandbox_refuses_each_attack_within_a_few_megabytes(name: str) -> None:
    template = sandbox().from_string(ATTACKS[name])
    failure: list[Exception] = []

    def render() -> None:
        try:
            template.render()
        except Exception as exc:  # SecurityError (RecursionError for nothing here)
            failure.append(exc)

    peak_mb, cpu_s = _peak_mb_of(render)
    assert failure, f"{name} rendered"
    assert type(failure[0]).__name__ == "SecurityError", failure[0]
    assert str(failure[0])  # a message the user can read
    assert peak_mb < 100, peak_mb
    assert cpu_s < LIMITS.max_seconds * 5


def test_the_time_limit_stops_a_render_that_builds_nothing() -> None:
    quick = SandboxLimits(max_seconds=0.2)
    slow = "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
    with pytest.raises(Exception, match=r"longer than 0\.2 s"):
        sandbox(limits=quick).from_string(slow).render()


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ '{:,}'.format(50000000) }}", "50,000,000"),
        ("{{ '%d items' % 50000000 }}", "50000000 items"),
        ("{{ 'ab'|center(6) }}|{{ 'x'.ljust(3) }}|", "  ab  |x  |"),
        (
            "{% for i in range(3) %}{% for j in range(2) %}{{ i }}{{ j }} {% endfor %}{% endfor %}",
            "00 01 10 11 20 21 ",
        ),
        (
            "{{ ['a', 'b']|join(', ') }} {{ 'a-b'.replace('-', '+') }} {{ 'x' ~ 'y' }}",
            "a, b a+b xy",
        ),
    ],
)
def test_ordinary_templates_render_as_before(template: str, expected: str) -> None:
    assert sandbox().from_string(template).render() == expected


def test_the_limits_apply_at_every_entry_point() -> None:
    loops = ATTACKS["nested loops"]
    width = ATTACKS["ljust"]
    for attack in (loops, width):
        text, error = render_jinja(attack, {})  # responses
        assert text == attack
        assert error
        assert condition_holds(f"{attack} == 'x'", slots={}, context={}) is False  # conditions
        [problem] = check_condition(f"{attack} == 'x'", slots=None, span=None)  # validate
        assert problem.code == "CT322"
        assert "iterations" in problem.message or "width" in problem.message
        with pytest.raises(ConditionSyntaxError):
            render_names(f"action_{attack}", {}, {})  # templated action names
        with pytest.raises(PromptRenderError):
            PromptTemplate(attack, name="prompt.jinja2").render({})  # prompts


@pytest.mark.slow
def test_validate_reports_huge_condition_templates_clearly_and_quickly(
    project: WriteProject,
) -> None:
    flows = FLOWS.replace(
        "      - action: utter_done\n  check:",
        "      - action: utter_done\n        next:\n"
        "          - if: \"{{ 'x' * 3000000000 }} == 'x'\"\n            then: END\n"
        "          - if: \"{{ 'x'.ljust(3000000000) }} == 'x'\"\n            then: END\n"
        "          - else: END\n  check:",
    )
    domain = DOMAIN.replace('"Sent {amount} to {recipient}."', "\"{{ 'x'.ljust(3000000000) }}\"")
    root = project({"data/flows.yml": flows, "domain.yml": domain})
    done = run_calmtui("validate", cwd=root)
    assert done.rc == 1, done.output
    assert "CT322" in done.output
    assert "too long" in done.output
    assert "width 3,000,000,000 is larger than the template limit" in done.output
    assert "failed: \n" not in done.output  # never an empty reason
    assert done.within_bounds(), (done.peak_mb, done.cpu_s)


def test_a_turn_with_a_huge_condition_completes(tmp_path: Path) -> None:
    """At run time a condition over the limits is false, as any failing condition is."""
    huge = "{{ 'x' * 10**7 }} == 'x'"
    peak_mb, _ = _peak_mb_of(lambda: condition_holds(huge, slots={}, context={}))
    assert condition_holds(huge, slots={}, context={}) is False
    assert peak_mb < 50
