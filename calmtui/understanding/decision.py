"""What the offline understanding decided for one message: the commands, and why.

Each rule of the offline generator returns a `Decision`; the generator turns it into the
`UnderstandingTrace` that the inspector, `shell --debug` and the test runner show (`notes` say
which rule decided and on what evidence, `candidates` are the flows considered with their
scores).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from calmtui.core.commands import Command, SetSlot
from calmtui.core.diagnostics import Diagnostic
from calmtui.core.events import CommandIgnored, CommandRewritten
from calmtui.understanding.flow_matching import Candidate
from calmtui.understanding.slot_filling import Filled


@dataclass(slots=True)
class Decision:
    commands: list[Command]
    notes: list[str] = field(default_factory=list[str])
    diagnostics: list[Diagnostic] = field(default_factory=list[Diagnostic])
    candidates: list[Candidate] = field(default_factory=list[Candidate])
    dropped: list[CommandIgnored | CommandRewritten] = field(
        default_factory=list[CommandIgnored | CommandRewritten]
    )


def set_slot(name: str, filled: Filled) -> Decision:
    """The answer to the question: one `set slot`, with how the value was read."""
    return Decision(
        [SetSlot(name=name, value=filled.value)], [f"answer for {name!r}: {filled.how}"]
    )
