"""The HTTP runner against a real rasa_sdk action server (and a tiny stdlib server for bad replies)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from calmtui.actions.http import HttpRunner, display_url
from calmtui.actions.protocol import ActionRequest
from calmtui.core.model.project import Project
from tests.actions.conftest import (
    DOMAIN,
    FLOWS,
    SDK_ACTIONS,
    ActionServer,
    free_port,
    launch_action_server,
    load,
    write_project,
)
from tests.actions.conversation import bot_data, converse, failures, slots_set, texts, utterances

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, ActionServer]]:
    """The native-API test project, served by one rasa_sdk server for the whole module."""
    root = write_project(tmp_path_factory.mktemp("http") / "bank")
    server = launch_action_server(root, tmp_path_factory.mktemp("logs"))
    try:
        yield load(root), server
    finally:
        server.stop()


def _request(name: str, project: Project | None = None) -> ActionRequest:
    return ActionRequest(
        name=name,
        sender_id="s",
        slots={},
        latest_message={"text": "hi"},
        events=[],
        stack=[],
        active_flow=None,
        project=project,
    )


async def test_slots_set_by_the_server(bank: tuple[Project, ActionServer]) -> None:
    project, server = bank
    runner = HttpRunner(server.url, project=project)
    [result] = await converse(project, runner, [("balance?", "start flow check_balance")])
    assert slots_set(result) == {"balance": 120.5, "approved": True}
    assert texts(result)[0] == "Your balance is 120.5."
    assert result.action_calls[0].runner == "http"
    assert result.action_calls[0].error is None
    await runner.aclose()


async def test_responses_with_kwargs_text_and_the_tracker_the_server_saw(
    bank: tuple[Project, ActionServer],
) -> None:
    project, server = bank
    runner = HttpRunner(server.url, project=project)
    greet, choose = await converse(
        project,
        runner,
        [("hi there", "start flow greet"), ("colours", "start flow choose")],
        sender_id="Anna",
    )
    assert texts(greet)[:2] == ["Hello Anna!", "You are in greet; you said 'hi there'."]
    assert utterances(greet)[0] == "utter_hello"
    assert texts(choose)[0] == "Pick one"
    assert bot_data(choose)[0]["buttons"][1] == {"title": "Blue", "payload": "/SetSlots(note=blue)"}
    assert slots_set(choose) == {"note": "buttons shown"}
    await runner.aclose()


async def test_an_action_raising_on_the_server_is_an_internal_error_and_the_conversation_goes_on(
    bank: tuple[Project, ActionServer],
) -> None:
    project, server = bank
    runner = HttpRunner(server.url, project=project)
    boom, junk, chat = await converse(
        project,
        runner,
        [
            ("go", "start flow explode"),
            ("junk", "start flow bad_return"),
            ("chat", "start flow chat"),
        ],
    )
    [failed] = failures(boom)
    assert failed.error == "action 'action_boom' failed on the action server: the bank is closed"
    assert failed.detail == "HTTP 500 from the action server; the server's log has the traceback"
    assert utterances(boom)[0] == "utter_internal_error_rasa"
    assert "returned int" in failures(junk)[0].error
    assert texts(chat)[0] == "Happy to chat."
    await runner.aclose()


async def test_an_action_the_server_lacks(bank: tuple[Project, ActionServer]) -> None:
    project, server = bank
    runner = HttpRunner(server.url, project=project)
    outcome = await runner.run(_request("action_nope", project))
    assert (
        outcome.error
        == "the action server has no action 'action_nope': No registered action found for name 'action_nope'."
    )
    await runner.aclose()


async def test_a_slow_action_times_out(bank: tuple[Project, ActionServer]) -> None:
    project, server = bank
    runner = HttpRunner(server.url, project=project, timeout=0.3)
    [result] = await converse(project, runner, [("slow", "start flow slow")])
    [failed] = failures(result)
    assert (
        failed.error
        == f"the action server at {server.url} did not answer 'action_slow' within 0.3 s"
    )
    assert result.action_calls[0].latency_ms < 1500
    await runner.aclose()


async def test_validate_slot_action_over_http(bank: tuple[Project, ActionServer]) -> None:
    project, server = bank
    runner = HttpRunner(server.url, project=project)
    _, too_much, ok = await converse(
        project,
        runner,
        [("pay", "start flow pay"), ("500", "set slot amount 500"), ("50", "set slot amount 50")],
    )
    assert texts(too_much) == ["That is too much.", "How much?"]
    assert texts(ok)[0] == "Amount 50.0 accepted."
    await runner.aclose()


async def test_rasa_sdk_classes_get_the_domain_over_http(
    tmp_path: Path, start_action_server: Callable[..., ActionServer]
) -> None:
    root = write_project(
        tmp_path / "sdk_bank",
        actions=SDK_ACTIONS + THEN_CHAT_ACTION,
        domain=DOMAIN.replace("  - action_reset\n", "  - action_reset\n  - action_then_chat\n"),
        flows=FLOWS + THEN_CHAT_FLOW,
    )
    server = start_action_server(root)
    project = load(root)
    runner = HttpRunner(server.url, project=project)
    balance, greet, followed = await converse(
        project,
        runner,
        [
            ("b", "start flow check_balance"),
            ("hello", "start flow greet"),
            ("chat then balance", "start flow then_chat"),
        ],
    )
    assert slots_set(balance) == {
        "balance": 99.0,
        "approved": True,
    }  # SetBalance asserts the domain arrived
    assert texts(greet)[:2] == ["Hello anna!", "latest: hello"]
    # rasa_sdk's FollowupAction runs right after the action, before the flow's next step
    assert utterances(followed)[:2] == ["utter_chat", "utter_balance"]
    await runner.aclose()


THEN_CHAT_ACTION = """

