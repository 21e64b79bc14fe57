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
          - provider: ${LLM_PROVIDER}
            model: ${LLM_MODEL}
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
        "LLM_PROVIDER": "openai",
        "LLM_MODEL": "gpt-4o-mini",
    }
    endpoints, diagnostics = load_endpoints(parse_yaml(ENDPOINTS, "endpoints.yml"), environ)
    assert diagnostics == []
    assert endpoints.model_groups["search_llm"].models[0].deployment == "gpt4o-prod"
    assert endpoints.model_groups["proxy"].models[0].model == "gpt-4o-mini"


def test_a_model_without_any_model_setting_is_still_an_error() -> None:
    text = "model_groups:\n  - id: broken\n    models:\n      - provider: azure\n"
    assert ("CT234", "error") in codes(text, {})
