"""What running one test case produced, and how Rasa slices it into turns (FORMATS.md g.3).

A `Conversation` is the session-start turn, the fixture SlotSets, and one `TurnRecord` per user
step that was sent. Style A compares each expectation step with the events of the latest user
turn (session-start events before the first user step); style B evaluates a user step's
assertions on the events from its user message up to the next user message with a *different*
text (so a message repeated back-to-back belongs to the same turn, as in Rasa).
"""

from __future__ import annotations

from dataclasses import dataclass

from calmtui.core.commands import Command
from calmtui.core.events import Event, SlotSet
from calmtui.session import TurnResult
from calmtui.testing.spec import UserStep


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnRecord:
    number: int  # 1-based: the n-th user message sent
    step_index: int  # position of the user step in the test case's steps
    step: UserStep
    result: TurnResult


@dataclass(frozen=True, slots=True, kw_only=True)
class Conversation:
    start: TurnResult | None
    fixture_events: tuple[SlotSet, ...] = ()
    turns: tuple[TurnRecord, ...] = ()

    @property
    def opening_events(self) -> list[Event]:
        """Everything before the first user message: session start, then fixtures (as Rasa)."""
        events: list[Event] = list(self.start.events) if self.start is not None else []
        events.extend(self.fixture_events)
        return events

    def all_results(self) -> list[TurnResult]:
        results = [self.start] if self.start is not None else []
        return results + [t.result for t in self.turns]


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnSlice:
    """The events a user step's assertions are evaluated on, and what came before them."""

    events: list[Event]
    prior: list[Event]
    records: list[TurnRecord]

    @property
    def produced(self) -> list[Command]:
        commands: list[Command] = []
        for record in self.records:
            trace = record.result.understanding
            if trace is not None:
                commands.extend(trace.commands)
        return commands


def turn_slice(conversation: Conversation, record: TurnRecord) -> TurnSlice:
    """Rasa's turn for a user step: from its message to the next message with another text."""
    prior = conversation.opening_events
    turns = list(conversation.turns)
    position = turns.index(record)
    for earlier in turns[:position]:
        prior.extend(earlier.result.events)
    covered = [record]
    for later in turns[position + 1 :]:
        if later.step.text != record.step.text:
            break
        covered.append(later)
    events: list[Event] = [e for r in covered for e in r.result.events]
    return TurnSlice(events=events, prior=prior, records=covered)
