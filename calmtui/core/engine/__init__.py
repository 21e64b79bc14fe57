"""The dialogue engine: commands in, flows advanced on the stack, events out (pure, synchronous)."""

from calmtui.core.engine.executor import PendingAction
from calmtui.core.engine.state import DialogueState
from calmtui.core.engine.turn import ActionOutcome, Engine, TurnMachine, TurnOutcome

__all__ = [
    "ActionOutcome",
    "DialogueState",
    "Engine",
    "PendingAction",
    "TurnMachine",
    "TurnOutcome",
]
