"""What a custom action gives back to the engine, in its own module so that action runners and
the action SDK can use it without importing the engine itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionOutcome:
    """What a custom action returned, in the action-server format (events and responses), or
    why it failed. `error` set means failure: the internal-error pattern follows."""

    events: Sequence[Mapping[str, Any]] = ()
    responses: Sequence[Mapping[str, Any]] = ()
    error: str | None = None
    detail: str = ""
