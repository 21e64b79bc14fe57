"""Item 8 (secrets) of the hostile-input issue: a key a server reflects is masked everywhere.

An action server that echoes the endpoint's token into a bot message and a slot used to put it,
unmasked, into `--debug`, `--json`, the database and the inspector's screenshots. Every turn's
record now has the project's known secrets (endpoint token, passwords, secret headers, model
keys, secret-looking environment variables) replaced by `***` before anyone sees or stores it.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from calmtui.actions.protocol import ActionOutcome, ActionRequest
from tests.hostile.bounded import run_calmtui
from tests.hostile.conftest import ENDPOINTS, write_project

TOKEN = "tok-3f9a-very-secret-7c21"
FLOWS = """\
flows:
  check:
    description: Check the account with the action server.
    metadata:
      examples:
        - run the check
    steps:
      - action: action_check
      - action: utter_done
"""


class _Echo(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        token = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
        body = json.dumps(
            {
                "events": [{"event": "slot", "name": "recipient", "value": f"key={token}"}],
                "responses": [{"text": f"your token is {token}"}],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/webhook"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
@pytest.mark.parametrize("mode", [["--json"], ["--plain", "--debug"]])
def test_a_token_the_action_server_echoes_is_masked_in_output_and_database(
    tmp_path: Path, echo_server: str, mode: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoints = ENDPOINTS + f"action_endpoint:\n  url: {echo_server}\n  token: ${{ACTION_TOKEN}}\n"
    root = write_project(tmp_path / "bot", {"endpoints.yml": endpoints, "data/flows.yml": FLOWS})
    monkeypatch.setenv("ACTION_TOKEN", TOKEN)
    done = run_calmtui("shell", *mode, cwd=root, stdin="run the check\n")
    assert done.rc == 0, done.output
    assert "your token is ***" in done.stdout  # the server did echo it
    assert TOKEN not in done.stdout
    assert TOKEN not in done.stderr
    database = (root / ".calmtui" / "conversations.db").read_bytes()
    wal = root / ".calmtui" / "conversations.db-wal"
    assert TOKEN.encode() not in database
    assert not wal.exists() or TOKEN.encode() not in wal.read_bytes()


class EchoingActions:
    """An in-process runner that repeats a key it was never meant to show."""

    kind = "fake"

    async def run(self, request: ActionRequest) -> ActionOutcome:
        return ActionOutcome(
            responses=[{"text": "the key is sk-live-0123456789abcdefSECRET"}],
            events=[{"event": "slot", "name": "transfer_ok", "value": True}],
        )


@pytest.mark.anyio
async def test_the_inspector_and_its_screenshot_never_show_a_known_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.tui.conftest import TRANSFER_SCRIPT, make_app
    from tests.tui.conftest import write_project as write_tui_project
    from tests.tui.test_chat import say

    monkeypatch.setenv("DEMO_API_KEY", "sk-live-0123456789abcdefSECRET")
    root = write_tui_project(tmp_path / "bank")
    app = make_app(root, TRANSFER_SCRIPT, inspector=True, runner=EchoingActions())
    async with app.run_test(size=(140, 45)) as pilot:
        for text in ("send money", "Anna", "50", "/SetSlots(confirm=true)"):
            await say(pilot, text)
        screenshot = app.export_screenshot()
        assert "sk-live-0123456789abcdefSECRET" not in screenshot
    assert any(m.text == "the key is ***" for r in app.conversation.results for m in r.bot_messages)
    for result in app.conversation.results:
        assert "sk-live-0123456789abcdefSECRET" not in json.dumps(result.to_json())


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
