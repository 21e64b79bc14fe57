"""Writing a test project to disk: the one helper the suites' `write_project` functions share."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path


def write_files(
    root: Path,
    defaults: Mapping[str, str],
    files: Mapping[str, str | None] | None = None,
    *,
    dedent: bool = False,
) -> Path:
    """Write `defaults` under `root`, with `files` adding or replacing files by relative path
    (None leaves a default one out); `dedent` strips the common indentation of each text."""
    contents: dict[str, str | None] = {**defaults, **(files or {})}
    for rel, text in contents.items():
        if text is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if dedent else text, encoding="utf-8")
    return root
