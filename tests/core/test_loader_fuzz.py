"""Loading and validating never raise: whatever is in the files becomes diagnostics.

Three kinds of input: random text in any project file, valid files with lines deleted,
duplicated, swapped or re-indented, and a valid project with a value of the wrong type at every
key (exhaustive, not sampled).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calmtui.core.loading.project_loader import load_project
from calmtui.core.validate import report_for

FILES: dict[str, str] = {
    "config.yml": """\
recipe: default.v1
language: en
assistant_id: fuzz
pipeline:
  - name: CompactLLMCommandGenerator
    llm:
      model_group: main
    prompt_template: prompts/p.jinja2
    user_input:
      max_characters: 300
    flow_retrieval:
      active: false
policies:
  - name: FlowPolicy
""",
    "endpoints.yml": """\
action_endpoint:
  actions_module: actions
model_groups:
  - id: main
    models:
      - provider: openai
        model: gpt-4o-mini
        timeout: 7
nlg:
  type: rephrase
""",
    "domain.yml": """\
version: "3.1"
intents:
  - greet
slots:
  amount:
    type: float
    validation:
      rejections:
        - if: slots.amount < 1
          utter: utter_too_small
      refill_utter: utter_ask_amount
  account:
    type: categorical
    values: [checking, savings]
    initial_value: checking
  confirm:
    type: bool
    mappings:
      - type: from_llm
        allow_nlu_correction: true
  log:
    type: any
    mappings:
      - type: controlled
        run_action_every_turn: action_log
responses:
  utter_ask_amount:
    - text: "How much from {account}?"
      buttons:
        - title: Ten
          payload: /SetSlots(amount=10)
  utter_ask_confirm:
    - text: Sure?
      condition: slots.account = "savings"
    - text: Sure.
  utter_too_small:
    - text: Too small
  utter_done:
    - text: Done
      metadata:
        template: jinja
actions:
  - action_log
  - action_transfer:
      send_domain: true
session_config:
  session_expiration_time: 60
""",
    "data/flows.yml": """\
flows:
  transfer:
    description: Send money.
    name: transfer money
    if: slots.account is not null
    persisted_slots: [amount]
    nlu_trigger:
      - intent: greet
    steps:
      - call: helper
      - collect: amount
        rejections:
          - if: slots.amount > 1000
            utter: utter_too_small
      - collect: confirm
        ask_before_filling: true
        next:
          - if: slots.confirm
            then:
              - set_slots:
                  - log: sent
              - action: action_transfer
                next: done
          - else: END
      - id: done
        action: utter_done
  helper:
    description: Helps.
    if: false
    steps:
      - noop: true
        next: END
  leave:
    description: Leave.
    steps:
      - link: pattern_human_handoff
""",
}


def write_files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def load_and_validate(root: Path) -> None:
    result = load_project(root)
    report = report_for(result, root)  # runs every check when a project was found
    for d in report.diagnostics:
        assert d.code.startswith("CT"), d
        assert d.severity in ("error", "warning", "info")


def test_the_fuzz_base_project_is_clean_enough(tmp_path: Path) -> None:
    write_files(tmp_path, FILES)
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "p.jinja2").write_text("{{ user_message }}")
    report = report_for(load_project(tmp_path), tmp_path)
    assert [d.headline() for d in report.diagnostics if d.is_error] == []


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(name=st.sampled_from(sorted(FILES)), text=st.text(max_size=400))
def test_random_text_in_any_file(tmp_path: Path, name: str, text: str) -> None:
    write_files(tmp_path, {**FILES, name: text})
    load_and_validate(tmp_path)


def _mutate(text: str, ops: list[tuple[str, int, int]]) -> str:
    lines = text.splitlines()
    for op, a, b in ops:
        if not lines:
            break
        i, j = a % len(lines), b % len(lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = " " * (b % 5) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip()
        elif op == "tab":
            lines[i] = "\t" + lines[i]
    return "\n".join(lines) + "\n"


MUTATION = st.tuples(
    st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "tab"]),
    st.integers(0, 200),
    st.integers(0, 200),
)


@FUZZ
@given(name=st.sampled_from(sorted(FILES)), ops=st.lists(MUTATION, min_size=1, max_size=6))
def test_mutated_valid_files(tmp_path: Path, name: str, ops: list[tuple[str, int, int]]) -> None:
    write_files(tmp_path, {**FILES, name: _mutate(FILES[name], ops)})
    load_and_validate(tmp_path)


WRONG_VALUES: list[Any] = [None, 7, 2.5, True, "text", ["a", 1], {"k": "v"}, {"k": {"deep": [1]}}]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.append((*prefix, key))
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.append((*prefix, i))
            found += _paths(value, (*prefix, i))
    return found


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {k: (_replaced(v, rest, value) if k == head else v) for k, v in data.items()}
    return [(_replaced(v, rest, value) if i == head else v) for i, v in enumerate(data)]


def test_wrong_type_at_every_key(tmp_path: Path) -> None:
    checked = 0
    for name, text in FILES.items():
        data = yaml.safe_load(text)
        for path in _paths(data):
            for value in WRONG_VALUES:
                mutated = yaml.safe_dump(_replaced(data, path, value), sort_keys=False)
                write_files(tmp_path, {**FILES, name: mutated})
                load_and_validate(tmp_path)
                checked += 1
    assert checked > 500
