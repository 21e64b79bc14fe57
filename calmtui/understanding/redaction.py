"""Keeping API keys out of everything we show or store.

Error messages from providers sometimes echo a key ("Incorrect API key provided: sk-abc..."), and
model parameters may carry one (`api_key: ${OPENAI_API_KEY}` in endpoints.yml). Every text that
leaves the LLM client (errors, notes, recordings) goes through `redact`; parameters go through
`public_params`, which also drops the transport settings that do not change an answer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from calmtui.core.model.config import SECRET_KEYS

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
