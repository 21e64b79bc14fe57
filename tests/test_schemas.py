"""The JSON Schemas shipped for editors: well-formed, accepting every file calmtui itself ships
(templates, default patterns), and rejecting the mistakes they exist to catch."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from calmtui.cli import scaffold
from calmtui.schemas import SCHEMA_KINDS, SchemaKind, load_schema, schema_filename, schema_text

jsonschema = pytest.importorskip("jsonschema")


def validator(kind: SchemaKind) -> Any:
    return jsonschema.Draft202012Validator(load_schema(kind))


def errors(kind: SchemaKind, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator(kind).iter_errors(data)]


def template_files() -> list[tuple[Path, SchemaKind]]:
    """Every YAML file of every template that names a schema in its first line."""
    found: list[tuple[Path, SchemaKind]] = []
    for template in scaffold.list_templates():
        for path in sorted(template.path.rglob("*.y*ml")):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            if first.startswith(scaffold.SCHEMA_HEADER_PREFIX):
                name = first.rsplit("/", 1)[-1]
                kind: SchemaKind = next(k for k in SCHEMA_KINDS if schema_filename(k) == name)
                found.append((path, kind))
    return found


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_schema_is_valid_draft_2020_12(kind: SchemaKind) -> None:
    schema = load_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schemas_ship_inside_the_package() -> None:
    for kind in SCHEMA_KINDS:
        assert resources.files("calmtui.schemas").joinpath(schema_filename(kind)).is_file()
    with pytest.raises(ValueError, match="unknown schema"):
        schema_text("nlu")  # type: ignore[arg-type]


def test_every_template_yaml_file_names_a_schema() -> None:
    files = template_files()
    named = {p for p, _ in files}
    for template in scaffold.list_templates():
        for path in template.path.rglob("*.y*ml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            rel = path.relative_to(template.path)
            is_domain = rel.parts[0] in ("domain", "domain.yml")
            if isinstance(data, dict) and ("flows" in data or "test_cases" in data or is_domain):
                assert path in named, path
    assert {k for _, k in files} == set(SCHEMA_KINDS)


@pytest.mark.parametrize(
    ("path", "kind"),
    template_files(),
    ids=lambda v: v.as_posix().split("templates/")[-1] if isinstance(v, Path) else v,
)
def test_template_file_matches_its_schema(path: Path, kind: SchemaKind) -> None:
    assert errors(kind, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    ("name", "kind"), [("default_flows.yml", "flows"), ("default_domain.yml", "domain")]
)
def test_default_patterns_match_the_schemas(name: str, kind: SchemaKind) -> None:
    text = resources.files("calmtui.core.patterns").joinpath(name).read_text(encoding="utf-8")
    assert errors(kind, yaml.safe_load(text)) == []


def flow(steps: str, extra: str = "") -> str:
    return f"flows:\n  f:\n    description: d\n{extra}    steps:\n{steps}"


CASES: list[tuple[str, SchemaKind, str, bool]] = [
    ("minimal flow", "flows", flow("      - action: utter_x\n"), True),
    ("unknown flow key", "flows", flow("      - action: utter_x\n", "    colour: red\n"), False),
    (
        "flow without description",
        "flows",
        "flows:\n  f:\n    steps:\n      - action: utter_x\n",
        False,
    ),
    (
        "flow id with a space",
        "flows",
        "flows:\n  my flow:\n    description: d\n    steps:\n      - action: a\n",
        False,
    ),
    ("two step types", "flows", flow("      - action: utter_x\n        collect: s\n"), False),
    ("no step type", "flows", flow("      - id: lonely\n"), False),
    (
        "collect key on an action step",
        "flows",
        flow("      - action: utter_x\n        utter: utter_y\n"),
        False,
    ),
    ("link with next", "flows", flow("      - link: g\n        next: END\n"), False),
    ("noop without next", "flows", flow("      - noop: true\n"), False),
    ("reserved step id", "flows", flow("      - id: END\n        action: utter_x\n"), False),
    (
        "branches without else",
        "flows",
        flow("      - noop: true\n        next:\n          - if: slots.x\n            then: END\n"),
        False,
    ),
    (
        "branches with nested steps and else",
        "flows",
        flow(
            "      - collect: x\n        rejections:\n          - if: slots.x > 3\n            utter: utter_no\n"
            "        next:\n          - if: slots.x\n            then:\n              - action: utter_y\n"
            "                next: END\n          - else: END\n"
        ),
        True,
    ),
    (
        "rejection without utter",
        "flows",
        flow("      - collect: x\n        rejections:\n          - if: slots.x\n"),
        False,
    ),
    (
        "set_slots with two keys in one item",
        "flows",
        flow("      - set_slots:\n          - a: 1\n            b: 2\n"),
        False,
    ),
    ("categorical slot without values", "domain", "slots:\n  s:\n    type: categorical\n", False),
    ("unknown slot key", "domain", "slots:\n  s:\n    type: text\n    colour: red\n", False),
    ("custom slot type", "domain", "slots:\n  s:\n    type: my_pkg.slots.MySlot\n", True),
    (
        "unknown mapping type",
        "domain",
        "slots:\n  s:\n    type: text\n    mappings:\n      - type: from_magic\n",
        False,
    ),
    (
        "response without content",
        "domain",
        "responses:\n  utter_x:\n    - metadata: {rephrase: true}\n",
        False,
    ),
    ("empty response", "domain", "responses:\n  utter_x: []\n", False),
    (
        "actions with send_domain",
        "domain",
        "actions:\n  - action_a\n  - action_b: {send_domain: true}\n",
        True,
    ),
    ("unknown domain key", "domain", "slotz: {}\n", False),
    (
        "style A steps",
        "e2e",
        "test_cases:\n  - test_case: t\n    steps:\n      - user: hi\n      - utter: utter_x\n      - slot_was_set:\n          - s: 1\n          - t\n",
        True,
    ),
    (
        "styles mixed in one test case",
        "e2e",
        "test_cases:\n  - test_case: t\n    steps:\n      - user: hi\n        assertions:\n          - flow_started: f\n      - utter: utter_x\n",
        False,
    ),
    (
        "unknown assertion",
        "e2e",
        "test_cases:\n  - test_case: t\n    steps:\n      - user: hi\n        assertions:\n          - flow_begun: f\n",
        False,
    ),
    (
        "two assertions in one item",
        "e2e",
        "test_cases:\n  - test_case: t\n    steps:\n      - user: hi\n        assertions:\n          - flow_started: f\n            action_executed: a\n",
        False,
    ),
    (
        "order without assertions",
        "e2e",
        "test_cases:\n  - test_case: t\n    steps:\n      - user: hi\n        assertion_order_enabled: true\n",
        False,
    ),
    (
        "user and utter in one step",
        "e2e",
        "test_cases:\n  - test_case: t\n    steps:\n      - user: hi\n        utter: utter_x\n",
        False,
    ),
    (
        "flow_completed without flow_id",
        "e2e",
        "test_cases:\n  - test_case: t\n    steps:\n      - user: hi\n        assertions:\n          - flow_completed: {flow_step_id: s}\n",
        False,
    ),
    (
        "calmtui extensions",
        "e2e",
        "test_cases:\n  - test_case: t\n    steps:\n      - user: hi\n        commands: [start flow f]\n        assertions:\n"
        "          - commands_issued: [start flow f]\n          - command_not_issued: cancel flow\n"
        "          - flow_not_started: g\n          - bot_uttered_exactly: [utter_a, {text: Hi}]\n",
        True,
    ),
    (
        "stubbed action and fixtures",
        "e2e",
        "fixtures:\n  - rich:\n      - balance: 100\nstub_custom_actions:\n  t::action_a:\n    events:\n      - event: slot\n        name: s\n        value: 1\n"
        "test_cases:\n  - test_case: t\n    fixtures: [rich]\n    steps:\n      - user: hi\n",
        True,
    ),
]


@pytest.mark.parametrize(("name", "kind", "text", "valid"), CASES, ids=[c[0] for c in CASES])
def test_schema_catches_mistakes(name: str, kind: SchemaKind, text: str, valid: bool) -> None:
    found = errors(kind, yaml.safe_load(text))
    assert (found == []) == valid, found
