"""Item 3 (and 8: prints, threads, strict JSON) of the hostile-input issue: action code raising
`BaseException`s, printing, blocking, returning values that strict JSON cannot hold.

Every exception an action raises is the action's failure (the internal-error pattern, the
conversation goes on) in `shell --plain`, in `calmtui test` (summary and reports written) and in
the inspector (never stuck on "thinking"); a real Ctrl-C still stops the shell at once.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.actions_project import write_actions_project
from tests.hostile.bounded import run_calmtui

RAISING = [
    ("cancelled", "CancelledError"),
    ("interrupted", "KeyboardInterrupt"),
    ("exit", "SystemExit: 4"),
    ("generator_exit", "GeneratorExit"),
    ("async_cancelled", "CancelledError"),
    ("async_interrupted", "KeyboardInterrupt"),
    ("cancels_itself", "CancelledError"),
]
SORRY = "Sorry, I am having trouble with that"


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    return write_actions_project(tmp_path / "bot")


@pytest.mark.slow
def test_the_plain_shell_survives_every_exception_an_action_raises(bot: Path) -> None:
    lines = "".join(f"run {kind.replace('_', ' ')}\n" for kind, _ in RAISING) + "run printing\n"
    done = run_calmtui("shell", "--plain", "--debug", cwd=bot, stdin=lines)
    assert done.rc == 0, done.output
    assert "Traceback" not in done.output
    for kind, raised in RAISING:
        assert f"action 'action_{kind}' raised {raised}" in done.stdout
    assert done.stdout.count(SORRY) == len(RAISING)
    assert "you> run printing" in done.stdout  # the conversation went on after all of them
    assert "bot> printed" in done.stdout
    assert "printed: debug print from the action" in done.stdout  # shown, in --debug
    assert "conversation saved" in done.stderr


@pytest.mark.slow
def test_json_stays_strict_json_when_actions_print_and_set_infinity(bot: Path) -> None:
    done = run_calmtui("shell", "--json", cwd=bot, stdin="run printing\n/SetSlots(amount=1e309)\n")
    assert done.rc == 0, done.output
    documents = [
        json.loads(line, parse_constant=lambda word: pytest.fail(f"not strict JSON: {word}"))
        for line in done.stdout.splitlines()
    ]
    assert "debug print" not in done.stdout.replace(
        '"output": "debug print from the action\\n"', ""
    )
    [call] = [c for d in documents for c in d["action_calls"]]
    assert call["output"] == "debug print from the action\n"
    assert documents[-1]["state"]["slots"]["amount"] == "Infinity"
    assert "Infinity" not in done.stdout.replace('"Infinity"', "")


@pytest.mark.slow
def test_calmtui_test_survives_actions_that_raise_anything(bot: Path) -> None:
    cases = "".join(
        f"""  - test_case: {kind}
    steps:
      - user: run {kind.replace("_", " ")}
      - utter: utter_internal_error_rasa
      - user: run printing
      - bot: printed
"""
        for kind, _ in RAISING
    )
    (bot / "tests").mkdir(exist_ok=True)
    (bot / "tests" / "e2e.yml").write_text("test_cases:\n" + cases, encoding="utf-8")
    done = run_calmtui("test", "--junit", "junit.xml", "--json", "results.json", cwd=bot)
    assert "Traceback" not in done.output
    assert f"{len(RAISING)} passed" in done.output, done.output
    assert done.rc == 0
    assert (bot / "junit.xml").is_file()
    report = json.loads((bot / "results.json").read_text(encoding="utf-8"))
    assert report


def _interrupt_during(bot: Path, message: str) -> tuple[int, str, float]:
    process = subprocess.Popen(
        [sys.executable, "-m", "calmtui", "shell", "--plain"],
        cwd=bot,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    process.stdin.write(message + "\n")
    process.stdin.flush()
    time.sleep(3)  # the shell is up and the action is running (it sleeps 30 s)
    began = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    return process.returncode, err, time.monotonic() - began


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["slow", "async slow"])
def test_a_real_ctrl_c_still_stops_the_shell_at_once(bot: Path, kind: str) -> None:
    code, err, took = _interrupt_during(bot, f"run {kind}")
    assert code == 130
    assert "Traceback" not in err
    assert took < 10  # a synchronous action still sleeping does not hold the exit
