"""config.yml and endpoints.yml: model groups, prompt templates, option types (FORMATS.md a.2, a.3).

Prompt templates are project files, so this is the one check that reads a file from disk (to see
that it exists and parses as Jinja); it never renders or executes anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.loading.reader import type_name
from calmtui.core.model.config import LLM_COMMAND_GENERATORS, Component
from calmtui.core.source import YMap
from calmtui.core.validate.context import ValidationContext

MAX_TEMPLATE_BYTES = 1024 * 1024
TEMPLATE_KEYS = frozenset({"prompt_template", "prompt"})
_BOOL, _INT, _STR, _MAP = "true or false", "a whole number", "text", "a mapping"
# (option path) -> expected kind, for the LLM command generators (FORMATS.md a.2).
GENERATOR_OPTIONS: dict[tuple[str, ...], str] = {
    ("llm",): _MAP,
    ("prompt_template",): _STR,
    ("user_input",): _MAP,
    ("user_input", "max_characters"): _INT,
    ("flow_retrieval",): _MAP,
    ("flow_retrieval", "active"): _BOOL,
    ("flow_retrieval", "num_flows"): _INT,
    ("flow_retrieval", "turns_to_embed"): _INT,
    ("flow_retrieval", "should_embed_slots"): _BOOL,
    ("minimize_num_calls",): _BOOL,
    ("include_date_time",): _BOOL,
    ("timezone",): _STR,
}


def _walk(
    value: Any, span: Span | None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any, Span | None]]:
    """Every (key path, value, span) below a component's options."""
    if isinstance(value, Mapping):
        mapping: Mapping[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
        for key, child in mapping.items():
            child_span = value.value_span(str(key)) if isinstance(value, YMap) else span
            child_path = (*path, str(key))
            yield child_path, child, child_span
            yield from _walk(child, child_span, child_path)
    elif isinstance(value, list):
        items: list[Any] = value  # pyright: ignore[reportUnknownVariableType]
        for item in items:
            yield from _walk(item, span, path)


def _components(ctx: ValidationContext) -> Iterator[Component]:
    yield from ctx.project.config.pipeline
    yield from ctx.project.config.policies


def _endpoint_sections(ctx: ValidationContext) -> Iterator[tuple[str, Any]]:
    endpoints = ctx.project.endpoints
    if endpoints.nlg is not None:
        yield "nlg", endpoints.nlg
    yield from endpoints.other.items()


def model_groups(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT232: every `model_group:` reference names a group of endpoints.yml."""
    groups = ctx.project.endpoints.model_groups
    references: list[tuple[str, str, Span | None]] = []
    for component in _components(ctx):
        for path, value, span in _walk(component.options, component.span):
            if path[-1] == "model_group" and isinstance(value, str):
                references.append((f"{component.name!r} in config.yml", value, span))
    for section, data in _endpoint_sections(ctx):
        for path, value, span in _walk(data, None):
            if path[-1] == "model_group" and isinstance(value, str):
                references.append((f"{section!r} in endpoints.yml", value, span))
    for where, group, span in references:
        if group in groups:
            continue
        if groups:
            hint = ctx.suggest_in(
                group,
                {gid: g.span for gid, g in groups.items()},
                "use the id of a group under 'model_groups:'",
            )
        else:
            hint = "define it under 'model_groups:' in endpoints.yml"
        yield Diagnostic.error(
            "CT232",
            f"{where} uses model group {group!r}, which endpoints.yml does not define",
            span,
            hint=hint,
        )


def prompt_templates(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT233: a configured prompt template must be a readable Jinja file below the project."""
    for component in _components(ctx):
        for path, value, span in _walk(component.options, component.span):
            if path[-1] in TEMPLATE_KEYS and isinstance(value, str) and _looks_like_path(value):
                yield from _check_template(ctx.root, component.name, value, span)
    for section, data in _endpoint_sections(ctx):
        for path, value, span in _walk(data, None):
            if path[-1] in TEMPLATE_KEYS and isinstance(value, str) and _looks_like_path(value):
                yield from _check_template(ctx.root, section, value, span)


def _looks_like_path(value: str) -> bool:
    return "\n" not in value and "{" not in value and bool(value.strip())


def _check_template(root: Path, owner: str, value: str, span: Span | None) -> Iterator[Diagnostic]:
    path = root / value
    if not path.is_file():
        yield Diagnostic.error(
            "CT233",
            f"prompt template {value!r} of {owner!r} does not exist",
            span,
            hint="paths are relative to the project directory",
        )
        return
    try:
        if path.stat().st_size > MAX_TEMPLATE_BYTES:
            yield Diagnostic.error("CT233", f"prompt template {value!r} is larger than 1 MB", span)
            return
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        yield Diagnostic.error("CT233", f"prompt template {value!r} cannot be read: {exc}", span)
        return
    from jinja2 import TemplateSyntaxError

    from calmtui.core.sandbox import sandbox

    try:
        sandbox(mutable=True).parse(text)
    except TemplateSyntaxError as exc:
        yield Diagnostic.error(
            "CT233",
            f"prompt template {value!r} is not valid Jinja (line {exc.lineno}: {exc.message})",
            span,
        )


def option_types(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT236: options of the LLM command generator have the documented types."""
    for component in ctx.project.config.pipeline:
        if component.name not in LLM_COMMAND_GENERATORS:
            continue
        for path, value, span in _walk(component.options, component.span):
            expected = GENERATOR_OPTIONS.get(path)
            if expected is None or value is None or _fits(value, expected):
                continue
            shown = "" if isinstance(value, Mapping | list) else f" ({value!r})"
            yield Diagnostic.warning(
                "CT236",
                f"option {'.'.join(path)!r} of {component.name} must be {expected}, "
                f"found {type_name(value)}{shown}; calmtui uses the default",
                span,
            )


def _fits(value: Any, expected: str) -> bool:
    if expected == _BOOL:
        return isinstance(value, bool)
    if expected == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == _STR:
        return isinstance(value, str)
    return isinstance(value, Mapping)
