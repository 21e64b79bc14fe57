"""Say what is not run, once, clearly (issue 11 §5): every key, component, policy, endpoint and
step property calmtui reads but does not act on is a warning of `validate`, and one line at the
start of `shell`, `inspect` and `test` names them all."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from calmtui.cli.main import app
from calmtui.core.validate.not_run import summary
from tests.core.project_builder import DOMAIN, FLOWS, build, diagnostics
from tests.testing.conftest import CONFIG, ENDPOINTS, cases_yaml, write_project
from tests.testing.conftest import FLOWS as BANK_FLOWS

CONFIG_NOT_RUN = """
pipeline:
  - name: WhitespaceTokenizer
  - name: DIETClassifier
  - name: my_company.MyClassifier
  - name: NLUCommandAdapter
  - name: CompactLLMCommandGenerator
policies:
  - name: FlowPolicy
  - name: RulePolicy
  - name: EnterpriseSearchPolicy
  - name: IntentlessPolicy
"""
ENDPOINTS_NOT_RUN = """
tracker_store: {type: redis, url: localhost}
lock_store: {type: redis}
event_broker: {type: pika}
vector_store: {type: faiss, source: docs}
nlg: {type: rephrase}
mcp_servers: []
"""
FLOWS_NOT_RUN = (
    FLOWS.replace(
        "      - collect: amount\n",
        "      - collect: amount\n        silence_timeout: 5\n        dtmf: {max_digits: 6}\n",
    ).replace(
        "    description: Send money.\n",
        "    description: Send money.\n    nlu_trigger:\n      - intent: {name: send, confidence_threshold: 0.8}\n",
    )
    + """
  pattern_user_silence:
    description: the user said nothing
    steps:
      - action: utter_done
"""
)


def messages(code: str, **parts: str) -> list[str]:
    project = build(**parts)  # type: ignore[arg-type]
    found = diagnostics(project, code)
    assert all(d.severity == "warning" for d in found)
    return [d.message for d in found]


def test_components_and_policies_not_run() -> None:
    assert messages("CT275", config=CONFIG_NOT_RUN) == [
        "'WhitespaceTokenizer' is not run: calmtui has no NLU pipeline; intents come only from "
        "intent triggers such as '/greet'",
        "'DIETClassifier' is not run: calmtui has no NLU pipeline; intents come only from "
        "intent triggers such as '/greet'",
        "'my_company.MyClassifier' is not run: calmtui runs no custom components",
        "'RulePolicy' is not run: it runs stories and rules, which calmtui does not",
    ]


def test_endpoints_not_used_and_the_deferred_ones_not_reported() -> None:
    found = messages("CT276", endpoints=ENDPOINTS_NOT_RUN)
    assert [m.split("'")[1] for m in found] == [
        "tracker_store",
        "lock_store",
        "event_broker",
        "mcp_servers",
    ]
    assert found[0] == (
        "'tracker_store' in endpoints.yml is not used: conversations are saved in "
        ".calmtui/conversations.db"
    )


def test_flow_and_step_properties_and_patterns_not_acted_on() -> None:
    found = messages("CT371", flows=FLOWS_NOT_RUN)
    assert [m.split("'")[1] for m in found] == ["confidence_threshold", "silence_timeout", "dtmf"]
    assert messages("CT372", flows=FLOWS_NOT_RUN) == [
        "'pattern_user_silence' is never started: calmtui has no voice channel, so users are "
        "never silent"
    ]


def test_a_coexistence_projects_nlu_half_is_one_warning_at_the_router() -> None:
    config = """
    pipeline:
      - name: WhitespaceTokenizer
      - name: DIETClassifier
      - name: LLMBasedRouter
        calm_entry: {sticky: money transfers}
      - name: CompactLLMCommandGenerator
    policies:
      - name: FlowPolicy
      - name: RulePolicy
      - name: TEDPolicy
    """
    domain = DOMAIN.replace("slots:\n", "slots:\n  route_session_to_calm:\n    type: bool\n", 1)
    domain += "forms:\n  card_form:\n    required_slots: [recipient]\n"
    project = build(domain=domain, config=config)
    half = diagnostics(project, "CT277")
    assert [d.message for d in half] == [
        "'the NLU-based half' is not run: 1 form (card_form), RulePolicy, TEDPolicy, "
        "2 NLU components. calmtui runs the CALM half (the flows); a message Rasa would route "
        "to the NLU-based half is marked in its turn, and an e2e case that needs it ends skipped"
    ]
    assert [d.message.split(":")[0] for d in diagnostics(project, "CT275")] == [
        "'LLMBasedRouter' is not run"
    ]


def test_the_summary_names_everything_once() -> None:
    project = build(config=CONFIG_NOT_RUN, endpoints=ENDPOINTS_NOT_RUN, flows=FLOWS_NOT_RUN)
    line = summary(diagnostics(project))
    assert line == (
        "calmtui does not run: WhitespaceTokenizer, DIETClassifier, my_company.MyClassifier, "
        "RulePolicy, confidence_threshold, silence_timeout, dtmf, pattern_user_silence, "
        "tracker_store, lock_store, event_broker, mcp_servers "
        "(calmtui validate lists each one)"
    )
    assert summary(diagnostics(build())) is None


def test_shell_inspect_and_test_print_the_line_once_at_start(tmp_path: Path) -> None:
    root = write_project(
        tmp_path / "bank",
        {
            "config.yml": CONFIG + "  - name: RulePolicy\n",
            "endpoints.yml": ENDPOINTS + "tracker_store: {type: redis}\n",
            "data/flows.yml": BANK_FLOWS,
            "tests/cases.yml": cases_yaml(
                "- test_case: t\n  steps:\n    - user: hi\n      commands: start flow check_balance\n"
            ),
        },
    )
    line = "calmtui does not run: RulePolicy, tracker_store (calmtui validate lists each one)"
    runner = CliRunner(env={"NO_COLOR": "1", "CALMTUI_UNDERSTANDING": None})
    for command in ("shell", "inspect"):
        result = runner.invoke(app, [command, "--plain", "--project", str(root)], input="hi\n")
        assert result.exit_code == 0, result.output
        assert result.stderr.count(line) == 1
    tested = runner.invoke(app, ["test", "--project", str(root)])
    assert tested.exit_code == 0, tested.output
    assert tested.stdout.splitlines()[1] == line
