"""Run calmtui in a child process under a memory ceiling and measure what it used.

Hostile files must be refused within a few hundred megabytes and a few seconds. Timing
assertions inside a test process flake; instead the command runs as the only child of a small
wrapper that sets an address-space limit (so a regression fails fast instead of swapping the
machine) and reports the child's peak RSS and CPU seconds from `getrusage(RUSAGE_CHILDREN)`.
The bounds the tests assert are generous multiples of what was measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_WRAPPER = """
import json, resource, subprocess, sys
limit_mb, timeout, args, stdin = json.loads(sys.argv[1])
def limit():
    size = limit_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
try:
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, preexec_fn=limit,
                          timeout=timeout)
    rc, out, err = done.returncode, done.stdout, done.stderr
except subprocess.TimeoutExpired as exc:
    rc, out, err = "timeout", exc.stdout or "", exc.stderr or ""
    out = out if isinstance(out, str) else out.decode("utf-8", "replace")
    err = err if isinstance(err, str) else err.decode("utf-8", "replace")
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "stdout": out, "stderr": err, "peak_mb": usage.ru_maxrss / 1024,
                  "cpu_s": usage.ru_utime + usage.ru_stime}))
"""

# What a refusal may cost at most (measured: well under 100 MB and 1 s of CPU).
MAX_MB = 300
MAX_CPU_S = 5.0


@dataclass(frozen=True, slots=True)
class Bounded:
    rc: int | str
    stdout: str
    stderr: str
    peak_mb: float
    cpu_s: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def within_bounds(self) -> bool:
        return self.peak_mb < MAX_MB and self.cpu_s < MAX_CPU_S


def run_calmtui(
    *args: str,
    cwd: Path,
    stdin: str = "",
    limit_mb: int = 1536,
    timeout: float = 120.0,
) -> Bounded:
    """`python -m calmtui ARGS` in `cwd`, under an address-space limit of `limit_mb`."""
    command = [sys.executable, "-m", "calmtui", *args]
    payload = json.dumps([limit_mb, timeout, command, stdin])
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, payload],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    data = json.loads(done.stdout)
    return Bounded(data["rc"], data["stdout"], data["stderr"], data["peak_mb"], data["cpu_s"])
