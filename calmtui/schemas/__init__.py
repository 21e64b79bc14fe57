"""JSON Schemas (draft 2020-12) for flow, domain and e2e test files.

They exist for editors: `calmtui init` copies them into `<project>/.calmtui/schemas/` and every
scaffolded YAML file names its schema in a `# yaml-language-server: $schema=...` first line, so
completion and inline errors work offline. The loader and validator stay the source of truth
for diagnostics; the schemas only describe the shape of the files (FORMATS.md b, c, g).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Literal

SchemaKind = Literal["flows", "domain", "e2e"]
SCHEMA_KINDS: tuple[SchemaKind, ...] = ("flows", "domain", "e2e")


def schema_filename(kind: SchemaKind) -> str:
    return f"{kind}.schema.json"


def schema_text(kind: SchemaKind) -> str:
    """The schema exactly as shipped, for copying byte-for-byte into a project."""
    if kind not in SCHEMA_KINDS:
        raise ValueError(f"unknown schema {kind!r}; expected one of {', '.join(SCHEMA_KINDS)}")
    return resources.files(__name__).joinpath(schema_filename(kind)).read_text(encoding="utf-8")


def load_schema(kind: SchemaKind) -> dict[str, Any]:
    return json.loads(schema_text(kind))
