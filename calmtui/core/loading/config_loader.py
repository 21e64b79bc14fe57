"""Reads `config.yml` and `endpoints.yml` (FORMATS.md a.2, a.3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calmtui.core.diagnostics import Diagnostic, Span, did_you_mean
from calmtui.core.loading.env import interpolate
from calmtui.core.loading.language_config import read_languages
from calmtui.core.loading.reader import Reader, type_name
from calmtui.core.loading.routers import read_router
from calmtui.core.model.config import (
    LLM_COMMAND_GENERATORS,
    ActionEndpoint,
    Component,
    Config,
    Endpoints,
    ModelConfig,
    ModelGroup,
)
from calmtui.core.source import YamlFile, YMap

CONFIG_KEYS = (
    "recipe",
    "language",
    "additional_languages",
    "assistant_id",
    "pipeline",
    "policies",
    "calmtui",
    "spaces",
)
KNOWN_COMPONENTS = LLM_COMMAND_GENERATORS | {
    "NLUCommandAdapter",
    "LLMBasedRouter",
    "IntentBasedRouter",
    "WhitespaceTokenizer",
    "SpacyNLP",
    "SpacyTokenizer",
    "SpacyFeaturizer",
    "SpacyEntityExtractor",
    "RegexFeaturizer",
    "RegexEntityExtractor",
    "LexicalSyntacticFeaturizer",
    "CountVectorsFeaturizer",
    "DIETClassifier",
    "EntitySynonymMapper",
    "ResponseSelector",
    "FallbackClassifier",
    "LogisticRegressionClassifier",
    "CRFEntityExtractor",
    "DucklingEntityExtractor",
    "KeywordIntentClassifier",
    "MitieNLP",
    "MitieTokenizer",
    "MitieFeaturizer",
    "MitieIntentClassifier",
    "MitieEntityExtractor",
    "LanguageModelFeaturizer",
    "JiebaTokenizer",
    "SklearnIntentClassifier",
}
KNOWN_POLICIES = {
    "FlowPolicy",
    "EnterpriseSearchPolicy",
    "IntentlessPolicy",
    "RulePolicy",
    "TEDPolicy",
    "MemoizationPolicy",
    "AugmentedMemoizationPolicy",
    "UnexpecTEDIntentPolicy",
}
PLACEHOLDER_IDS = {"placeholder_default", "<assistant_id>", "assistant_id", ""}
MODEL_KEYS = ("provider", "model", "api_base", "api_version", "deployment", "timeout", "model_name")


def load_config(
    file: YamlFile | None, environ: Mapping[str, str]
) -> tuple[Config, list[Diagnostic]]:
    if file is None or file.data is None:
        return Config(path=file.path if file else None), []
    reader = Reader(file.path)
    data = file.data
    if not isinstance(data, YMap):
        reader.error(
            "CT109",
            f"config.yml must be a mapping, found {type_name(data)}",
            _span(data, file.path),
        )
        return Config(path=file.path), reader.diagnostics
    reader.check_keys(data, CONFIG_KEYS, "config.yml")
    assistant_id = reader.string(data, "assistant_id", "config.yml")
    if assistant_id is None or assistant_id.strip() in PLACEHOLDER_IDS:
        reader.warning(
            "CT230",
            "config.yml has no real 'assistant_id'",
            data.key_span("assistant_id") if "assistant_id" in data else data.span,
            hint="set a unique assistant_id, e.g. 'assistant_id: my_bank_assistant'",
        )
    pipeline = _components(reader, data, "pipeline", KNOWN_COMPONENTS, environ)
    policies = _components(reader, data, "policies", KNOWN_POLICIES, environ)
    settings = reader.map_at(data, "calmtui", "'calmtui' settings")
    calmtui: dict[str, Any] = dict(settings) if settings is not None else {}
    language, additional_languages = read_languages(reader, data)
    config = Config(
        recipe=reader.string(data, "recipe", "config.yml") or "default.v1",
        language=language,
        additional_languages=additional_languages,
        assistant_id=assistant_id,
        pipeline=pipeline,
        policies=policies,
        calmtui=calmtui,
        path=file.path,
        span=data.span,
    )
    return config, reader.diagnostics


def _span(data: Any, path: str) -> Span:
    return getattr(data, "span", Span(path, 1, 1))


def _components(
    reader: Reader,
    data: YMap,
    key: str,
    known: set[str] | frozenset[str],
    environ: Mapping[str, str],
) -> tuple[Component, ...]:
    seq = reader.seq_at(data, key, f"{key!r} in config.yml")
    if seq is None:
        return ()
    result: list[Component] = []
    for i, item in enumerate(seq):
        m = reader.as_map(item, seq.item_span(i), f"an entry of {key!r}")
        if m is None:
            continue
        name = reader.string(m, "name", f"an entry of {key!r}", required=True)
        if name is None:
            continue
        if name not in known and "." not in name:
            reader.warning(
                "CT231",
                f"unknown {'component' if key == 'pipeline' else 'policy'} {name!r}; calmtui ignores it",
                m.value_span("name"),
                hint=did_you_mean(name, known),
            )
        options = interpolate(
            {k: v for k, v in m.items() if k != "name"}, environ, reader.diagnostics, m.span
        )
        result.append(Component(name=name, options=options, span=m.span))
    return tuple(result)


def load_endpoints(
    file: YamlFile | None, environ: Mapping[str, str]
) -> tuple[Endpoints, list[Diagnostic]]:
    if file is None or file.data is None:
        return Endpoints(path=file.path if file else None), []
    reader = Reader(file.path)
    if not isinstance(file.data, YMap):
        reader.error(
            "CT109",
            f"endpoints.yml must be a mapping, found {type_name(file.data)}",
            _span(file.data, file.path),
        )
        return Endpoints(path=file.path), reader.diagnostics
    data: YMap = interpolate(file.data, environ, reader.diagnostics)
    # Values whose ${VARIABLE} is not set here: given, just not known until the model is called.
    from_env = {d.span for d in reader.diagnostics if d.code == "CT121" and d.span is not None}
    action_endpoint = _action_endpoint(reader, data)
    groups: dict[str, ModelGroup] = {}
    if (seq := reader.seq_at(data, "model_groups", "'model_groups'")) is not None:
        for i, item in enumerate(seq):
            group = _model_group(reader, item, seq.item_span(i), from_env)
            if group is None:
                continue
            if group.id in groups:
                first = groups[group.id].span
                reader.error(
                    "CT234",
                    f"model group {group.id!r} is defined twice",
                    group.span,
                    related=(first,) if first is not None else (),
                )
            groups[group.id] = group
    nlg = reader.map_at(data, "nlg", "'nlg'")
    other = {k: v for k, v in data.items() if k not in ("action_endpoint", "model_groups", "nlg")}
    return (
        Endpoints(
            action_endpoint=action_endpoint,
            model_groups=groups,
            nlg=dict(nlg) if nlg is not None else None,
            other=other,
            path=file.path,
        ),
        reader.diagnostics,
    )


def _action_endpoint(reader: Reader, data: YMap) -> ActionEndpoint | None:
    m = reader.map_at(data, "action_endpoint", "'action_endpoint'")
    if m is None:
        return None
    url = reader.string(m, "url", "'action_endpoint'")
    module = reader.string(m, "actions_module", "'action_endpoint'")
    if url and module:
        reader.warning(
            "CT235",
            "'action_endpoint' has both 'url' and 'actions_module'; calmtui uses 'actions_module'",
            m.span,
        )
    elif not url and not module:
        reader.warning("CT235", "'action_endpoint' has neither 'url' nor 'actions_module'", m.span)
    timeout = reader.number(m, "timeout", "'action_endpoint'")
    options = {k: v for k, v in m.items() if k not in ("url", "actions_module", "timeout")}
    return ActionEndpoint(
        url=url, actions_module=module, timeout=timeout, options=options, span=m.span
    )


def _model_group(
    reader: Reader, item: Any, span: Span, from_env: set[Span] | None = None
) -> ModelGroup | None:
    m = reader.as_map(item, span, "a model group")
    if m is None:
        return None
    group_id = reader.string(m, "id", "a model group", required=True)
    if group_id is None:
        return None
    what = f"model group {group_id!r}"
    models: list[ModelConfig] = []
    seq = reader.seq_at(m, "models", what)
    if not seq:
        reader.error(
            "CT234",
            f"{what} has no models",
            m.span,
            hint="add 'models: [{provider: openai, model: gpt-4o-mini}]'",
        )
    for i, raw in enumerate(seq or []):
        mm = reader.as_map(raw, seq.item_span(i) if seq is not None else span, f"a model of {what}")
        if mm is None:
            continue
        model = reader.string(mm, "model", f"a model of {what}") or reader.string(
            mm, "model_name", f"a model of {what}"
        )
        provider = reader.string(mm, "provider", f"a model of {what}")
        deployment = reader.string(mm, "deployment", f"a model of {what}")
        unset = {k for k in mm if k in MODEL_KEYS and mm.value_span(k) in (from_env or set())}
        if not model and not deployment and not unset & {"model", "model_name", "deployment"}:
            reader.error("CT234", f"a model of {what} needs 'model'", mm.span)
        if not provider and not (model and "/" in model) and "provider" not in unset:
            reader.error(
                "CT234",
                f"a model of {what} needs 'provider'",
                mm.span,
                hint="e.g. 'provider: openai'",
            )
        params = {k: v for k, v in mm.items() if k not in MODEL_KEYS}
        models.append(
            ModelConfig(
                provider=provider,
                model=model,
                api_base=reader.string(mm, "api_base", f"a model of {what}"),
                api_version=reader.string(mm, "api_version", f"a model of {what}"),
                deployment=deployment,
                timeout=reader.number(mm, "timeout", f"a model of {what}"),
                params=params,
                span=mm.span,
            )
        )
    router = read_router(reader, m, what)
    return ModelGroup(id=group_id, models=tuple(models), router=router, span=m.span)
