"""The README's first command and `.ci/run` set up Python the same way (issue 16, item 5).

Both must work on a Python that refuses `pip install` outside a virtual environment (PEP 668,
"externally-managed-environment": Debian's and Ubuntu's system Python), so both begin by creating
and activating `.venv`. A cheap text check keeps them from drifting apart; the commands were
verified literally on Debian 12's /usr/bin/python3 in a fresh clone (see the CHANGELOG).
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_STEPS = ["python3 -m venv .venv", ". .venv/bin/activate"]


def readme_first_command() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Try it", 1)[1]
    block = re.search(r"```bash\n(.*?)\n```", section, re.DOTALL)
    assert block is not None, "the 'Try it' section has no bash block"
    lines = [line for line in block[1].splitlines() if line.strip()]
    assert len(lines) == 1, "the first command is one line to paste"
    return [step.strip() for step in lines[0].split("&&")]


def ci_steps() -> list[str]:
    """The commands `.ci/run` runs, without comments, shell options, `cd`, exports and echoes."""
    steps = []
    for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "set ", "cd ", "export ", "echo ")):
            continue
        steps.append(line)
    return steps


def test_the_first_command_makes_and_uses_a_venv_before_installing() -> None:
    steps = readme_first_command()
    assert steps[:2] == VENV_STEPS
    assert steps[2] == "pip install -e ."
    assert steps[3].startswith("calmtui init demo")


def test_ci_sets_up_python_exactly_like_the_readme() -> None:
    assert ci_steps()[:2] == readme_first_command()[:2]


def test_the_readme_test_command_is_ci() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Run the tests", 1)[1]
    assert "```bash\nbash .ci/run\n```" in section
