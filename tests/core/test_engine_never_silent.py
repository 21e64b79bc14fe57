"""A turn with a user message never ends in silence (issue 16 item 1).

`cannot handle` given with other commands is dropped (CT408) only when one of those others is
applied; when every command is dropped (or there is none) and nothing else happened, the
assistant asks to rephrase (CT426). The property test drives random command lists through
random conversations and checks that no turn has neither an effect nor an utterance.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calmtui.core.commands import CannotHandle, Command, SetSlot, StartFlow
from calmtui.core.dialogue.state import DialogueState
from calmtui.core.engine import Engine, TurnOutcome
from calmtui.core.events import (
    ActionExecuted,
    BotUttered,
    CommandIgnored,
    CommandRewritten,
    Restarted,
    UserUttered,
)
from calmtui.core.model.project import Project
from tests.core.project_builder import build
from tests.core.test_engine_projects import banking_project, run_turn
from tests.core.test_engine_properties import GENERATED, commands_for, outcomes_from

DOMAIN = """
slots:
  is_member:
    type: bool
    mappings: [{type: controlled}]
  member_id:
    type: text
    mappings: [{type: controlled}]
  city:
    type: text
  recipient:
    type: text
responses:
  utter_ask_city:
    - text: Which city?
  utter_ask_recipient:
    - text: Who?
  utter_lounge:
    - text: Welcome to the lounge.
  utter_weather:
    - text: Sunny in {city}.
"""
FLOWS = """
flows:
  members_lounge:
    description: Enter the members' lounge.
    if: slots.is_member
    steps:
      - action: utter_lounge
  weather:
    description: Tell the weather in a city.
    steps:
      - collect: city
      - action: utter_weather
  send_money:
    description: Send money.
    steps:
      - collect: recipient
"""
ISSUE_REPLY: list[Command] = [
    StartFlow(flow="members_lounge"),  # guarded: its `if` is false
    SetSlot(name="member_id", value="42"),  # controlled: understanding may not set it
    SetSlot(name="city", value="Paris"),  # no active flow collects it
    SetSlot(name="no_such_slot", value="x"),  # unknown
]


def _engine() -> Engine:
    return Engine(build(domain=DOMAIN, flows=FLOWS))


def _reasons(outcome: TurnOutcome) -> list[str]:
    return [e.reason for e in outcome.events if isinstance(e, CommandIgnored | CommandRewritten)]


def test_the_cannot_handle_survives_when_every_other_command_is_dropped() -> None:
    engine = _engine()
    outcome = run_turn(engine, engine.new_state(), ISSUE_REPLY)
    assert [m.utter_action for m in outcome.bot_messages] == ["utter_ask_rephrase"]
    reasons = _reasons(outcome)
    assert "CT408" not in reasons
    assert {"CT409", "CT405", "CT404", "CT402"} <= set(reasons)
    assert CannotHandle() in outcome.accepted_commands


def test_the_cannot_handle_is_dropped_when_another_command_is_applied() -> None:
    engine = _engine()
    outcome = run_turn(engine, engine.new_state(), [*ISSUE_REPLY, StartFlow(flow="weather")])
    said = [m.utter_action for m in outcome.bot_messages]
    assert said[0] == "utter_weather"  # city came with the flow that collects it
    assert "utter_ask_rephrase" not in said
    assert "CT408" in _reasons(outcome)
    assert CannotHandle() not in outcome.accepted_commands


def test_a_message_with_nothing_left_to_do_is_answered() -> None:
    engine = _engine()
    outcome = run_turn(engine, engine.new_state(), [SetSlot(name="city", value="Paris")])
    assert [m.utter_action for m in outcome.bot_messages] == ["utter_ask_rephrase"]
    assert _reasons(outcome) == ["CT402", "CT426"]
    [rewritten] = [e for e in outcome.events if isinstance(e, CommandRewritten)]
    assert (rewritten.command, rewritten.rewritten_to) == ("set slot city Paris", "cannot handle")
    # the accepted commands (and the user event) list the command that answered
    assert outcome.accepted_commands[-1] == CannotHandle()
    [user] = [e for e in outcome.events if isinstance(e, UserUttered)]
    assert user.commands == ("set slot city Paris", "cannot handle")
    listens = [e for e in outcome.events if isinstance(e, ActionExecuted)]
    assert [e.name for e in listens].count("action_listen") == 1


def test_an_empty_command_list_is_answered_too() -> None:
    engine = _engine()
    outcome = run_turn(engine, engine.new_state(), [])
    assert [m.utter_action for m in outcome.bot_messages] == ["utter_ask_rephrase"]
    assert _reasons(outcome) == ["CT426"]


def test_the_session_start_turn_is_not_a_user_message() -> None:
    engine = _engine()
    outcome = run_turn(engine, engine.new_state(), [], text=None)
    assert outcome.bot_messages == []


# -- the property -------------------------------------------------------------------------------
PROPERTY = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


def _had_an_effect(outcome: TurnOutcome, before: DialogueState) -> bool:
    if any(isinstance(e, Restarted) for e in outcome.events):
        return True
    if any(isinstance(e, ActionExecuted) and e.name != "action_listen" for e in outcome.events):
        return True
    return outcome.state.stack != before.stack or dict(outcome.state.slots) != dict(before.slots)


def _check_never_silent(project: Project, turns: Sequence[Sequence[Command]], seed: int) -> None:
    engine = Engine(project, seed=seed)
    state = engine.new_state()
    answer = outcomes_from(seed)
    for number, commands in enumerate(turns):
        outcome = run_turn(engine, state, commands, text=f"message {number}", outcomes=answer)
        said = any(isinstance(e, BotUttered) for e in outcome.events)
        assert said or _had_an_effect(outcome, state), (commands, outcome.events)
        state = outcome.state


@PROPERTY
@given(turns=commands_for(banking_project()), seed=st.integers(0, 10**6))
def test_no_turn_of_the_banking_assistant_ends_in_silence(
    turns: list[list[Command]], seed: int
) -> None:
    _check_never_silent(banking_project(), turns, seed)


@PROPERTY
@given(turns=commands_for(GENERATED), seed=st.integers(0, 10**6))
def test_no_turn_of_a_generated_project_ends_in_silence(
    turns: list[list[Command]], seed: int
) -> None:
    _check_never_silent(GENERATED, turns, seed)
