"""config.yml and endpoints.yml: model groups, prompt templates, option types."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.project_builder import build, diagnostics

ENDPOINTS = """
model_groups:
  - id: main_llm
    models:
      - provider: openai
        model: gpt-4o-mini
"""


def config(options: str, name: str = "CompactLLMCommandGenerator") -> str:
    return f"recipe: default.v1\nassistant_id: test\npipeline:\n  - name: {name}\n{options}"


@pytest.mark.parametrize(
    ("options", "endpoints", "expected"),
    [
        ("    llm:\n      model_group: main_llm\n", ENDPOINTS, []),
        ("    llm:\n      model_group: main\n", ENDPOINTS, ["CT232"]),
        ("    llm:\n      model_group: main_llm\n", None, ["CT232"]),
        (
            "    flow_retrieval:\n      embeddings:\n        model_group: embeddings\n",
            ENDPOINTS,
            ["CT232"],
        ),
    ],
)
def test_model_groups(options: str, endpoints: str | None, expected: list[str]) -> None:
    project = build(config=config(options), endpoints=endpoints)
    assert [d.code for d in diagnostics(project, "CT232")] == expected


def test_model_group_hint_and_place() -> None:
    project = build(config=config("    llm:\n      model_group: main\n"), endpoints=ENDPOINTS)
    [d] = diagnostics(project, "CT232")
    assert d.hint == "did you mean 'main_llm'? (endpoints.yml:3)"
    assert d.span is not None
    assert (d.span.path, d.span.line, d.span.col) == ("config.yml", 6, 20)


def test_model_group_referenced_from_endpoints() -> None:
    endpoints = ENDPOINTS + "nlg:\n  type: rephrase\n  llm:\n    model_group: rephraser\n"
    [d] = diagnostics(build(endpoints=endpoints), "CT232")
    assert d.message.startswith("'nlg' in endpoints.yml uses model group 'rephraser'")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"prompts/command.jinja2": "Hello {{ user_message }}"}, []),
        ({}, ["CT233"]),
        ({"prompts/command.jinja2": "Hello {{ user_message"}, ["CT233"]),
    ],
)
def test_prompt_templates(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    project = build(
        config=config("    prompt_template: prompts/command.jinja2\n"), root=str(tmp_path)
    )
    assert [d.code for d in diagnostics(project, "CT233")] == expected


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("    user_input:\n      max_characters: 300\n", []),
        ("    user_input:\n      max_characters: lots\n", ["CT236"]),
        ("    user_input:\n      max_characters: 4.5\n", ["CT236"]),
        ("    flow_retrieval:\n      active: no\n", ["CT236"]),
        ("    flow_retrieval:\n      active: false\n      num_flows: 20\n", []),
        ("    llm: gpt-4\n", ["CT236"]),
    ],
)
def test_option_types(options: str, expected: list[str]) -> None:
    project = build(config=config(options))
    assert [d.code for d in diagnostics(project, "CT236")] == expected


def test_option_types_only_for_command_generators() -> None:
    project = build(config=config("    user_input: whatever\n", name="NLUCommandAdapter"))
    assert diagnostics(project, "CT236") == []
