"""The loader turns any input into test cases or diagnostics — it never raises."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calmtui.core.model.project import Project
from calmtui.testing.loader import load_suite
from tests.testing.conftest import cases_yaml, load, write_project
from tests.testing.test_reports import CASES

KEYS = [
    "test_cases",
    "test_case",
    "steps",
    "user",
    "bot",
    "utter",
    "slot_was_set",
    "slot_was_not_set",
    "assertions",
    "assertion_order_enabled",
    "commands",
    "metadata",
    "fixtures",
    "flow_started",
    "flow_completed",
    "flow_id",
    "flow_step_id",
    "bot_uttered",
    "utter_name",
    "text_matches",
    "buttons",
    "name",
    "value",
    "stub_custom_actions",
    "events",
    "responses",
    "event",
    "threshold",
    "operator",
    "flow_ids",
    "generative_response_is_relevant",
    "bot_uttered_exactly",
    "commands_issued",
    "llm_judge",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(KEYS),
    st.text(max_size=8),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=4)
    ),
    max_leaves=25,
)

_PROJECT: list[tuple[Path, Project]] = []


def project(tmp_path_factory: object) -> tuple[Path, Project]:
    if not _PROJECT:
        root = write_project(Path(tmp_path_factory.mktemp("fuzz")) / "bank")  # type: ignore[attr-defined]
        _PROJECT.append((root, load(root)))
    return _PROJECT[0]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=documents)
def test_any_structure_under_test_cases_is_diagnosed_not_raised(
    tmp_path_factory: object, body: object
) -> None:
    root, loaded = project(tmp_path_factory)
    text = (
        yaml.safe_dump({"test_cases": body})
        if not isinstance(body, dict)
        else yaml.safe_dump({"test_cases": [body], **body})
    )
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "fuzz.yml").write_text(text, encoding="utf-8")
    suite = load_suite(loaded, root)
    assert all(d.span is None or d.span.path == "tests/fuzz.yml" for d in suite.diagnostics)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(min_value=0, max_value=2000), insert=st.text(max_size=12))
def test_mutated_real_files_are_diagnosed_not_raised(
    tmp_path_factory: object, cut: int, insert: str
) -> None:
    root, loaded = project(tmp_path_factory)
    original = cases_yaml(CASES)
    position = cut % (len(original) + 1)
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "fuzz.yml").write_text(
        original[:position] + insert + original[position + 3 :], encoding="utf-8"
    )
    load_suite(loaded, root)
