"""What "no API key" means per provider (`calmtui.understanding.credentials`): one rule for the
start-up check and for every call."""

from __future__ import annotations

from typing import Any

import pytest

from calmtui.core.model.config import ModelConfig
from calmtui.understanding.credentials import KeyCheck, check_key, missing_keys


def model(provider: str, name: str = "m", **extra: Any) -> ModelConfig:
    params = {k: v for k, v in extra.items() if k not in ("api_base",)}
    return ModelConfig(provider=provider, model=name, api_base=extra.get("api_base"), params=params)


LOCAL = "http://127.0.0.1:8080/v1"
CASES: list[tuple[str, ModelConfig, dict[str, str], KeyCheck]] = [
    ("openai, key set", model("openai"), {"OPENAI_API_KEY": "sk-1"}, KeyCheck(key="sk-1")),
    ("openai, no key", model("openai"), {}, KeyCheck(missing=("OPENAI_API_KEY",))),
    (
        "openai, blank key",
        model("openai"),
        {"OPENAI_API_KEY": "  "},
        KeyCheck(missing=("OPENAI_API_KEY",)),
    ),
    ("openai at a local server", model("openai", api_base=LOCAL), {}, KeyCheck(no_key_needed=True)),
    (
        "a local server still gets a key that is set",
        model("openai", api_base=LOCAL),
        {"OPENAI_API_KEY": "k"},
        KeyCheck(key="k"),
    ),
    (
        "vLLM at its api_base",
        model("hosted_vllm", api_base=LOCAL),
        {},
        KeyCheck(no_key_needed=True),
    ),
    (
        "ollama at its api_base",
        model("ollama", api_base="http://localhost:11434"),
        {},
        KeyCheck(no_key_needed=True),
    ),
    (
        "azure needs its key even with an api_base",
        model("azure", api_base="https://x.openai.azure.com"),
        {},
        KeyCheck(missing=("AZURE_API_KEY",)),
    ),
    (
        "the model's own api_key (from ${VAR})",
        model("anthropic", api_key="sk-ant"),
        {},
        KeyCheck(key="sk-ant"),
    ),
    (
        "an api_key whose ${VAR} is not set",
        model("openai", api_key=""),
        {"OPENAI_API_KEY": "k"},
        KeyCheck(empty_api_key=True),
    ),
    ("gemini reads either variable", model("gemini"), {"GOOGLE_API_KEY": "g"}, KeyCheck(key="g")),
    (
        "gemini without either",
        model("gemini"),
        {},
        KeyCheck(missing=("GEMINI_API_KEY", "GOOGLE_API_KEY")),
    ),
    ("bedrock: AWS profiles and roles are not checked", model("bedrock"), {}, KeyCheck()),
    (
        "vertex_ai: application default credentials are not checked",
        model("vertex_ai"),
        {},
        KeyCheck(),
    ),
    (
        "provider taken from the model name",
        ModelConfig(model="anthropic/claude"),
        {},
        KeyCheck(missing=("ANTHROPIC_API_KEY",)),
    ),
]


@pytest.mark.parametrize(
    ("where", "config", "environ", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_key_rule(
    where: str, config: ModelConfig, environ: dict[str, str], expected: KeyCheck
) -> None:
    assert check_key(config, environ, ask_litellm=False) == expected


def test_other_providers_ask_litellm_which_keys_they_need() -> None:
    fireworks = model("fireworks_ai")
    assert check_key(fireworks, {}, ask_litellm=True) == KeyCheck(missing=("FIREWORKS_AI_API_KEY",))
    assert check_key(fireworks, {"FIREWORKS_AI_API_KEY": "f"}, ask_litellm=True).ok
    assert check_key(fireworks, {}, ask_litellm=False).ok  # a call lets litellm say it


def test_a_provider_litellm_does_not_know_is_not_checked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert check_key(model("no_such_provider"), {}, ask_litellm=True).ok
    assert capsys.readouterr().out == ""  # litellm's provider list is not printed


def test_missing_keys_lists_only_the_models_without_one() -> None:
    models = [model("openai", "a"), model("openai", "b", api_base=LOCAL), model("anthropic", "c")]
    found = missing_keys(models, {"ANTHROPIC_API_KEY": "x"})
    assert [m.model.model for m in found] == ["a"]
    assert found[0].describe() == "openai/a reads its key from OPENAI_API_KEY, which is not set"
