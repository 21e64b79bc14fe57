"""Terminal UI speed and memory (issue "Terminal UI").

Targets, on the `banking` template with offline understanding:
  - startup to an interactive screen   < 1 s   (`calmtui inspect` in a real terminal: tmux)
  - resident memory                    < 150 MB (the same process, after a few turns)
  - hot reload, file saved → new flows in effect < 0.5 s

    python benchmarks/bench_tui.py [--runs 5] [--reloads 10]

Startup is timed from launching the process until the input is on the screen, focused and
taking keys (polling `tmux capture-pane`; the CPU time the process used by then is printed too,
as it does not grow with the machine's load), and until the greeting (the session-start turn,
built off the UI thread after the first paint) is shown. Memory is VmRSS/VmHWM from /proc. Reload is
timed in-process: a flow file is rewritten and the clock stops when the app reports
`ProjectReloaded` (the new project already applied to the live conversation). Without tmux the
terminal figures are skipped with a note. Every figure is printed next to its target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GREETING = "Hi, I'm your"
PROMPT = "Type a message"


def scaffold(where: Path) -> Path:
    root = where / "banking"
    shutil.copytree(
        REPO / "templates" / "banking", root, ignore=shutil.ignore_patterns("template.yml")
    )
    return root


# -- a real terminal ----------------------------------------------------------------------------


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def calmtui_command(root: Path) -> str:
    return f"cd {root} && exec {sys.executable} -m calmtui inspect"


def wait_for_screen(session: str, needles: tuple[str, ...], timeout: float = 20.0) -> float:
    start = time.perf_counter()
    screen = ""
    while time.perf_counter() - start < timeout:
        screen = tmux("capture-pane", "-p", "-t", session)
        if all(n in screen for n in needles):
            return time.perf_counter()
        time.sleep(0.01)
    raise TimeoutError(f"{needles} not on screen after {timeout} s:\n{screen}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (load-independent, unlike wall time)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int) -> tuple[int, int]:
    fields = dict(
        line.split(":", 1)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if ":" in line
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


@dataclass
class Startup:
    interactive: list[float] = field(default_factory=list[float])  # input on screen, focused
    interactive_cpu: list[float] = field(default_factory=list[float])
    greeting: list[float] = field(default_factory=list[float])  # the session-start turn shown
    memory: tuple[int, int] = (0, 0)


def terminal_startup(root: Path, runs: int) -> Startup:
    figures = Startup()
    for n in range(runs):
        session = f"calmtui-bench-{os.getpid()}-{n}"
        started = time.perf_counter()
        tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", calmtui_command(root))
        try:
            pid = int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
            figures.interactive.append(wait_for_screen(session, (PROMPT,)) - started)
            figures.interactive_cpu.append(cpu_seconds(pid))
            figures.greeting.append(wait_for_screen(session, (GREETING, PROMPT)) - started)
            if n == runs - 1:  # memory after a few turns in the last run
                for text in ("I want to send money", "Anna", "50", "yes"):
                    tmux("send-keys", "-t", session, text, "Enter")
                    time.sleep(0.4)
                wait_for_screen(session, ("anything else",))
                figures.memory = memory_kb(pid)
        finally:
            subprocess.run(
                ["tmux", "kill-session", "-t", session], capture_output=True, check=False
            )
    return figures


# -- hot reload, in-process ---------------------------------------------------------------------


async def reload_latencies(root: Path, count: int) -> list[float]:
    from calmtui.app.conversation import assistant_for
    from calmtui.core.validate import check
    from calmtui.tui.app import CalmApp
    from calmtui.tui.config import ShellConfig
    from calmtui.tui.messages import ProjectReloaded

    report = check(root)
    assert report.project is not None
    config = ShellConfig(
        project=report.project,
        assistant=assistant_for("offline"),
        watch=True,
        inspector=True,
    )
    app = CalmApp(config)
    applied: list[float] = []

    def hook(message: object) -> None:
        if isinstance(message, ProjectReloaded):
            applied.append(time.perf_counter())

    flow_file = root / "data" / "flows" / "check_balance.yml"
    original = flow_file.read_text(encoding="utf-8")
    latencies: list[float] = []
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await pilot.pause(0.5)  # let the watcher start
        for n in range(count):
            seen = len(applied)
            edited = original.replace("description:", f"description: (edit {n})", 1)
            edited += f"\n  bench_flow_{n}:\n    description: benchmark flow {n}\n    steps:\n      - action: utter_current_balance\n"
            saved = time.perf_counter()
            flow_file.write_text(edited, encoding="utf-8")
            while len(applied) == seen:
                if time.perf_counter() - saved > 5:
                    raise TimeoutError("no reload within 5 s")
                await asyncio.sleep(0.002)
            assert f"bench_flow_{n}" in app.conversation.project.flows
            latencies.append(applied[-1] - saved)
            await pilot.pause(0.2)
    flow_file.write_text(original, encoding="utf-8")
    return latencies


def row(label: str, value: float, unit: str, target: float) -> str:
    verdict = "ok" if value < target else "OVER TARGET"
    return f"{label:<44} {value:9.1f} {unit:<3} (target < {target:g} {unit})  {verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="terminal start-ups to time")
    parser.add_argument("--reloads", type=int, default=10, help="file edits to time")
    args = parser.parse_args()
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (wall times grow with load)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = scaffold(Path(tmp))
        if shutil.which("tmux"):
            f = terminal_startup(root, args.runs)
            runs = len(f.interactive)
            print(
                row(
                    f"startup to interactive screen (median of {runs})",
                    statistics.median(f.interactive) * 1000,
                    "ms",
                    1000,
                )
            )
            print(
                f"{'  (min / max)':<44} {min(f.interactive) * 1000:9.1f} / {max(f.interactive) * 1000:.1f} ms"
            )
            print(
                row(
                    "  CPU time used by then (load-independent)",
                    statistics.median(f.interactive_cpu) * 1000,
                    "ms",
                    1000,
                )
            )
            print(
                f"{'greeting on screen (median)':<44} {statistics.median(f.greeting) * 1000:9.1f} ms"
            )
            print(row("resident memory after 4 turns (VmRSS)", f.memory[0] / 1024, "MB", 150))
            print(row("peak resident memory (VmHWM)", f.memory[1] / 1024, "MB", 150))
        else:
            print("tmux not found: terminal start-up and memory not measured")
        latencies = asyncio.run(reload_latencies(root, args.reloads))
        print(
            row(
                f"hot reload, save → applied (median of {len(latencies)})",
                statistics.median(latencies) * 1000,
                "ms",
                500,
            )
        )
        print(row("hot reload, slowest", max(latencies) * 1000, "ms", 500))


if __name__ == "__main__":
    main()
