"""-k expressions and the --last-failed state file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calmtui.testing.selection import KeywordError, compile_keyword
from calmtui.testing.state import last_failed_path, read_last_failed, update_last_failed

IDS = [
    "tests/transfer.yml::happy_path",
    "tests/transfer.yml::cancel",
    "tests/balance.yml::Happy_Balance",
]


@pytest.mark.parametrize(
    ("expression", "selected"),
    [
        ("happy", [0, 2]),
        ("HAPPY", [0, 2]),
        ("transfer", [0, 1]),
        ("transfer and not cancel", [0]),
        ("cancel or balance", [1, 2]),
        ("not (transfer or balance)", []),
        ("(happy and balance) or cancel", [1, 2]),
        ("balance.yml::happy", [2]),
    ],
)
def test_keyword_expressions(expression: str, selected: list[int]) -> None:
    match = compile_keyword(expression)
    assert [i for i, node in enumerate(IDS) if match(node.lower())] == selected


@pytest.mark.parametrize("expression", ["", "a and", "(a or b", "and a", "a b )", "not"])
def test_bad_keyword_expressions_are_errors(expression: str) -> None:
    with pytest.raises(KeywordError):
        compile_keyword(expression)


def test_last_failed_keeps_failures_until_they_pass(tmp_path: Path) -> None:
    assert read_last_failed(tmp_path) == []
    update_last_failed(tmp_path, ran=IDS, failed=[IDS[0], IDS[1]])
    assert read_last_failed(tmp_path) == [IDS[0], IDS[1]]
    # running only the first one (which passes now) keeps the other failure
    update_last_failed(tmp_path, ran=[IDS[0]], failed=[])
    assert read_last_failed(tmp_path) == [IDS[1]]
    data = json.loads(last_failed_path(tmp_path).read_text())
    assert data == {"version": 1, "failed": [IDS[1]]}


def test_a_corrupt_state_file_means_nothing_failed(tmp_path: Path) -> None:
    path = last_failed_path(tmp_path)
    path.parent.mkdir()
    path.write_text("{not json")
    assert read_last_failed(tmp_path) == []
    path.write_text('{"failed": "oops"}')
    assert read_last_failed(tmp_path) == []
