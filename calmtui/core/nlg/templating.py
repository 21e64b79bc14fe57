"""The two template engines a response can use: Rasa's "format" engine and sandboxed Jinja.

Both run on every bot turn, so they are built for the common case: a text without a `{` is
returned as is, the format engine's pattern is compiled once, and Jinja templates are compiled once
per distinct source (an LRU cache keyed by the template text).

Project files are input, not code (STYLE.md 3.2): Jinja only ever runs inside calmtui's one
sandbox (`calmtui.core.sandbox`), which refuses private attributes (`''.__class__`), changes to the
objects a template is shown, and `*` and `**` results large enough to stall the engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # jinja2 costs ~35 ms to import: only pay it when a template is rendered
    from calmtui.core.sandbox import SandboxedEnvironment, Template

# `{{` / `}}` are str.format escapes; `{name}` is a placeholder (no newline, no nested brace, the
# exact rule Rasa's interpolator uses); a lone `{` or `}` is a stray brace.
_FORMAT_TOKEN = re.compile(r"\{\{|\}\}|\{([^\n{}]+)\}|[{}]")
_PLACEHOLDER = re.compile(r"\{([^\n{}]+)\}")


def interpolate_text(template: str, values: Mapping[str, Any]) -> str:
    """Fill `{name}` placeholders the way Rasa's default ("format") engine does.

    Rasa rewrites `{name}` to `{0[name]}` and runs `str.format`, so when every placeholder is known
    and no brace is stray, `{{`/`}}` come out as `{`/`}` exactly as with `str.format`; we reproduce
    that. When Rasa's `format` would fail (an unknown placeholder, `{}`, JSON such as
    `{"a": {"b": 1}}`, a lone brace) Rasa returns the whole text unfilled; we instead fill the known
    placeholders and leave everything else, escapes included, byte for byte, which is what a user
    would expect and keeps JSON-like text intact. Values are shown with `str()`, so None is "None".
    """
    if "{" not in template and "}" not in template:
        return template
    faithful = True

    def strict(match: re.Match[str]) -> str:
        nonlocal faithful
        key = match.group(1)
        if key is not None and key in values:
            return str(values[key])
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        faithful = False
        return token

    result = _FORMAT_TOKEN.sub(strict, template)
    if faithful:
        return result

    def lenient(match: re.Match[str]) -> str:
        key = match.group(1)
        return str(values[key]) if key in values else match.group(0)

    return _PLACEHOLDER.sub(lenient, template)


@cache
def _jinja() -> SandboxedEnvironment:
    """The responses' sandbox (`calmtui.core.sandbox`: immutable, with the shared size limits),
    built on first use.

    Autoescape off (responses are chat text, not HTML) and the default `Undefined`, which renders
    a missing name as "" and fails only when something is done with it (`missing.attr`): the same
    settings as Rasa's `jinja2.Template(...)`, so `{{ context.canceled_name }}` without a context
    renders as an empty string rather than an error.
    """
    from calmtui.core.sandbox import sandbox

    return sandbox()


@lru_cache(maxsize=2048)
def _compile_jinja(source: str) -> Template | str:
    """The compiled template, or the error message when it does not compile (cached as well)."""
    try:
        return _jinja().from_string(source)
    except Exception as exc:  # TemplateSyntaxError, and anything else the compiler may raise
        return _describe(exc)


def render_jinja(source: str, variables: Mapping[str, Any]) -> tuple[str, str | None]:
    """Render `source` with Jinja; on any error return the raw source and the error message.

    Responses are rendered every turn and must never crash the conversation: a broken template is
    shown as written and the message goes to the inspector's problems.
    """
    if "{" not in source and "\r" not in source:
        # Nothing for Jinja to do except what it does to every template: drop one final newline.
        return (source[:-1] if source.endswith("\n") else source), None
    compiled = _compile_jinja(source)
    if isinstance(compiled, str):
        return source, compiled
    try:
        return compiled.render(variables), None
    except Exception as exc:  # UndefinedError, SecurityError, TypeError, ZeroDivisionError, ...
        return source, _describe(exc)


def _describe(exc: Exception) -> str:
    message = str(exc) or type(exc).__name__
    line = getattr(exc, "lineno", None)
    return f"{message} (template line {line})" if isinstance(line, int) and line > 1 else message


def map_strings(value: Any, render: Callable[[str], str]) -> Any:
    """Apply `render` to every string inside `value`, walking dicts and lists (keys untouched).

    Rasa interpolates `custom`, `attachment` and `quick_replies` recursively; we return plain
    `dict`/`list` copies, never the project's own (possibly YAML-positioned) objects.
    """
    if isinstance(value, str):
        return render(value)
    if isinstance(value, Mapping):
        return {k: map_strings(v, render) for k, v in cast(Mapping[Any, Any], value).items()}
    if isinstance(value, list | tuple):
        return [map_strings(v, render) for v in cast(list[Any] | tuple[Any, ...], value)]
    return value
