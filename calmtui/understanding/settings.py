"""The LLM command generator's settings, read from `config.yml` and `endpoints.yml`.

    pipeline:
      - name: CompactLLMCommandGenerator        # or SearchReadyLLMCommandGenerator
        llm: {model_group: openai_llm}          # or inline: {provider: openai, model: gpt-4o}
        prompt_template: prompts/commands.jinja2
        flow_retrieval: {active: true, num_flows: 20, turns_to_embed: 1}
        user_input: {max_characters: 420}
        minimize_num_calls: true
        include_date_time: false

A model group has one model, or several deployments and a `router:` (Rasa's rule; the loader
reports CT237 otherwise): litellm's `Router`, configured by the router's settings, spreads the
requests over the deployments and moves past a failing one (FORMATS.md a.2, a.3).
`${ENV}` values were already substituted by the loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from calmtui.core.diagnostics import did_you_mean
from calmtui.core.dsl import DslVersion
from calmtui.core.model.config import Component, ModelConfig, ModelGroup
from calmtui.core.model.project import Project
from calmtui.understanding.errors import UnderstandingConfigError
from calmtui.understanding.user_input import DEFAULT_MAX_CHARACTERS, max_characters

# Rasa's defaults for the compact generator (FORMATS.md a.2).
DEFAULT_PROVIDER = "openai"
DEFAULT_MODEL = "gpt-4o-2024-11-20"
DEFAULT_TIMEOUT = 7.0
DEFAULT_PARAMS: Mapping[str, Any] = {"temperature": 0.0, "max_tokens": 256}
DEFAULT_NUM_FLOWS = 20
_MODEL_KEYS = (
    "provider",
    "model",
    "model_name",
    "api_base",
    "api_version",
    "deployment",
    "timeout",
)
_DSL_VERSIONS: dict[str, DslVersion] = {
    "CompactLLMCommandGenerator": "v2",
    "SearchReadyLLMCommandGenerator": "v3",
    "SingleStepLLMCommandGenerator": "v1",
    "MultiStepLLMCommandGenerator": "v1",
    "LLMCommandGenerator": "v1",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RetrievalSettings:
    active: bool = True
    num_flows: int = DEFAULT_NUM_FLOWS
    turns_to_embed: int = 1
    should_embed_slots: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class GeneratorSettings:
    component: str
    models: tuple[ModelConfig, ...]
    model_group: str | None = None
    # The group's `router:` settings: `models` are then deployments for litellm's Router.
    router: Mapping[str, Any] | None = None
    prompt_template: Path | None = None
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    max_characters: int = DEFAULT_MAX_CHARACTERS
    minimize_num_calls: bool = True
    include_date_time: bool = False
    timezone: str | None = None

    @property
    def dsl_version(self) -> DslVersion:
        return _DSL_VERSIONS.get(self.component, "v2")

    @property
    def model_names(self) -> tuple[str, ...]:
        return tuple(m.litellm_model for m in self.models)

    @property
    def route(self) -> ModelGroup | None:
        """The model group to hand to litellm's Router, when the group has a router."""
        if self.router is None:
            return None
        return ModelGroup(id=self.model_group or "llm", models=self.models, router=self.router)

    def describe_models(self) -> str:
        """`openai/gpt-4o-mini`, or `router/g (simple-shuffle): openai/a, openai/b`."""
        route = self.route
        if route is None:
            return self.model_names[0] if self.model_names else "(no model)"
        strategy = (self.router or {}).get("routing_strategy") or "simple-shuffle"
        return f"router/{route.id} ({strategy}): {', '.join(self.model_names)}"


def request_params(model: ModelConfig) -> dict[str, Any]:
    """What a request to `model` sends besides the messages: Rasa's defaults, then the model's
    own keys (`temperature`, `max_tokens`, `api_key`, ...)."""
    return {**DEFAULT_PARAMS, **model.params}