from rasa_sdk.events import FollowupAction


class ThenChat(Action):
    def name(self):
        return "action_then_chat"

    def run(self, dispatcher, tracker, domain):
        return [FollowupAction("utter_chat")]
"""
THEN_CHAT_FLOW = """\
  then_chat:
    description: an action that asks for a follow-up
    steps:
      - action: action_then_chat
      - action: utter_balance
"""


async def test_server_stopped_mid_conversation(
    tmp_path: Path, start_action_server: Callable[..., ActionServer]
) -> None:
    root = write_project(tmp_path / "bank")
    server = start_action_server(root)
    project = load(root)
    runner = HttpRunner(server.url, project=project)
    from calmtui.session import Session
    from calmtui.understanding.scripted import ScriptedGenerator

    session = Session(
        project,
        generator=ScriptedGenerator(
            ["start flow check_balance", "start flow check_balance", "start flow chat"]
        ),
        action_runner=runner,
    )
    before = await session.turn("balance")
    assert slots_set(before)["balance"] == 120.5
    server.stop()
    during = await session.turn("balance again")
    [failed] = failures(during)
    assert failed.error == (
        f"cannot reach the action server at {server.url} to run 'action_set_balance': connection refused"
    )
    assert failed.detail.startswith("is the action server running?")
    assert utterances(during)[0] == "utter_internal_error_rasa"
    after = await session.turn("chat")
    assert texts(after)[0] == "Happy to chat."
    assert len(session.history) == 3
    await runner.aclose()


async def test_the_domain_is_sent_once_and_again_after_a_server_restart(
    tmp_path: Path, start_action_server: Callable[..., ActionServer]
) -> None:
    root = write_project(tmp_path / "bank")
    project = load(root)
    port = free_port()
    first = start_action_server(root, port=port)
    runner = HttpRunner(first.url, project=project)
    assert (await runner.run(_request("action_set_balance", project))).error is None
    first.stop()
    start_action_server(root, port=port)  # a fresh server does not know the domain: it answers 449
    outcome = await runner.run(_request("action_set_balance", project))
    assert outcome.error is None
    assert next(iter(outcome.events)) == {"event": "slot", "name": "balance", "value": 120.5}
    await runner.aclose()


# -- replies no rasa_sdk server gives: a tiny stdlib server ------------------------------------
class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is visible
    reply: tuple[int, str, bytes] = (200, "application/json", b"{}")
    peers: list[int] = []
    bodies: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        type(self).peers.append(self.client_address[1])
        status, content_type, body = type(self).reply
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def stdlib_server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {"peers": [], "bodies": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhook", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize(
    ("status", "content_type", "body", "error"),
    [
        (
            200,
            "text/html",
            b"<html>oops</html>",
            "with something that is not JSON (HTTP 200, text/html)",
        ),
        (
            502,
            "text/plain",
            b"Bad Gateway",
            "with something that is not JSON (HTTP 502, text/plain)",
        ),
        (200, "application/json", b"[1, 2]", "replied with [1, 2] instead of"),
        (
            400,
            "application/json",
            b'{"error": "amount missing", "action_name": "action_x"}',
            "rejected 'action_x': amount missing",
        ),
        (
            418,
            "application/json",
            b'{"error": "teapot"}',
            "answered 'action_x' with HTTP 418: teapot",
        ),
    ],
)
async def test_bad_replies_are_clear_errors(
    stdlib_server: tuple[str, type[_Handler]],
    status: int,
    content_type: str,
    body: bytes,
    error: str,
) -> None:
    url, handler = stdlib_server
    handler.reply = (status, content_type, body)
    runner = HttpRunner(url)
    outcome = await runner.run(_request("action_x"))
    assert outcome.error is not None
    assert error in outcome.error
    await runner.aclose()


async def test_the_connection_pool_is_reused_and_the_payload_follows_the_protocol(
    stdlib_server: tuple[str, type[_Handler]], tmp_path: Path
) -> None:
    url, handler = stdlib_server
    handler.reply = (200, "application/json", b'{"events": [], "responses": [{"text": "ok"}]}')
    project = load(write_project(tmp_path / "bank"))
    runner = HttpRunner(url, project=project)
    for _ in range(5):
        outcome = await runner.run(_request("action_x", project))
        assert list(outcome.responses) == [{"text": "ok"}]
    assert len(set(handler.peers)) == 1, "every call should reuse one pooled connection"
    first, second = handler.bodies[0], handler.bodies[1]
    assert set(first) == {
        "next_action",
        "sender_id",
        "tracker",
        "domain",
        "domain_digest",
        "version",
    }
    assert "domain" not in second, "after a successful call only the digest is sent"
    assert second["domain_digest"] == first["domain_digest"]
    assert first["next_action"] == "action_x"
    assert first["version"] == "3.21.0"
    assert first["tracker"]["latest_message"]["text"] == "hi"
    await runner.aclose()


async def test_credentials_never_appear_in_messages() -> None:
    url = f"http://user:hunter2@127.0.0.1:{free_port()}/webhook?token=s3cret"
    runner = HttpRunner(url, timeout=2)
    outcome = await runner.run(_request("action_x"))
    assert outcome.error is not None
    shown = outcome.error + outcome.detail
    assert "hunter2" not in shown
    assert "s3cret" not in shown
    assert display_url(url) in outcome.error
    assert display_url(url) == f"http://127.0.0.1:{url.split(':')[3].split('/')[0]}/webhook"
    await runner.aclose()


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("localhost:5055/webhook", "failed: UnsupportedProtocol"),
        ("http://[::1/webhook", "is not a valid URL"),
    ],
)
async def test_a_bad_url_is_a_clear_error(url: str, error: str) -> None:
    runner = HttpRunner(url)
    outcome = await runner.run(_request("action_x"))
    assert outcome.error is not None
    assert error in outcome.error
    await runner.aclose()
