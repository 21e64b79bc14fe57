"""Reads `config.yml` and `endpoints.yml` (FORMATS.md a.2, a.3)."""

from __future__ import annotations

import re
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
    CalmtuiSettings,
    Component,
    Config,
    Endpoints,
    ModelConfig,
    ModelGroup,
)
from calmtui.core.source import YamlFile, YMap, YSeq

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
# Rasa (rasa/engine/validation.py) refuses a model setting that starts with `${NAME}` unless it
# is one of these; the docs on multi-LLM routing add the other AWS credentials.
ENV_MODEL_KEYS = frozenset(
    {
        "deployment",
        "api_base",
        "api_key",
        "api_version",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_region_name",
    }
)
# Rasa's own test of "is an environment variable": `re.match(r"\${(\w+)}", value)`.
_RASA_ENV_REFERENCE = re.compile(r"\$\{(\w+)\}")
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
    section = reader.map_at(data, "calmtui", "'calmtui' settings")
    own = _calmtui_settings(reader, section)
    language, additional_languages = read_languages(reader, data)
    config = Config(
        recipe=reader.string(data, "recipe", "config.yml") or "default.v1",
        language=language,
        additional_languages=additional_languages,
        assistant_id=assistant_id,
        pipeline=pipeline,
        policies=policies,
        settings=own,
        calmtui=dict(section) if section is not None else {},
        path=file.path,
        span=data.span,
    )
    return config, reader.diagnostics


CALMTUI_KEYS = ("understanding", "ignore", "strict")


def _calmtui_settings(reader: Reader, data: YMap | None) -> CalmtuiSettings:
    """calmtui's own settings; what cannot be used is a CT278 warning (and is left out)."""
    if data is None:
        return CalmtuiSettings()
    from calmtui.core.codes import CODES, UNSILENCEABLE

    what = "'calmtui' in config.yml"
    reader.check_keys(data, CALMTUI_KEYS, what, code="CT278", list_allowed=True)
    understanding = reader.string(data, "understanding", what)
    ignore: set[str] = set()
    raw = data.get("ignore")
    items = raw if isinstance(raw, YSeq) else [raw] if isinstance(raw, str) else []
    if raw is not None and not isinstance(raw, YSeq | str):
        reader.warning(
            "CT278",
            f"'ignore' of {what} must be a list of codes, found {type_name(raw)}",
            data.value_span("ignore"),
        )
    for i, item in enumerate(items):
        span = raw.item_span(i) if isinstance(raw, YSeq) else data.value_span("ignore")
        for part in str(item).split(","):
            code = part.strip().upper()
            if not code:
                continue
            if code not in CODES or code in UNSILENCEABLE:
                why = "cannot be hidden" if code in UNSILENCEABLE else "is not a diagnostic code"
                reader.warning(
                    "CT278",
                    f"{part.strip()!r} in 'ignore' of {what} {why}",
                    span,
                    hint=did_you_mean(code, CODES) or "the codes are listed in docs/diagnostics.md",
                )
                continue
            ignore.add(code)
    strict = data.get("strict", False)
    if not isinstance(strict, bool):
        reader.warning(
            "CT278",
            f"'strict' of {what} must be true or false, found {type_name(strict)}",
            data.value_span("strict"),
        )
        strict = False
    return CalmtuiSettings(understanding=understanding, ignore=frozenset(ignore), strict=strict)


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
    _check_model_environment(reader, file.data)
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
            key_spans={k: data.key_span(k) for k in data},
        ),
        reader.diagnostics,
    )


def _check_model_environment(reader: Reader, data: YMap) -> None:
    """CT270/CT271: what Rasa refuses about `${...}` in model groups, read before interpolation.

    Rasa reads a model's settings as written, except a few that may come from the environment;
    and it never accepts an API key written into the file (it must be `${NAME}`)."""
    groups = data.get("model_groups")
    if not isinstance(groups, YSeq):
        return
    for group in groups:
        models = group.get("models") if isinstance(group, YMap) else None
        if not isinstance(models, YSeq):
            continue
        name = group.get("id") if isinstance(group, YMap) else None
        what = f"model group {name!r}" if isinstance(name, str) else "a model group"
        for model in models:
            if not isinstance(model, YMap):
                continue
            for key, value in model.items():
                if not isinstance(value, str):
                    continue
                from_env = _RASA_ENV_REFERENCE.match(value) is not None
                if from_env and key not in ENV_MODEL_KEYS:
                    reader.error(
                        "CT270",
                        f"{key!r} of {what} comes from an environment variable; Rasa refuses "
                        f"that for {key!r} (only {', '.join(sorted(ENV_MODEL_KEYS))} may)",
                        model.value_span(key),
                        hint=f"write the value of {key!r} itself",
                    )
                elif key == "api_key" and not from_env:
                    reader.error(
                        "CT271",
                        f"the api_key of {what} is written out; Rasa only accepts it from an "
                        "environment variable",
                        model.value_span(key),
                        hint="write 'api_key: ${MY_API_KEY}' and set MY_API_KEY in the shell or "
                        "in .env (never commit keys)",
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
