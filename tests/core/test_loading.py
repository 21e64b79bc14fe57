"""The project loader: layout, merging, step ids, `next`, env values, and bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.loading.flow_loader import load_flow_file
from calmtui.core.loading.project_loader import LoadResult, ProjectPaths, load_project
from calmtui.core.model.flows import END, BranchNext, CollectStep, StaticNext
from calmtui.core.source import parse_yaml

FLOWS = """\
flows:
  transfer:
    description: Send money.
    steps:
      - collect: amount
      - collect: confirm
        next:
          - if: slots.confirm
            then:
              - action: action_transfer
              - action: utter_done
                next: END
          - else:
              - action: utter_cancelled
                next: END
      - action: utter_never_reached_but_numbered
"""
DOMAIN = """\
slots:
  amount:
    type: float
  confirm:
    type: bool
responses:
  utter_done:
    - text: Done
"""


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def load(root: Path, **kwargs: object) -> LoadResult:
    return load_project(root, **kwargs)  # type: ignore[arg-type]


def codes(result: LoadResult) -> list[str]:
    return [d.code for d in result.diagnostics]


# -- layout ----------------------------------------------------------------------------------------


def test_a_directory_that_is_not_a_project(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = load(tmp_path)
    assert result.project is None
    [d] = result.diagnostics
    assert d.code == "CT100"
    assert d.hint is not None


def test_a_path_that_is_not_a_directory(tmp_path: Path) -> None:
    result = load(tmp_path / "missing")
    assert result.project is None
    assert codes(result) == ["CT100"]


def test_missing_domain(tmp_path: Path) -> None:
    write(tmp_path, {"data/flows.yml": FLOWS})
    result = load(tmp_path)
    assert result.project is not None
    assert "CT200" in codes(result)


def test_empty_domain_file(tmp_path: Path) -> None:
    write(tmp_path, {"domain.yml": "", "data/flows.yml": FLOWS})
    assert "CT200" in codes(load(tmp_path))


def test_domain_directory_is_merged_recursively(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "domain/slots.yml": "slots:\n  amount:\n    type: float\n",
            "domain/nested/responses.yml": "responses:\n  utter_done:\n    - text: Done\n",
            "domain/nested/more.yml": "slots:\n  amount:\n    type: text\nactions:\n  - action_transfer\n",
            "data/flows.yml": FLOWS,
        },
    )
    result = load(tmp_path)
    assert result.project is not None
    domain = result.project.domain
    assert domain.slots["amount"].type == "float"  # domain/slots.yml sorts after domain/nested/
    assert "utter_done" in domain.responses
    assert "action_transfer" in domain.actions
    [redefined] = [d for d in result.diagnostics if d.code == "CT207"]
    assert redefined.span is not None
    assert redefined.span.path == "domain/slots.yml"


def test_builtin_patterns_and_domain_are_merged_under_the_project(tmp_path: Path) -> None:
    write(tmp_path, {"domain.yml": DOMAIN, "data/flows.yml": FLOWS})
    project = load(tmp_path).project
    assert project is not None
    assert project.flows["pattern_collect_information"].builtin
    assert not project.flows["transfer"].builtin
    assert project.domain.slots["dialogue_stack"].builtin
    assert project.domain.responses["utter_ask_rephrase"].builtin


def test_explicit_paths(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"my_domain.yml": DOMAIN, "flows/a.yml": FLOWS, "data/ignored.yml": "flows:\n  x: 1\n"},
    )
    result = load(tmp_path, paths=ProjectPaths(domain="my_domain.yml", data=["flows"]))
    assert result.project is not None
    assert "transfer" in result.project.flows
    assert "x" not in result.project.flows


# -- flows -----------------------------------------------------------------------------------------


def test_default_step_ids_are_depth_first(tmp_path: Path) -> None:
    write(tmp_path, {"domain.yml": DOMAIN, "data/flows.yml": FLOWS})
    project = load(tmp_path).project
    assert project is not None
    assert [s.id for s in project.flows["transfer"].steps] == [
        "transfer_0_collect_amount",
        "transfer_1_collect_confirm",
        "transfer_2_action_transfer",
        "transfer_3_utter_done",
        "transfer_4_utter_cancelled",
        "transfer_5_utter_never_reached_but_numbered",
    ]


def test_default_next_and_branches(tmp_path: Path) -> None:
    write(tmp_path, {"domain.yml": DOMAIN, "data/flows.yml": FLOWS})
    result = load(tmp_path)
    assert result.project is not None
    steps = {s.id: s for s in result.project.flows["transfer"].steps}
    assert steps["transfer_0_collect_amount"].next == StaticNext(
        target="transfer_1_collect_confirm"
    )
    branching = steps["transfer_1_collect_confirm"].next
    assert isinstance(branching, BranchNext)
    assert [(b.condition, b.target) for b in branching.branches] == [
        ("slots.confirm", "transfer_2_action_transfer")
    ]
    assert branching.else_target == "transfer_4_utter_cancelled"
    assert isinstance(steps["transfer_2_action_transfer"].next, StaticNext)
    assert steps["transfer_2_action_transfer"].next.target == "transfer_3_utter_done"
    assert steps["transfer_3_utter_done"].next.target == END  # type: ignore[union-attr]
    assert steps["transfer_5_utter_never_reached_but_numbered"].next.target == END  # type: ignore[union-attr]
    assert "CT312" in codes(result)  # the last root step can never be reached


def test_last_step_of_a_branch_needs_next(tmp_path: Path) -> None:
    flows = FLOWS.replace(
        "              - action: utter_done\n                next: END\n",
        "              - action: utter_done\n",
    )
    write(tmp_path, {"domain.yml": DOMAIN, "data/flows.yml": flows})
    assert "CT310" in codes(load(tmp_path))


def test_collect_defaults(tmp_path: Path) -> None:
    write(tmp_path, {"domain.yml": DOMAIN, "data/flows.yml": FLOWS})
    project = load(tmp_path).project
    assert project is not None
    step = project.flows["transfer"].steps[0]
    assert isinstance(step, CollectStep)
    assert (step.utter, step.has_custom_utter, step.ask_before_filling) == (
        "utter_ask_amount",
        False,
        False,
    )
    assert step.value_span is not None
    assert (step.value_span.line, step.value_span.col) == (5, 18)


def test_duplicate_flow_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, {"domain.yml": DOMAIN, "data/a.yml": FLOWS, "data/b.yml": FLOWS})
    result = load(tmp_path)
    [d] = [d for d in result.diagnostics if d.code == "CT313"]
    assert d.span is not None
    assert d.span.path == "data/b.yml"
    assert d.related
    assert d.related[0].path == "data/a.yml"


def test_non_flow_yaml_in_data_is_ignored(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "domain.yml": DOMAIN,
            "data/flows.yml": FLOWS,
            "data/nlu.yml": "nlu:\n  - intent: greet\n",
        },
    )
    result = load(tmp_path)
    assert result.project is not None
    assert not [d for d in result.diagnostics if d.is_error and d.code != "CT312"]


# -- YAML ------------------------------------------------------------------------------------------


def test_yaml_1_2_booleans(tmp_path: Path) -> None:
    domain = DOMAIN + "  utter_yes:\n    - text: yes\n  utter_on:\n    - text: on\n"
    flows = FLOWS.replace(
        "      - collect: amount\n", "      - collect: amount\n        ask_before_filling: yes\n"
    )
    write(tmp_path, {"domain.yml": domain, "data/flows.yml": flows})
    result = load(tmp_path)
    assert result.project is not None
    assert result.project.domain.responses["utter_yes"].variations[0].text == "yes"
    assert result.project.domain.responses["utter_on"].variations[0].text == "on"
    [d] = [d for d in result.diagnostics if d.code == "CT110"]
    assert d.hint is not None
    assert "true or false" in d.hint


def test_duplicate_keys(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"domain.yml": DOMAIN + "slots:\n  other:\n    type: text\n", "data/flows.yml": FLOWS},
    )
    [d] = [d for d in load(tmp_path).diagnostics if d.code == "CT102"]
    assert d.span is not None
    assert d.span.line == 9
    assert d.related


def test_binary_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"domain.yml": DOMAIN, "data/flows.yml": FLOWS, "data/image.yml": b"\x89PNG\x00\x01\x02"},
    )
    assert "CT103" in codes(load(tmp_path))


def test_not_utf8(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "domain.yml": DOMAIN,
            "data/flows.yml": FLOWS,
            "data/latin.yml": "text: caf\xe9\n".encode("latin-1"),
        },
    )
    [d] = [d for d in load(tmp_path).diagnostics if d.code == "CT103"]
    assert d.hint is not None


def test_empty_files_are_fine(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"domain.yml": DOMAIN, "data/flows.yml": FLOWS, "data/empty.yml": "", "config.yml": ""},
    )
    result = load(tmp_path)
    assert result.project is not None
    assert not [d for d in result.diagnostics if d.is_error and d.code != "CT312"]


def test_huge_file_is_one_clear_diagnostic(tmp_path: Path) -> None:
    write(tmp_path, {"domain.yml": DOMAIN, "data/flows.yml": FLOWS})
    (tmp_path / "data" / "huge.yml").write_bytes(b"# padding\n" * 1_000_000)  # 10 MB
    result = load(tmp_path)
    huge = [d for d in result.diagnostics if d.span is not None and d.span.path == "data/huge.yml"]
    assert [d.code for d in huge] == ["CT107"]
    assert "MB" in huge[0].message


def test_syntax_error_has_a_place(tmp_path: Path) -> None:
    write(tmp_path, {"domain.yml": "slots:\n  amount:\n\ttype: float\n", "data/flows.yml": FLOWS})
    [d] = [d for d in load(tmp_path).diagnostics if d.code == "CT101"]
    assert d.span is not None
    assert (d.span.path, d.span.line) == ("domain.yml", 3)
    assert d.hint is not None
    assert "tabs" in d.hint


# -- environment -----------------------------------------------------------------------------------


ENDPOINTS = """\
model_groups:
  - id: main
    models:
      - provider: azure
        deployment: ${MODEL_NAME}
        api_base: ${API_BASE:-http://localhost:1234}
        api_key: ${NOT_SET_ANYWHERE}
"""


def test_env_interpolation_and_dotenv(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "domain.yml": DOMAIN,
            "data/flows.yml": FLOWS,
            "endpoints.yml": ENDPOINTS,
            "config.yml": "pipeline:\n  - name: CompactLLMCommandGenerator\n    llm:\n      model_group: ${GROUP}\n",
            ".env": "# comment\nMODEL_NAME=from-dotenv\nexport GROUP='main'\nnot a line\n",
        },
    )
    result = load(tmp_path, environ={"MODEL_NAME": "from-environ"})
    assert result.project is not None
    model = result.project.endpoints.model_groups["main"].models[0]
    assert model.deployment == "from-environ"  # the environment wins over .env
    assert model.api_base == "http://localhost:1234"
    generator = result.project.config.command_generator
    assert generator is not None
    assert generator.options["llm"]["model_group"] == "main"
    assert result.dotenv == {"MODEL_NAME": "from-dotenv", "GROUP": "main"}
    assert ".env" not in result.sources  # secrets never travel with the sources
    found = {d.code: d for d in result.diagnostics}
    assert found["CT121"].severity == "info"
    assert "NOT_SET_ANYWHERE" in found["CT121"].message
    assert found["CT120"].span is not None
    assert found["CT120"].span.line == 4


@pytest.mark.parametrize(
    ("dotenv", "environ", "expected"),
    [
        ("", {}, False),
        ("CLARIFY_ON_MULTIPLE_START_FLOWS=true\n", {}, True),
        ("CLARIFY_ON_MULTIPLE_START_FLOWS=True\n", {}, True),
        (
            "CLARIFY_ON_MULTIPLE_START_FLOWS=true\n",
            {"CLARIFY_ON_MULTIPLE_START_FLOWS": "no"},
            False,
        ),
        ("", {"CLARIFY_ON_MULTIPLE_START_FLOWS": "true"}, True),
        ("CLARIFY_ON_MULTIPLE_START_FLOWS=1\n", {}, False),  # the reference compares to "true"
    ],
)
def test_clarify_on_multiple_start_flows_switch(
    tmp_path: Path, dotenv: str, environ: dict[str, str], expected: bool
) -> None:
    write(tmp_path, {"domain.yml": DOMAIN, "data/flows.yml": FLOWS, ".env": dotenv})
    project = load(tmp_path, environ=environ).project
    assert project is not None
    assert project.config.clarify_on_multiple_start_flows is expected


@pytest.mark.parametrize("name", ["config.yml", "endpoints.yml"])
def test_wrong_top_level_shape(tmp_path: Path, name: str) -> None:
    write(tmp_path, {"domain.yml": DOMAIN, "data/flows.yml": FLOWS, name: "- just\n- a list\n"})
    assert "CT109" in codes(load(tmp_path))


@pytest.mark.parametrize(
    ("branch", "line", "column"),
    [
        pytest.param("then: typo_step\n          - else: END", 8, 19, id="then"),
        pytest.param("then: END\n          - else: typo_step", 9, 19, id="else"),
    ],
)
def test_a_branch_to_a_missing_step_is_reported_at_the_target(
    branch: str, line: int, column: int
) -> None:
    text = (
        "flows:\n"
        "  f:\n"
        "    description: d\n"
        "    steps:\n"
        "      - action: utter_a\n"
        "        next:\n"
        f"          - if: slots.x\n            {branch}\n"
    )
    loaded = load_flow_file(parse_yaml(text, "flows.yml"))
    [found] = [d for d in loaded.diagnostics if d.code == "CT311"]
    assert found.span is not None
    assert (found.span.line, found.span.col) == (line, column)
