"""Plain CLI options are converted without pydantic, and converted correctly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from calmtui.cli import fast_params


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def run(
        name: str = typer.Option("x"),
        count: int = typer.Option(1),
        ratio: float = typer.Option(0.5),
        where: Path | None = typer.Option(None),
        tags: list[str] = typer.Option([], "--tag"),
        paths: list[Path] = typer.Option([], "--path"),
        flag: bool = typer.Option(False),
    ) -> None:
        typer.echo(
            json.dumps(
                {
                    "name": name,
                    "count": count,
                    "ratio": ratio,
                    "where": str(where) if where else None,
                    "tags": tags,
                    "paths": [str(p) for p in paths],
                    "flag": flag,
                    "types": [type(count).__name__, type(ratio).__name__, type(where).__name__],
                }
            )
        )

    @app.command()
    def other() -> None:
        """A second command, so `run` stays a subcommand."""

    return app


def test_plain_values_are_converted_like_typer_would() -> None:
    assert fast_params.install()
    argv = ["run", "--name", "n", "--count", "3", "--ratio", "2.5", "--where", "a/b"]
    argv += ["--tag", "t1", "--tag", "t2", "--path", "p1", "--flag"]
    out = CliRunner().invoke(_app(), argv)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data == {
        "name": "n",
        "count": 3,
        "ratio": 2.5,
        "where": "a/b",
        "tags": ["t1", "t2"],
        "paths": ["p1"],
        "flag": True,
        "types": ["int", "float", "PosixPath"],
    }


def test_bad_values_are_usage_errors() -> None:
    fast_params.install()
    out = CliRunner().invoke(_app(), ["run", "--count", "three"])
    assert out.exit_code == 2
    assert "three" in out.output


def test_calmtui_validate_does_not_import_pydantic(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['calmtui', 'validate', '--project', {str(tmp_path)!r}]\n"
        "from calmtui.cli.main import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('PYDANTIC' if 'pydantic' in sys.modules else 'CLEAN')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip().splitlines()[-1] == "CLEAN", out.stdout + out.stderr
