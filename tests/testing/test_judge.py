"""The LLM judge: reading its verdict, and a real litellm round trip (mock_response, no network)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from calmtui.testing.environment import build_wiring, judge_model, make_judge
from calmtui.testing.judge import JudgeError, parse_verdict
from calmtui.testing.runner import run_suite_sync
from calmtui.testing.spec import JudgeConfig
from tests.testing.conftest import PhraseGenerator, cases_yaml, load, suite_of, write_project
from tests.testing.test_runner import GENERATIVE

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")


@pytest.mark.parametrize(
    ("reply", "score", "why"),
    [
        ('{"score": 5, "justification": "on topic"}', 1.0, "on topic"),
        ('```json\n{"score": 3}\n```', 0.6, ""),
        ("Score: 2 because it rambles", 0.4, ""),
    ],
)
def test_verdicts_are_read_and_scaled(reply: str, score: float, why: str) -> None:
    verdict = parse_verdict(reply)
    assert (verdict.score, verdict.justification) == (score, why)


@pytest.mark.parametrize("reply", ["I think it is fine", '{"score": 9}', ""])
def test_unreadable_verdicts_are_errors(reply: str) -> None:
    with pytest.raises(JudgeError):
        parse_verdict(reply)


def test_judge_model_from_a_model_group_or_inline(bank: Path) -> None:
    project = load(bank)
    assert (
        judge_model(JudgeConfig(model_group="main_llm"), project).litellm_model
        == "openai/gpt-4o-mini"
    )
    assert judge_model(JudgeConfig(), project).litellm_model == "openai/gpt-4.1-mini"
    with pytest.raises(LookupError):
        judge_model(JudgeConfig(model_group="nope"), project)


@pytest.mark.parametrize(
    ("mock", "status"),
    [('{"score": 5, "justification": "on topic"}', "passed"), ('{"score": 1}', "failed")],
)
def test_llm_judge_through_the_real_litellm_client(bank: Path, mock: str, status: str) -> None:
    conftest = f"""\
llm_judge:
  llm:
    provider: openai
    model: judge-model
    api_base: http://127.0.0.1:9/v1
    mock_response: '{mock}'
"""
    write_project(bank, {"tests/conftest.yml": conftest, "tests/cases.yml": cases_yaml(GENERATIVE)})
    project = load(bank)
    suite = suite_of(bank)
    assert suite.ok, [d.headline() for d in suite.diagnostics]
    wiring = build_wiring(
        project,
        generator=PhraseGenerator({}),
        judge_factory=lambda config: make_judge(config, project),
    )
    (case,) = run_suite_sync(suite.cases, wiring.env).results
    assert case.status == status, case.failure
    if status == "failed":
        assert case.failure is not None
        assert "but was '0.2'" in case.failure.mismatches[0].message
