"""Model settings that come from `${VARIABLES}` are given even when the variable is not set here.

Regression: an Azure model with `deployment: ${AZURE_DEPLOYMENT}` was an error ("needs 'model'")
whenever the variable was unset, so `calmtui validate` failed on projects Rasa accepts.
"""

from __future__ import annotations

from textwrap import dedent

from calmtui.core.loading.config_loader import load_endpoints
from calmtui.core.source import parse_yaml

ENDPOINTS = dedent(
    """\
    model_groups:
      - id: search_llm
        models:
          - provider: azure
            deployment: ${AZURE_DEPLOYMENT}
            api_base: ${AZURE_API_BASE}
            api_version: "2024-10-21"
      - id: proxy
        models:
          - provider: openai
            model: gpt-4o-mini
            api_base: ${LLM_API_BASE}
            api_key: ${LLM_API_KEY}
    """
)


def codes(text: str, environ: dict[str, str]) -> list[tuple[str, str]]:
    _, diagnostics = load_endpoints(parse_yaml(text, "endpoints.yml"), environ)
    return [(d.code, d.severity) for d in diagnostics]


def test_unset_variables_are_notes_not_missing_settings() -> None:
    found = codes(ENDPOINTS, {})
    assert ("CT234", "error") not in found
    assert {c for c, _ in found} == {"CT121"}
    assert all(severity == "info" for _, severity in found)


def test_set_variables_are_used() -> None:
    environ = {
        "AZURE_DEPLOYMENT": "gpt4o-prod",
        "AZURE_API_BASE": "https://example.openai.azure.com",
        "LLM_API_BASE": "http://127.0.0.1:4000/v1",
        "LLM_API_KEY": "sk-test",
    }
    endpoints, diagnostics = load_endpoints(parse_yaml(ENDPOINTS, "endpoints.yml"), environ)
    assert diagnostics == []
    assert endpoints.model_groups["search_llm"].models[0].deployment == "gpt4o-prod"
    assert endpoints.model_groups["proxy"].models[0].api_base == "http://127.0.0.1:4000/v1"


def test_a_model_without_any_model_setting_is_still_an_error() -> None:
    text = "model_groups:\n  - id: broken\n    models:\n      - provider: azure\n"
    assert ("CT234", "error") in codes(text, {})


# -- what Rasa refuses about ${...} in model groups (rasa/engine/validation.py) --------------------


def test_rasa_refuses_a_variable_for_settings_it_reads_as_written() -> None:
    text = (
        "model_groups:\n  - id: g\n    models:\n"
        "      - provider: ${LLM_PROVIDER}\n        model: ${LLM_MODEL}\n"
        "        api_key: ${KEY}\n        timeout: ${TIMEOUT}\n"
    )
    _, diagnostics = load_endpoints(parse_yaml(text, "endpoints.yml"), {})
    refused = [
        (d.code, d.severity, d.span.line if d.span else 0) for d in diagnostics if d.code == "CT270"
    ]
    assert refused == [("CT270", "error", 4), ("CT270", "error", 5), ("CT270", "error", 7)]


def test_allowed_keys_and_variables_inside_a_value_are_accepted() -> None:
    text = (
        "model_groups:\n  - id: g\n    models:\n"
        "      - provider: aws_bedrock\n        model: anthropic.claude\n"
        "        aws_region_name: ${AWS_REGION}\n        aws_access_key_id: ${AWS_ID}\n"
        "        aws_secret_access_key: ${AWS_SECRET}\n        aws_session_token: ${AWS_TOKEN}\n"
        "        api_base: https://${HOST}/v1\n"
    )
    assert {c for c, _ in codes(text, {})} <= {"CT121"}


def test_rasa_refuses_an_api_key_written_into_the_file() -> None:
    text = (
        "model_groups:\n  - id: g\n    models:\n"
        "      - provider: openai\n        model: gpt-4o-mini\n        api_key: sk-live-secret\n"
    )
    _, diagnostics = load_endpoints(parse_yaml(text, "endpoints.yml"), {})
    [problem] = [d for d in diagnostics if d.code == "CT271"]
    assert problem.severity == "error"
    assert problem.span is not None
    assert problem.span.line == 6
    assert "sk-live-secret" not in problem.message + (problem.hint or "")