def load_settings(project: Project, project_dir: Path | str | None = None) -> GeneratorSettings:
    """The settings of the project's LLM command generator; raises UnderstandingConfigError."""
    component = project.config.command_generator
    if component is None:
        raise UnderstandingConfigError(
            "config.yml has no LLM command generator in its pipeline, so there is no model to use; "
            "add '- name: CompactLLMCommandGenerator' with 'llm: {model_group: ...}', "
            "or use --understanding offline"
        )
    options = component.options
    base = Path(project_dir if project_dir is not None else project.root)
    group_id, models, router = _models(project, component)
    return GeneratorSettings(
        component=component.name,
        models=models,
        model_group=group_id,
        router=router,
        prompt_template=_template_path(options.get("prompt_template"), base),
        retrieval=_retrieval(options.get("flow_retrieval")),
        max_characters=max_characters(project),
        minimize_num_calls=options.get("minimize_num_calls", True) is not False,
        include_date_time=options.get("include_date_time") is True,
        timezone=str(options["timezone"]) if options.get("timezone") else None,
    )


def _models(
    project: Project, component: Component
) -> tuple[str | None, tuple[ModelConfig, ...], Mapping[str, Any] | None]:
    llm = _mapping(component.options.get("llm"))
    group_id = llm.get("model_group")
    if group_id is None:
        if not llm:
            return None, (ModelConfig(provider=DEFAULT_PROVIDER, model=DEFAULT_MODEL),), None
        return None, (model_from_mapping(llm),), None
    group = project.endpoints.model_groups.get(str(group_id))
    if group is None:
        known = sorted(project.endpoints.model_groups)
        hint = did_you_mean(str(group_id), known) or (
            f"defined groups: {', '.join(known)}"
            if known
            else "endpoints.yml defines no model_groups"
        )
        raise UnderstandingConfigError(
            f"{component.name} in config.yml uses model group {group_id!r}, which endpoints.yml "
            f"does not define ({hint})"
        )
    if not group.models:
        raise UnderstandingConfigError(f"model group {group.id!r} in endpoints.yml has no models")
    if len(group.models) > 1 and group.router is None:
        raise UnderstandingConfigError(
            f"model group {group.id!r} in endpoints.yml has {len(group.models)} models but no "
            "'router' (CT237); add 'router: {routing_strategy: simple-shuffle}' to spread the "
            "requests over them, or keep one model"
        )
    return group.id, group.models, group.router


def model_from_mapping(data: Mapping[str, Any]) -> ModelConfig:
    """An inline `llm:` mapping as a model config (the same keys as a model group entry)."""
    model = data.get("model") or data.get("model_name")
    provider = data.get("provider")
    if not model and not data.get("deployment"):
        raise UnderstandingConfigError(
            "the 'llm' option in config.yml needs a 'model' (e.g. gpt-4o-mini)"
        )
    timeout = data.get("timeout")
    return ModelConfig(
        provider=str(provider)
        if provider
        else (None if model and "/" in str(model) else DEFAULT_PROVIDER),
        model=str(model) if model else None,
        api_base=str(data["api_base"]) if data.get("api_base") else None,
        api_version=str(data["api_version"]) if data.get("api_version") else None,
        deployment=str(data["deployment"]) if data.get("deployment") else None,
        timeout=float(timeout)
        if isinstance(timeout, int | float) and not isinstance(timeout, bool)
        else None,
        params={k: v for k, v in data.items() if k not in _MODEL_KEYS},
    )


def _template_path(value: Any, base: Path) -> Path | None:
    if value is None or value == "":
        return None
    path = Path(str(value))
    return path if path.is_absolute() else base / path


def _retrieval(value: Any) -> RetrievalSettings:
    data = _mapping(value)
    return RetrievalSettings(
        active=data.get("active", True) is not False,
        num_flows=_int(data.get("num_flows"), DEFAULT_NUM_FLOWS),
        turns_to_embed=max(1, _int(data.get("turns_to_embed"), 1)),
        should_embed_slots=data.get("should_embed_slots", True) is not False,
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return cast(Mapping[str, Any], value) if isinstance(value, Mapping) else {}


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default
