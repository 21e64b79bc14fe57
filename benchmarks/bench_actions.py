"""Per-call overhead of the custom-action runners (issue "Custom actions").

Targets: the in-process runner adds < 0.2 ms per call; the HTTP runner against a local rasa_sdk
action server is reported (median and p95 of 1,000 calls over one reused connection pool, and,
for contrast, with a new connection per call).

    python benchmarks/bench_actions.py [--calls 1000] [--events 60]

The banking template's `action_check_balance` runs (copied to a temporary directory). Each call
gets a request like the session builds one mid-conversation: its slots, a stack with a user flow
and a pattern, and `--events` events of history, all of which go into the tracker JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from calmtui.actions.http import HttpRunner  # noqa: E402
from calmtui.actions.inprocess import InProcessRunner  # noqa: E402
from calmtui.actions.protocol import ActionOutcome, ActionRequest  # noqa: E402
from calmtui.core.loading.project_loader import load_project  # noqa: E402
from calmtui.core.model.project import Project  # noqa: E402

SERVER = """\
import sys
sys.path.insert(0, sys.argv[1])
from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
executor = ActionExecutor()
executor.register_package("actions")
create_app(executor).run(host="127.0.0.1", port=int(sys.argv[2]), single_process=True, access_log=False)
"""


def request(project: Project, events: int) -> ActionRequest:
    history: list[dict[str, object]] = []
    for turn in range(events // 4):
        history += [
            {"event": "action", "name": "action_listen", "flow_id": None, "step_id": None},
            {
                "event": "user",
                "text": f"message {turn}",
                "commands": ["start flow check_balance"],
                "metadata": {},
            },
            {"event": "flow_started", "flow_id": "check_balance", "metadata": {}},
            {
                "event": "bot",
                "text": "Your current balance is 2500.75.",
                "data": {},
                "metadata": {},
            },
        ]
    return ActionRequest(
        name="action_check_balance",
        sender_id="bench",
        slots={"current_balance": None, "recipient": "Anna", "amount": 50.0},
        latest_message={"text": "what is my balance?"},
        events=history,
        stack=[
            {
                "type": "flow",
                "flow_id": "check_balance",
                "step_id": "s0",
                "frame_id": "a",
                "frame_type": "regular",
            },
            {
                "type": "pattern_x",
                "flow_id": "pattern_x",
                "step_id": "START",
                "frame_id": "b",
                "fields": {"k": 1},
            },
        ],
        active_flow="check_balance",
        flow_id="check_balance",
        step_id="check_balance_0_action_check_balance",
        project=project,
    )


async def timed(call: Callable[[], Awaitable[ActionOutcome]], calls: int) -> list[float]:
    for _ in range(min(50, calls)):  # warm-up: imports, first connection, caches
        outcome = await call()
        assert outcome.error is None, outcome.error
    samples: list[float] = []
    for _ in range(calls):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(label: str, samples: list[float], target: float | None = None) -> None:
    ordered = sorted(samples)
    median = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    verdict = ""
    if target is not None:
        verdict = f"  target < {target} ms: {'OK' if median < target else 'MISSED'}"
    print(
        f"{label:<44} median {median:7.3f} ms   p95 {p95:7.3f} ms   ({len(samples)} calls){verdict}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    script = root / "serve_actions.py"
    script.write_text(SERVER)
    process = subprocess.Popen(
        [sys.executable, str(script), str(root), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return process, f"http://127.0.0.1:{port}/webhook"
        except OSError:
            time.sleep(0.05)
    process.terminate()
    raise SystemExit("the rasa_sdk action server did not start")


async def bench(root: Path, calls: int, events: int) -> None:
    project = load_project(root).project
    assert project is not None
    req = request(project, events)
    print(f"python {sys.version.split()[0]}, {len(req.events)} events of history per call")

    in_process = InProcessRunner(str(root), "actions", project=project)
    report(
        "in-process runner (native @action)",
        await timed(lambda: in_process.run(req), calls),
        target=0.2,
    )

    process, url = start_server(root)
    try:
        pooled = HttpRunner(url, project=project)
        report(
            "HTTP runner, rasa_sdk server, reused pool", await timed(lambda: pooled.run(req), calls)
        )
        await pooled.aclose()

        async def fresh() -> ActionOutcome:
            runner = HttpRunner(url, project=project)
            runner._server_has_domain = True  # like the pooled case: the digest only
            try:
                return await runner.run(req)
            finally:
                await runner.aclose()

        report(
            "HTTP runner, new client + connection per call", await timed(fresh, max(1, calls // 5))
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--events", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(shutil.copytree(REPO / "templates" / "banking", Path(tmp) / "banking"))
        asyncio.run(bench(root, args.calls, args.events))


if __name__ == "__main__":
    main()
