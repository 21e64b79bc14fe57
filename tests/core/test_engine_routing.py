"""Coexistence routing: the router's slot as Rasa's CALM side keeps it.

Regression: `route_session_to_calm` was never set, so e2e tests of coexistence projects that
assert it failed, and `action_reset_routing` did nothing.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from calmtui.core.commands import Command, SetSlot, StartFlow
from calmtui.core.dialogue.state import DialogueState
from calmtui.core.engine.turn import Engine
from calmtui.core.events import SlotSet
from calmtui.core.loading.project_loader import load_project
from calmtui.core.model.project import Project

DOMAIN = """\
slots:
  route_session_to_calm:
    type: bool
    influence_conversation: false
  branch:
    type: text
responses:
  utter_ask_branch:
    - text: Which branch?
  utter_hours:
    - text: Open 9 to 5 at {branch}.
  utter_can_do_something_else:
    - text: Anything else?
"""
FLOWS = """\
flows:
  hours:
    description: Opening hours of a branch.
    steps:
      - collect: branch
      - action: utter_hours
  pattern_completed:
    description: done
    steps:
      - action: utter_can_do_something_else
      - action: action_reset_routing
"""


def project(tmp_path: Path, domain: str = DOMAIN) -> Project:
    (tmp_path / "domain.yml").write_text(dedent(domain))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(dedent(FLOWS))
    loaded = load_project(tmp_path, environ={})
    assert loaded.project is not None
    assert loaded.ok, [d.headline() for d in loaded.diagnostics]
    return loaded.project


class Conversation:
    def __init__(self, project: Project) -> None:
        self.engine = Engine(project)
        self.state: DialogueState = self.engine.new_state()

    def turn(self, text: str, *commands: Command) -> list[object]:
        """The values the turn gave the routing slot."""
        machine = self.engine.start_turn(self.state, text, commands)
        assert machine.advance() is None  # no custom actions in this project
        outcome = machine.finish()
        self.state = outcome.state
        return [
            e.value
            for e in outcome.events
            if isinstance(e, SlotSet) and e.name == "route_session_to_calm"
        ]


def test_messages_route_the_session_to_calm_until_routing_is_reset(tmp_path: Path) -> None:
    talk = Conversation(project(tmp_path))
    assert talk.turn("hours", StartFlow(flow="hours")) == [True]
    # pattern_completed runs action_reset_routing: None, so the router decides again
    assert talk.turn("north", SetSlot(name="branch", value="north")) == [None]
    assert talk.turn("hours again", StartFlow(flow="hours")) == [True]
    assert talk.turn("south", SetSlot(name="branch", value="south")) == [None]


def test_a_routed_session_is_not_routed_again(tmp_path: Path) -> None:
    talk = Conversation(project(tmp_path))
    assert talk.turn("hours", StartFlow(flow="hours")) == [True]
    assert talk.turn("what?") == []


def test_projects_without_the_routing_slot_are_untouched(tmp_path: Path) -> None:
    domain = DOMAIN.replace(
        "  route_session_to_calm:\n    type: bool\n    influence_conversation: false\n", ""
    )
    talk = Conversation(project(tmp_path, domain))
    assert talk.turn("hours", StartFlow(flow="hours")) == []
    assert talk.turn("north", SetSlot(name="branch", value="north")) == []
    assert "route_session_to_calm" not in talk.state.slots
