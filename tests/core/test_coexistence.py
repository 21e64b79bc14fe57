"""Which messages Rasa's coexistence router would hand to the NLU-based half (issue 11 §7), as
`calmtui.core.coexistence` decides it from Rasa's documented rules; and how a turn shows it."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmtui.cli.main import app
from calmtui.core.coexistence import route
from calmtui.core.model.nlu_data import NluData
from calmtui.core.model.project import Project
from tests.core.project_builder import DOMAIN, FLOWS, build

INTENT_ROUTER = """
pipeline:
  - name: WhitespaceTokenizer
  - name: IntentBasedRouter
    nlu_entry: {sticky: [request_card], non_sticky: [bot_challenge]}
    calm_entry: {sticky: [transfer_money]}
  - name: CompactLLMCommandGenerator
"""
LLM_ROUTER = """
pipeline:
  - name: LLMBasedRouter
    calm_entry: {sticky: money transfers}
  - name: CompactLLMCommandGenerator
"""
EXAMPLES = {
    "request_card": ("I'd like a library card", "sign me up"),
    "bot_challenge": ("are you a bot?",),
    "transfer_money": ("send money",),
    "send": ("pay someone",),
    "greet": ("hello", "hi"),
}
TRIGGERED = FLOWS.replace(
    "    description: Send money.\n",
    "    description: Send money.\n    nlu_trigger: [intent: send]\n",
)


def project(config: str, *, slot: bool = True) -> Project:
    domain = DOMAIN.replace("slots:\n", "slots:\n  route_session_to_calm:\n    type: bool\n", 1)
    built = build(domain=domain if slot else DOMAIN, flows=TRIGGERED, config=config, strict=False)
    return replace(built, nlu_data=NluData(intent_examples=EXAMPLES))


def decide(config: str, text: str, **kwargs: object) -> tuple[str, bool] | None:
    slots = kwargs.pop("slots", {})
    found = route(project(config, **kwargs), text, slots, has_commands=False)  # type: ignore[arg-type]
    return None if found is None else (found.reason, found.sticky)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'd like a library card", ("intent 'request_card'", True)),  # nlu_entry.sticky
        ("  SIGN me up!  ", ("intent 'request_card'", True)),  # case, space, final punctuation
        ("are you a bot", ("intent 'bot_challenge'", False)),  # nlu_entry.non_sticky
        ("send money", None),  # calm_entry.sticky
        ("pay someone", None),  # the intent starts a flow (nlu_trigger)
        ("hello", ("intent 'greet'", True)),  # in no entry, starts no flow
        ("what's the weather like", None),  # no training example: calmtui cannot tell; CALM
        ("/greet", ("the intent trigger '/greet' starts no flow", True)),
        ("/send", None),
    ],
)
def test_intent_based_router(text: str, expected: tuple[str, bool] | None) -> None:
    found = decide(INTENT_ROUTER, text)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert found[0].startswith(expected[0])
        assert found[1] is expected[1]


def test_llm_based_router_routes_only_intent_triggers() -> None:
    assert decide(LLM_ROUTER, "I'd like a library card") is None  # its model decides; not asked
    assert decide(LLM_ROUTER, '/greet{"name": "x"}') == (
        "the intent trigger '/greet' starts no flow (no flow's nlu_trigger lists it)",
        True,
    )
    assert decide(LLM_ROUTER, "/send") is None


def test_an_active_routing_session_and_given_commands_are_never_routed() -> None:
    assert decide(INTENT_ROUTER, "hello", slots={"route_session_to_calm": True}) is None
    assert decide(INTENT_ROUTER, "hello", slots={"route_session_to_calm": False}) is None
    assert route(project(INTENT_ROUTER), "hello", {}, has_commands=True) is None


def test_no_router_or_no_routing_slot_means_no_routing() -> None:
    assert decide("pipeline:\n  - name: CompactLLMCommandGenerator\n", "hello") is None
    assert decide(INTENT_ROUTER, "hello", slot=False) is None


LIBRARY = Path(__file__).resolve().parents[1] / "compat" / "projects" / "coexistence_library"


def test_the_turn_shows_the_note_in_the_plain_shell(tmp_path: Path) -> None:
    root = tmp_path / "library"
    shutil.copytree(LIBRARY, root)  # the shell saves the conversation next to the project
    runner = CliRunner(env={"NO_COLOR": "1", "CALMTUI_UNDERSTANDING": None})
    result = runner.invoke(app, ["shell", "--plain", "--project", str(root)], input="hello\n")
    assert result.exit_code == 0, result.output
    assert (
        "note: Rasa's router would hand this message to the NLU-based half (intent 'greet' (the "
        "message is one of its training examples) is in no entry of the IntentBasedRouter and "
        "starts no flow) and keep the session there until a story or rule runs "
        "action_reset_routing; calmtui runs only the CALM half"
    ) in result.stderr
    debug = runner.invoke(app, ["inspect", "--plain", "--project", str(root)], input="hello\n")
    assert "\n  coexistence: Rasa's router would hand this message" in debug.stdout
