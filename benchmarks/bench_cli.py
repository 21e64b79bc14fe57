"""CLI start-up and `calmtui validate` speed (issue "Foundation").

Targets: `calmtui --help` and `--version` within 10x of `python -c pass`; `calmtui validate` on a
500-flow generated project under 1.5 s wall, on the banking template under 0.3 s.

    python benchmarks/bench_cli.py [--runs 7] [--gen /path/to/gen_project.py]

Each figure is the median wall time of N runs of a fresh process, after one warm-up run, with
bytecode caching on (the way a user runs it: `pip install` compiles .pyc files, and an editable
install writes them on first use). PYTHONDONTWRITEBYTECODE is removed from the child processes'
environment, because with it every run would recompile calmtui's modules (~60 ms).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GEN = REPO.parent / "shared" / "tools" / "gen_project.py"


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(cmd: list[str], runs: int, cwd: Path | None = None) -> float:
    def once() -> float:
        start = time.perf_counter()
        subprocess.run(
            cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        return time.perf_counter() - start

    once()  # warm-up: writes the bytecode cache, fills the OS file cache
    return statistics.median(once() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--gen", type=Path, default=DEFAULT_GEN, help="gen_project.py of the shared tools"
    )
    args = parser.parse_args()
    python = sys.executable
    calmtui = [python, "-m", "calmtui"]
    base = wall([python, "-c", "pass"], args.runs)
    print(f"python -c pass                      {base * 1000:7.1f} ms")
    rows: list[tuple[str, float, float | None]] = []
    for label, argv in (("calmtui --help", ["--help"]), ("calmtui --version", ["--version"])):
        rows.append((label, wall([*calmtui, *argv], args.runs), base * 10))

    with tempfile.TemporaryDirectory() as tmp:
        banking = Path(tmp) / "banking"
        shutil.copytree(REPO / "templates" / "banking", banking)
        rows.append(
            (
                "validate banking",
                wall([*calmtui, "validate", "--project", str(banking)], args.runs),
                0.3,
            )
        )
        if args.gen.is_file():
            big = Path(tmp) / "gen500"
            subprocess.run(
                [python, str(args.gen), str(big), "--flows", "500", "--tests", "10"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            # gen_project's endpoints name `actions_module: actions` and its tests stub every action:
            # an empty package makes the project valid (calmtui refuses a missing actions module, CT244).
            (big / "actions").mkdir(exist_ok=True)
            (big / "actions" / "__init__.py").touch()
            rows.append(
                (
                    "validate 500 flows",
                    wall([*calmtui, "validate", "--project", str(big)], args.runs),
                    1.5,
                )
            )
        else:
            print(f"(skipping the 500-flow project: {args.gen} not found)")

    for label, seconds, target in rows:
        verdict = "" if target is None else ("ok" if seconds <= target else "MISSED")
        print(
            f"{label:<35} {seconds * 1000:7.1f} ms  {seconds / base:5.1f}x python"
            + (f"  target {target * 1000:.0f} ms  {verdict}" if target else "")
        )


if __name__ == "__main__":
    main()
