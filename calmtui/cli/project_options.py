"""The options every project command shares, and loading a project from them.

    calmtui <command> [--project DIR] [--config F] [--domain P] [--data P ...] [--endpoints F]

`--project` defaults to the current directory. The other paths are read relative to the current
directory when they exist there, otherwise relative to the project directory (so both
`calmtui validate --project demo --config demo/config.yml` and `--config config.yml` work); a path
given explicitly that exists in neither place is a usage error (exit 2).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from calmtui.app.policy import ProjectPolicy
    from calmtui.core.loading.project_loader import LoadResult, ProjectPaths

ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project",
        "-p",
        metavar="DIR",
        help="Project directory (default: the current directory).",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", metavar="FILE", help="Model config (default: config.yml).", show_default=False
    ),
]
DomainOption = Annotated[
    Path | None,
    typer.Option(
        "--domain",
        metavar="PATH",
        help="Domain file or directory (default: domain.yml or domain/).",
        show_default=False,
    ),
]
DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        metavar="PATH",
        help="Flow file or directory; repeat for several (default: data/).",
        show_default=False,
    ),
]
EndpointsOption = Annotated[
    Path | None,
    typer.Option(
        "--endpoints",
        metavar="FILE",
        help="Endpoints file (default: endpoints.yml).",
        show_default=False,
    ),
]


IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        metavar="CODE",
        help="Hide diagnostics with this code (repeat, or separate with commas).",
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Make the warnings where calmtui is stricter than Rasa errors (docs/diagnostics.md).",
    ),
]


def parse_ignore(values: list[str]) -> frozenset[str]:
    """`--ignore CT240 --ignore ct241,CT242` -> the codes; an unknown code is a usage error."""
    from calmtui.app.policy import ignored_codes

    try:
        return ignored_codes(values)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--ignore'") from None


def policy_from_options(
    ignore: list[str] | None, strict: bool, *, fail_on_warnings: bool = False
) -> ProjectPolicy:
    """The project policy the command line asks for (the project's own settings add to it)."""
    from calmtui.app.policy import ProjectPolicy

    return ProjectPolicy(
        ignore=parse_ignore(ignore or []), strict=strict, fail_on_warnings=fail_on_warnings
    )


def project_root(project: Path | None) -> Path:
    """The project directory the options point at (not checked: the loader reports CT100)."""
    return Path(os.path.abspath(project if project is not None else Path.cwd()))


def _given(path: Path | None, root: Path, option: str) -> str | None:
    if path is None:
        return None
    candidates = [path] if path.is_absolute() else [Path.cwd() / path, root / path]
    for candidate in candidates:
        if candidate.exists():
            return os.path.abspath(candidate)
    raise typer.BadParameter(f"'{path}' does not exist", param_hint=f"'{option}'")


def project_paths(
    root: Path,
    config: Path | None = None,
    domain: Path | None = None,
    data: list[Path] | None = None,
    endpoints: Path | None = None,
) -> ProjectPaths:
    """The explicit paths as absolute paths for the loader; raises BadParameter (exit 2)."""
    from calmtui.core.loading.project_loader import ProjectPaths

    data_paths = [p for p in (_given(d, root, "--data") for d in data or []) if p is not None]
    return ProjectPaths(
        config=_given(config, root, "--config"),
        domain=_given(domain, root, "--domain"),
        data=data_paths or None,
        endpoints=_given(endpoints, root, "--endpoints"),
    )


def load_from_options(
    project: Path | None = None,
    config: Path | None = None,
    domain: Path | None = None,
    data: list[Path] | None = None,
    endpoints: Path | None = None,
    *,
    apply_dotenv: bool = True,
) -> LoadResult:
    """Load the project the options name; its `.env` fills unset environment variables.

    Never raises for a broken or missing project (that is in the diagnostics, CT100 when there
    is no project); raises `typer.BadParameter` for an explicit path that does not exist.
    """
    from calmtui.core.loading.project_loader import load_project

    root = project_root(project)
    paths = project_paths(root, config, domain, data, endpoints)
    result = load_project(root, paths)
    if apply_dotenv:
        for name, value in result.dotenv.items():
            os.environ.setdefault(name, value)
    return result
