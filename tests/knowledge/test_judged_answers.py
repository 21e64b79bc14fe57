"""`generative_response_is_relevant` / `_is_grounded` end to end on a knowledge answer: the
support project's own tests plus judged ones, run by the test runner offline, with the LLM judge
talking to the fake server through litellm."""

from __future__ import annotations

import json

from calmtui.testing.environment import build_wiring, make_judge
from calmtui.testing.loader import Target, load_suite
from calmtui.testing.runner import run_suite_sync
from calmtui.understanding.offline import OfflineGenerator
from tests.knowledge.conftest import SupportFactory
from tests.understanding.fake_openai import FakeOpenAI, Reply

JUDGED = """\
test_cases:
  - test_case: judged_billing_answer
    steps:
      - user: "when is my bill paid?"
        assertions:
          - generative_response_is_relevant:
              threshold: 0.8
          - generative_response_is_grounded:
              threshold: 0.8
              utter_source: EnterpriseSearchPolicy
"""


def run_judged(support: SupportFactory, fake_llm: FakeOpenAI, *verdicts: int):
    project, root = support(
        search="citation_enabled: true",
        files={
            "tests/judged/conftest.yml": f"llm_judge:\n  llm:\n    provider: openai\n"
            f"    model: judge\n    api_base: {fake_llm.url}\n",
            "tests/judged/judged.yml": JUDGED,
        },
    )
    fake_llm.script(
        *(Reply.ok(json.dumps({"score": v, "justification": f"scored {v}"})) for v in verdicts)
    )
    suite = load_suite(project, root, [Target(path=root / "tests" / "judged")])
    assert suite.ok, [d.headline() for d in suite.diagnostics]
    wiring = build_wiring(
        project,
        generator=OfflineGenerator(),
        judge_factory=lambda config: make_judge(config, project),
    )
    (case,) = run_suite_sync(suite.cases, wiring.env).results
    return case


def test_a_relevant_and_grounded_knowledge_answer_passes(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    case = run_judged(support, fake_llm, 5, 5)
    assert case.status == "passed", case.failure
    relevance, grounded = fake_llm.requests
    # only the generated answer is judged (not "anything else?"), on its search query
    assert "QUESTION: when is my bill paid?" in relevance.prompt
    assert "paid by direct debit on the 8th" in relevance.prompt
    assert "Is there anything else" not in relevance.prompt
    # the ground truth is the retrieved passages
    assert "GROUND TRUTH: # Billing" in grounded.prompt


def test_an_ungrounded_answer_fails_with_the_judges_reason(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    case = run_judged(support, fake_llm, 5, 2)
    assert case.status == "failed"
    assert case.failure is not None
    message = case.failure.mismatches[0].message
    assert "was not grounded" in message
    assert "but was '0.4'" in message
    assert "scored 2" in message
