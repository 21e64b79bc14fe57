"""The dialogue engine: commands in, flows advanced on the stack, events out (pure, synchronous).

    engine = Engine(project)                       # turn.py: one project version
    machine = engine.start_turn(state, text, commands)

The state it reads and returns (the stack's frames, `DialogueState`, the project index, what an
action returns) is the read model in `calmtui.core.dialogue`, which the understanding layer, the
actions layer and validation import without loading the engine.
"""

from __future__ import annotations

from calmtui.core.engine.executor import PendingAction
from calmtui.core.engine.turn import Engine, TurnMachine, TurnOutcome

__all__ = ["Engine", "PendingAction", "TurnMachine", "TurnOutcome"]
