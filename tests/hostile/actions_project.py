"""A project whose custom actions misbehave in every way the hostile-input issue lists."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import ENDPOINTS_WITH_ACTIONS, write_project

KINDS = (
    "cancelled",
    "interrupted",
    "exit",
    "generator_exit",
    "async_cancelled",
    "async_interrupted",
    "cancels_itself",
    "printing",
    "slow",
    "async_slow",
    "sets_words",
    "hostile_text",
)
ACTIONS = """\
import asyncio
import time

from calmtui.actions.sdk import action


@action("action_cancelled")
def cancelled(tracker, dispatcher):
    raise asyncio.CancelledError()


@action("action_interrupted")
def interrupted(tracker, dispatcher):
    raise KeyboardInterrupt


@action("action_exit")
def leave(tracker, dispatcher):
    raise SystemExit(4)


@action("action_generator_exit")
def generator_exit(tracker, dispatcher):
    raise GeneratorExit


@action("action_async_cancelled")
async def async_cancelled(tracker, dispatcher):
    raise asyncio.CancelledError()


@action("action_async_interrupted")
async def async_interrupted(tracker, dispatcher):
    raise KeyboardInterrupt


@action("action_cancels_itself")
async def cancels_itself(tracker, dispatcher):
    asyncio.current_task().cancel()
    await asyncio.sleep(0)
    return []


@action("action_printing")
def printing(tracker, dispatcher):
    print("debug print from the action")
    dispatcher.utter_message(text="printed")
    return [{"event": "slot", "name": "amount", "value": 1e309}]


@action("action_slow")
def slow(tracker, dispatcher):
    words = (tracker.latest_message.get("text") or "").split()
    time.sleep(float(words[-1]) if words and words[-1][0].isdigit() else 30)
    dispatcher.utter_message(text="slept")
    return []


@action("action_async_slow")
async def async_slow(tracker, dispatcher):
    await asyncio.sleep(30)
    return []


@action("action_sets_words")
def sets_words(tracker, dispatcher):
    return [{"event": "slot", "name": "amount", "value": "lots"},
            {"event": "slot", "name": "count", "value": "3"}]


@action("action_hostile_text")
def hostile_text(tracker, dispatcher):
    dispatcher.utter_message(
        text="before\\x1b]0;PWNED\\x07\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07\\x9b31m[bold]B[/bold] [link=https://evil.example]x[/link] after",
        buttons=[{"title": "\\x1b]0;BUTTON\\x07[red]click[/red]", "payload": "/SetSlots(amount=1)"}],
    )
    return [{"event": "slot", "name": "note", "value": "\\x1b]0;SLOT\\x07[blink]v[/blink]"}]
"""


def flows() -> str:
    return "flows:\n" + "".join(
        f"""  run_{kind}:
    description: Run the {kind.replace("_", " ")} action.
    metadata:
      examples:
        - run {kind.replace("_", " ")}
    steps:
      - action: action_{kind}
      - action: utter_done
"""
        for kind in KINDS
    )


DOMAIN = """\
slots:
  amount:
    type: float
  count:
    type: float
  delay:
    type: float
  note:
    type: text
responses:
  utter_done:
    - text: "done"
actions:
""" + "".join(f"  - action_{kind}\n" for kind in KINDS)


def write_actions_project(root: Path, files: dict[str, str | None] | None = None) -> Path:
    return write_project(
        root,
        {
            "endpoints.yml": ENDPOINTS_WITH_ACTIONS,
            "data/flows.yml": flows(),
            "domain.yml": DOMAIN,
            "actions/__init__.py": ACTIONS,
            "tests/e2e.yml": None,
            **(files or {}),
        },
    )
