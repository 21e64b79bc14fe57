"""Actions that import rasa_sdk when it is not installed: the message says how to install it.

rasa_sdk is installed in the dev environment, so its absence is simulated the way Python itself
spells "not importable": `sys.modules["rasa_sdk"] = None` makes every `import rasa_sdk...` raise
ModuleNotFoundError(name="rasa_sdk").
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from calmtui.actions.checks import find_missing_actions
from calmtui.actions.module_loader import SDK_INSTALL, load_actions_module
from tests.actions.conftest import SDK_ACTIONS, load, write_project

pytestmark = pytest.mark.anyio
REPO = Path(__file__).resolve().parents[2]
HIDE_RASA_SDK = "import sys; sys.modules['rasa_sdk'] = None\n"


@pytest.fixture
def without_rasa_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "rasa_sdk" or m.startswith("rasa_sdk.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "rasa_sdk", None)


@pytest.mark.usefixtures("without_rasa_sdk")
def test_the_import_error_names_the_extra_to_install(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank", actions=SDK_ACTIONS)
    loaded = load_actions_module(root, "actions")
    assert loaded.error == (
        "cannot import the actions module 'actions': it uses rasa_sdk, which is not installed; "
        "install it with: pip install 'calmtui[sdk]' (rasa-sdk 3.21.1)"
    )
    assert "from rasa_sdk import Action" in loaded.detail  # the user's line, in the traceback
    [problem] = find_missing_actions(load(root))
    assert problem.code == "CT244"
    assert "pip install 'calmtui[sdk]'" in problem.message


@pytest.mark.usefixtures("without_rasa_sdk")
async def test_a_conversation_calling_such_an_action_shows_the_same_advice(tmp_path: Path) -> None:
    from calmtui.actions.factory import make_action_runner
    from tests.actions.conversation import converse

    project = load(write_project(tmp_path / "bank", actions=SDK_ACTIONS))
    [result] = await converse(
        project, make_action_runner(project), [("balance?", "start flow check_balance")]
    )
    [call] = result.action_calls
    assert call.error is not None
    assert "pip install 'calmtui[sdk]'" in call.error


def test_a_missing_submodule_of_an_installed_rasa_sdk_is_reported_as_it_is(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path / "bank", actions="import rasa_sdk.no_such_module\n")
    loaded = load_actions_module(root, "actions")
    assert loaded.error == (
        "cannot import the actions module 'actions': ModuleNotFoundError: "
        "No module named 'rasa_sdk.no_such_module'"
    )


def test_calmtui_validate_says_how_to_install_it(tmp_path: Path) -> None:
    """Through the CLI, in a process where rasa_sdk cannot be imported."""
    root = write_project(tmp_path / "bank", actions=SDK_ACTIONS)
    code = (
        HIDE_RASA_SDK
        + "import runpy\n"
        + f"sys.argv = ['calmtui', 'validate', '--project', {str(root)!r}]\n"
        + "runpy.run_module('calmtui', run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 1, done.stdout + done.stderr  # an error for every command
    assert "error[CT244]: cannot import the actions module 'actions': it uses rasa_sdk" in (
        done.stdout
    )
    assert "pip install 'calmtui[sdk]' (rasa-sdk 3.21.1)" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_the_sdk_extra_exists_and_pins_what_the_message_names() -> None:
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert extras["sdk"] == ["rasa-sdk==3.21.1"]
    assert "rasa-sdk==3.21.1" in extras["dev"]  # the version the tests run against
    assert "calmtui[sdk]" in SDK_INSTALL
    assert "3.21.1" in SDK_INSTALL
