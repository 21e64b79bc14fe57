"""Keeping API keys out of everything we show or store.

Error messages from providers sometimes echo a key ("Incorrect API key provided: sk-abc..."), and
model parameters may carry one (`api_key: ${OPENAI_API_KEY}` in endpoints.yml). Every text that
leaves the LLM client (errors, notes, recordings) goes through `redact`; parameters go through
`public_params`, which also drops the transport settings that do not change an answer.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any, cast
from urllib.parse import urlsplit

from calmtui.core.model.config import SECRET_KEYS
from calmtui.core.model.project import Project

MASK = "***"
# Parameters that are secrets or say where/how to connect, not what to answer.
TRANSPORT_KEYS = frozenset(
    {"api_base", "api_version", "base_url", "timeout", "organization", "headers", "extra_headers"}
)
_SECRET_NAME = re.compile(
    r"(?i)^(?:.*[_-])?(?:api[_-]?key|key|token|secret|password|passwd|authorization|credentials?)$"
)
_SECRET_ENV = re.compile(r"(?i)(_API_KEY|_TOKEN|_SECRET|_PASSWORD)$")
_KEY_LIKE = re.compile(r"\b(sk|pk|rk)-[A-Za-z0-9_\-]{8,}|\bBearer\s+[A-Za-z0-9._\-]{8,}")


def is_secret_name(name: str) -> bool:
    return name in SECRET_KEYS or bool(_SECRET_NAME.match(name))


def public_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters that shape an answer, without secrets or connection details."""
    return {
        key: value
        for key, value in params.items()
        if not is_secret_name(key) and key not in TRANSPORT_KEYS
    }


def secret_values(
    params: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """Secret strings that must never be shown: secret parameters and key-like env variables."""
    env = os.environ if environ is None else environ
    values = [str(v) for k, v in (params or {}).items() if is_secret_name(k) and v]
    values.extend(v for k, v in env.items() if _SECRET_ENV.search(k) and v)
    return [v for v in values if len(v) >= 4]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every known secret and anything shaped like a key replaced by `***`."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return _KEY_LIKE.sub(MASK, text)


def known_secrets(project: Project, environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Every secret the project's configuration holds — the action endpoint's token, password,
    secret headers and URL password, the models' keys — and the secret-looking environment
    variables: what a turn's record must never show, wherever it ends up (a server can echo a
    token back in a message or a slot)."""
    found: list[str] = []
    endpoint = project.endpoints.action_endpoint
    if endpoint is not None:
        found += _secrets_in(endpoint.options)
        if endpoint.url:
            with contextlib.suppress(ValueError):
                password = urlsplit(endpoint.url).password
                if password:
                    found.append(password)
    for group in project.endpoints.model_groups.values():
        for model in group.models:
            found += secret_values(model.params, {})
    found += secret_values(None, environ)
    return tuple(sorted({s for s in found if len(s) >= 4}, key=len, reverse=True))


def _secrets_in(options: Mapping[str, Any]) -> list[str]:
    """Secret values in nested endpoint options (`token`, `basic_auth.password`, headers)."""
    found: list[str] = []
    for key, value in options.items():
        if isinstance(value, Mapping):
            found += _secrets_in(cast(Mapping[str, Any], value))
        elif (is_secret_name(str(key)) or str(key).lower() in _SECRET_HEADERS) and value:
            found.append(str(value))
    return found


_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "cookie"})


def mask_strings(value: Any, secrets: Iterable[str]) -> Any:
    """`value` (JSON-like) with every occurrence of a secret in its strings replaced by `***`."""
    if isinstance(value, str):
        for secret in secrets:
            if secret in value:
                value = value.replace(secret, MASK)
        return value
    if isinstance(value, dict):
        return {k: mask_strings(v, secrets) for k, v in cast(dict[str, Any], value).items()}
    if isinstance(value, list):
        return [mask_strings(v, secrets) for v in cast(list[Any], value)]
    return value
