"""`config.yml` and `endpoints.yml` (FORMATS.md a.2, a.3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calmtui.core.diagnostics import Span

LLM_COMMAND_GENERATORS = frozenset(
    {
        "CompactLLMCommandGenerator",
        "SearchReadyLLMCommandGenerator",
        "SingleStepLLMCommandGenerator",
        "MultiStepLLMCommandGenerator",
        "LLMCommandGenerator",
    }
)
ENTERPRISE_SEARCH_POLICY = "EnterpriseSearchPolicy"
INTENTLESS_POLICY = "IntentlessPolicy"
# Keys whose values are secrets: never shown in reprs, logs, reports or the inspector.
SECRET_KEYS = frozenset({"api_key", "token", "password", "secret", "aws_secret_access_key"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Component:
    """One pipeline component or policy: `{name: X, ...options}`."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict[str, Any])
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CalmtuiSettings:
    """calmtui's own key in config.yml (Rasa ignores it), read once by the config loader:

    calmtui:
      understanding: offline     # the default understanding mode
      ignore: [CT240]            # codes hidden for every command
      strict: true               # as --strict
    """

    understanding: str | None = None
    ignore: frozenset[str] = frozenset()
    strict: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    recipe: str = "default.v1"
    language: str = "en"
    # Rasa's `additional_languages`: the other languages the assistant speaks (docs/languages.md).
    additional_languages: tuple[str, ...] = ()
    assistant_id: str | None = None
    pipeline: tuple[Component, ...] = ()
    policies: tuple[Component, ...] = ()
    settings: CalmtuiSettings = field(default_factory=CalmtuiSettings)
    # The `calmtui:` section as written (read by the same loader as `settings`); code reads
    # `settings`, new keys belong in `CalmtuiSettings` and `config_loader.CALMTUI_KEYS`.
    calmtui: Mapping[str, Any] = field(default_factory=dict[str, Any])
    path: str | None = None
    span: Span | None = None
    # The reference's environment switch `CLARIFY_ON_MULTIPLE_START_FLOWS=true` (read from the
    # environment and the project's `.env` when the project is loaded).
    clarify_on_multiple_start_flows: bool = False

    @property
    def languages(self) -> tuple[str, ...]:
        """The values of the built-in `language` slot: the additional languages, then the
        default one (Rasa's order)."""
        from calmtui.core.languages import configured_languages

        return configured_languages(self.language, self.additional_languages)

    @property
    def is_multilingual(self) -> bool:
        return any(code != self.language for code in self.additional_languages)

    @property
    def command_generator(self) -> Component | None:
        """The LLM command generator of the pipeline, if any (the first one wins)."""
        for component in self.pipeline:
            if component.name in LLM_COMMAND_GENERATORS:
                return component
        return None

    def has_component(self, name: str) -> bool:
        return any(c.name == name for c in (*self.pipeline, *self.policies))

    def component(self, name: str) -> Component | None:
        """The first pipeline component or policy with this name."""
        return next((c for c in (*self.pipeline, *self.policies) if c.name == name), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelConfig:
    provider: str | None = None
    model: str | None = None
    api_base: str | None = None
    api_version: str | None = None
    deployment: str | None = None
    timeout: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict[str, Any], repr=False)
    span: Span | None = None

    @property
    def litellm_model(self) -> str:
        """`provider/model` as litellm expects it."""
        model = self.model or self.deployment or ""
        if self.provider and not model.startswith(f"{self.provider}/"):
            return f"{self.provider}/{model}"
        return model

    def public_params(self) -> dict[str, Any]:
        """Parameters safe to show: secrets masked."""
        return {k: ("***" if k in SECRET_KEYS else v) for k, v in self.params.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelGroup:
    """`{id, models, router?}`. Without a router a group has one model (Rasa's rule); with one,
    its models are deployments that litellm's `Router` spreads the requests over, configured
    by the router's settings (`routing_strategy`, `num_retries`, ...)."""

    id: str
    models: tuple[ModelConfig, ...]
    router: Mapping[str, Any] | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionEndpoint:
    url: str | None = None
    actions_module: str | None = None
    timeout: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict[str, Any], repr=False)
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Endpoints:
    action_endpoint: ActionEndpoint | None = None
    model_groups: Mapping[str, ModelGroup] = field(default_factory=dict[str, ModelGroup])
    nlg: Mapping[str, Any] | None = None
    other: Mapping[str, Any] = field(default_factory=dict[str, Any], repr=False)
    path: str | None = None
    # Where each top-level key of endpoints.yml is, for diagnostics about it.
    key_spans: Mapping[str, Span] = field(default_factory=dict[str, Span], repr=False)
