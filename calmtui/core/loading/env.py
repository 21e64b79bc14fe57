"""`.env` files and `${ENV_VAR}` interpolation (FORMATS.md a.1, a.3).

Values read here can be secrets (API keys). They are never put into diagnostics: a message names
the variable, never its value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.source import YMap, YSeq

_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$")
_REFERENCE = re.compile(r"\$\{([^}:]+)(?::-([^}]*))?\}")


def parse_dotenv(text: str, path: str) -> tuple[dict[str, str], list[Diagnostic]]:
    values: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if not match:
            diagnostics.append(
                Diagnostic.warning(
                    "CT120", "this .env line is not of the form NAME=value", Span(path, number, 1)
                )
            )
            continue
        name, raw = match.groups()
        values[name] = _unquote(raw)
    return values, diagnostics


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        inner = raw[1:-1]
        return inner.replace("\\n", "\n") if raw[0] == '"' else inner
    return raw.split(" #", 1)[0].rstrip()


def interpolate(
    data: Any, environ: Mapping[str, str], diagnostics: list[Diagnostic], span: Span | None = None
) -> Any:
    """Replace `${NAME}` (and `${NAME:-default}`) in every string of a YAML tree.

    Containers keep their spans; an unset variable is a `CT121` note (info, so offline work is not nagged) at the value's place
    (the model client reports a clear error later if the value is really needed).
    """
    if isinstance(data, str):
        return _substitute(data, environ, diagnostics, span)
    if isinstance(data, YMap):
        result = YMap(data.span, path=data.span.path)
        result.copy_positions(data)
        for key, value in data.items():
            result[key] = interpolate(value, environ, diagnostics, data.value_span(key))
        return result
    if isinstance(data, YSeq):
        seq = YSeq(data.span, path=data.span.path)
        seq.copy_positions(data)
        for i, value in enumerate(data):
            seq.append(interpolate(value, environ, diagnostics, data.item_span(i)))
        return seq
    if isinstance(data, dict):  # a plain dict built from a YAML mapping (e.g. component options)
        plain: dict[Any, Any] = data  # pyright: ignore[reportUnknownVariableType]
        return {key: interpolate(value, environ, diagnostics, span) for key, value in plain.items()}
    return data


def _substitute(
    text: str, environ: Mapping[str, str], diagnostics: list[Diagnostic], span: Span | None
) -> str:
    if "${" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1).strip(), match.group(2)
        if name in environ:
            return environ[name]
        if default is not None:
            return default
        diagnostics.append(
            Diagnostic.info(
                "CT121",
                f"environment variable {name!r} is not set",
                span,
                hint=f"set it in your shell or in the project's .env file ({name}=...)",
            )
        )
        return ""

    return _REFERENCE.sub(replace, text)
