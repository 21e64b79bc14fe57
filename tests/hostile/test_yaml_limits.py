"""Items 1 and 2 of the hostile-input issue: alias bombs and deep nesting in any YAML file.

A file is refused before it is composed when its aliases would expand it past the limit (CT180,
at the anchor), when it holds too many values (CT181) or nests too deeply (CT104, even 40,000
levels, which used to crash PyYAML's C composer with a segfault). Every command that reads the
file says so and stays within a few hundred megabytes and a few seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.source import parse_yaml
from calmtui.core.yaml_bounds import MAX_DEPTH, MAX_VALUES, shape_problem
from calmtui.understanding import recording
from tests.hostile.bounded import run_calmtui
from tests.hostile.conftest import DOMAIN, WriteProject


def bomb(indent: str, levels: int = 9, fan: int = 8) -> str:
    """Anchors each copied `fan` times into the next: ~fan**levels values from ~500 bytes."""
    lines = [f"{indent}a0: &a0 [{', '.join(['lol'] * fan)}]"]
    for level in range(1, levels):
        aliases = ", ".join([f"*a{level - 1}"] * fan)
        lines.append(f"{indent}a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + "\n"


DEEP_FLOW = "flows: " + "[" * 40_000 + "]" * 40_000 + "\n"
DEEP_BLOCK = "- " * 40_000 + "x\n"


# -- the reader -----------------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_at_its_anchor_before_anything_is_built() -> None:
    text = "flows:\n  bomb:\n    metadata:\n" + bomb("      ")
    parsed = parse_yaml(text, "data/flows.yml")
    assert parsed.data is None
    [problem] = parsed.diagnostics
    assert problem.code == "CT180"
    assert problem.span is not None
    assert problem.span.path == "data/flows.yml"
    anchor_line = text.splitlines()[problem.span.line - 1]
    assert "&a" in anchor_line  # the diagnostic points at an anchor's definition
    assert f"{MAX_VALUES:,}" in problem.message


def test_the_expanded_size_counts_aliases_reused_in_branches() -> None:
    """Few alias uses (the old limit counted 2,000), many values once expanded."""
    text = bomb("", levels=7, fan=6)  # 36 alias uses, 6**7 = 279,936 values
    assert text.count("*") < 50
    problem = shape_problem(text, "x.yml")
    assert problem is not None
    assert problem.code == "CT180"
    small = bomb("", levels=4, fan=6)  # 1,555 values: fine
    assert shape_problem(small, "x.yml") is None
    assert parse_yaml(small, "x.yml").data["a3"][0][0][0] == ["lol"] * 6


@pytest.mark.parametrize(
    "text", [DEEP_FLOW, DEEP_BLOCK, "a:\n" + "".join(f"{' ' * (i + 1)}k{i}:\n" for i in range(300))]
)
def test_deep_nesting_is_refused_before_the_c_parser_can_overflow(text: str) -> None:
    parsed = parse_yaml(text, "deep.yml")
    assert parsed.data is None
    [problem] = parsed.diagnostics
    assert problem.code == "CT104"
    assert f"deeper than {MAX_DEPTH}" in problem.message
    assert problem.span is not None
    assert problem.span.line >= 1


def test_nesting_within_the_limit_still_reads() -> None:
    depth = MAX_DEPTH - 10
    parsed = parse_yaml("x: " + "[" * depth + "1" + "]" * depth + "\n", "ok.yml")
    assert parsed.ok
    assert parsed.data is not None


def test_too_many_values_without_aliases_are_refused_cheaply() -> None:
    text = "x: [" + ",".join(["a"] * (MAX_VALUES + 10)) + "]\n"
    problem = shape_problem(text, "big.yml")
    assert problem is not None
    assert problem.code == "CT181"


def test_brackets_and_dashes_inside_text_do_not_trip_the_estimate() -> None:
    text = "responses:\n" + "".join(
        f"  utter_{i}:\n    - text: 'see [1] - {{a}} - [2]'\n" for i in range(300)
    )
    parsed = parse_yaml(text, "domain.yml")
    assert parsed.ok
    assert len(parsed.data["responses"]) == 300


def test_a_recording_that_is_a_bomb_is_a_miss(tmp_path: Path) -> None:
    path = tmp_path / "abc.yml"
    path.write_text("key: abc\nmessages: []\n" + bomb(""), encoding="utf-8")
    assert recording._parse(path) is None  # pyright: ignore[reportPrivateUsage]


# -- every command that reads the file --------------------------------------------------------------

SLOT_BOMB = DOMAIN.replace(
    "slots:\n", "slots:\n  bomb:\n    type: any\n    initial_value:\n" + bomb("      ")
)
RESPONSE_BOMB = DOMAIN.replace(
    "responses:\n", "responses:\n  utter_bomb:\n    - custom:\n" + bomb("        ")
)
CONFIG_BOMB = (
    "recipe: default.v1\nassistant_id: x\npipeline:\n  - name: CompactLLMCommandGenerator\n    options:\n"
    + bomb("      ")
)
PROJECT_BOMBS = {
    "flow metadata": (
        "data/flows.yml",
        "flows:\n  bomb:\n    description: x\n    metadata:\n"
        + bomb("      ")
        + "    steps:\n      - action: utter_done\n",
    ),
    "endpoints": ("endpoints.yml", "model_groups: []\nextra:\n" + bomb("  ")),
    "component options": ("config.yml", CONFIG_BOMB),
    "response custom": ("domain.yml", RESPONSE_BOMB),
    "slot initial value": ("domain.yml", SLOT_BOMB),
    "deep flows": ("data/flows.yml", DEEP_FLOW),
}


@pytest.mark.slow
@pytest.mark.parametrize("where", sorted(PROJECT_BOMBS))
@pytest.mark.parametrize("command", [["validate"], ["shell", "--plain"]])
def test_commands_refuse_a_hostile_project_file_quickly(
    project: WriteProject, where: str, command: list[str]
) -> None:
    rel, text = PROJECT_BOMBS[where]
    root = project({rel: text})
    done = run_calmtui(*command, cwd=root, stdin="hello\n")
    assert done.rc == 1, done.output
    assert rel in done.output
    assert "CT180" in done.output or "CT104" in done.output
    assert "Traceback" not in done.output
    assert done.within_bounds(), (done.peak_mb, done.cpu_s)


TEST_FILE_BOMBS = {
    "test metadata": (
        "tests/e2e.yml",
        "metadata:\n  - bomb:\n"
        + bomb("      ")
        + "test_cases:\n  - test_case: t\n    steps:\n      - user: hi\n",
    ),
    "conftest": ("tests/conftest.yml", "stub_custom_actions:\n  bomb:\n" + bomb("    ")),
    "deep test file": ("tests/e2e.yml", "test_cases: " + "[" * 40_000 + "]" * 40_000 + "\n"),
}


@pytest.mark.slow
@pytest.mark.parametrize("where", sorted(TEST_FILE_BOMBS))
def test_calmtui_test_refuses_a_hostile_test_file_quickly(
    project: WriteProject, where: str
) -> None:
    rel, text = TEST_FILE_BOMBS[where]
    root = project({rel: text})
    done = run_calmtui("test", cwd=root)
    assert done.rc not in (0, 3, "timeout", -11), done.output
    assert "CT180" in done.output or "CT104" in done.output
    assert "Traceback" not in done.output
    assert done.within_bounds(), (done.peak_mb, done.cpu_s)


@pytest.mark.slow
@pytest.mark.parametrize("text", [bomb(""), "stub_custom_actions: " + "[" * 40_000 + "]" * 40_000])
def test_a_hostile_stub_file_is_refused_quickly(project: WriteProject, text: str) -> None:
    root = project(
        {"stubs.yml": "stub_custom_actions:\n  x: []\n" + text if "*a" in text else text}
    )
    done = run_calmtui("shell", "--plain", "--stub-actions", "stubs.yml", cwd=root, stdin="hi\n")
    assert done.rc == 2, done.output
    assert "stubs.yml" in done.output
    assert "CT180" in done.output or "CT104" in done.output
    assert done.within_bounds(), (done.peak_mb, done.cpu_s)
