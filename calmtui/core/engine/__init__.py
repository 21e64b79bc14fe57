"""The dialogue engine: commands in, flows advanced on the stack, events out (pure, synchronous).

The names below are loaded on first use: modules such as `engine.outcome` or `engine.frames` are
imported on their own by `calmtui validate` and the action SDK, which must not pay for the whole
engine (about 60 ms of class definitions) just to reach them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calmtui.core.engine.executor import PendingAction
    from calmtui.core.engine.outcome import ActionOutcome, GeneratedReply
    from calmtui.core.engine.state import DialogueState
    from calmtui.core.engine.turn import Engine, TurnMachine, TurnOutcome

_EXPORTS = {
    "ActionOutcome": "calmtui.core.engine.outcome",
    "DialogueState": "calmtui.core.engine.state",
    "GeneratedReply": "calmtui.core.engine.outcome",
    "Engine": "calmtui.core.engine.turn",
    "PendingAction": "calmtui.core.engine.executor",
    "TurnMachine": "calmtui.core.engine.turn",
    "TurnOutcome": "calmtui.core.engine.turn",
}

__all__ = [
    "ActionOutcome",
    "DialogueState",
    "Engine",
    "GeneratedReply",
    "PendingAction",
    "TurnMachine",
    "TurnOutcome",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'calmtui.core.engine' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
