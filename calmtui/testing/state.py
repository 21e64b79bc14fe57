"""`--last-failed`: which test cases failed last time, kept in `.calmtui/last-failed.json`.

After every run the file holds the cases that failed and have not passed since (a case that
was not run keeps its entry, so running one file does not forget failures elsewhere). Ids are
`path::name` with the path relative to the project root. A missing or unreadable file means
"nothing failed".
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

STATE_DIR = ".calmtui"
LAST_FAILED = "last-failed.json"
VERSION = 1


def last_failed_path(project_root: str | os.PathLike[str]) -> Path:
    return Path(project_root) / STATE_DIR / LAST_FAILED


def read_last_failed(project_root: str | os.PathLike[str]) -> list[str]:
    path = last_failed_path(project_root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    failed: Any = cast(dict[str, Any], data).get("failed") if isinstance(data, dict) else None
    return [str(item) for item in cast(list[Any], failed)] if isinstance(failed, list) else []


def update_last_failed(
    project_root: str | os.PathLike[str], ran: Iterable[str], failed: Iterable[str]
) -> list[str]:
    """Drop the cases that ran (and passed), add the ones that failed; returns the new list.

    Raises OSError when the file cannot be written (the CLI reports it as a warning)."""
    ran_ids = set(ran)
    failed_ids = list(dict.fromkeys(failed))
    kept = [node for node in read_last_failed(project_root) if node not in ran_ids]
    result = list(dict.fromkeys([*kept, *failed_ids]))
    path = last_failed_path(project_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(
        json.dumps({"version": VERSION, "failed": result}, indent=1) + "\n", encoding="utf-8"
    )
    tmp.replace(path)
    return result
