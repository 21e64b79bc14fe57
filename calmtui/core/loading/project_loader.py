"""Finds and reads a whole project in the Rasa CALM layout (FORMATS.md a.1).

`load_project` never raises for bad input: everything wrong becomes a diagnostic, and a project is
returned whenever one was found, so `validate` can report every problem at once and hot reload
can decide whether the new version is good enough to apply.
Spans use paths relative to the project root (with `/`), which keeps output and goldens stable.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from calmtui.core.diagnostics import Diagnostic, Span, sort_diagnostics
from calmtui.core.languages import LANGUAGE_SLOT
from calmtui.core.loading.config_loader import load_config, load_endpoints
from calmtui.core.loading.domain_loader import load_domain
from calmtui.core.loading.env import parse_dotenv
from calmtui.core.loading.flow_loader import is_flow_file, load_flow_file
from calmtui.core.loading.nlu_data_loader import read_nlu_data
from calmtui.core.model.config import Config
from calmtui.core.model.domain import Domain
from calmtui.core.model.flows import Flow
from calmtui.core.model.project import Project
from calmtui.core.model.slots import Slot
from calmtui.core.patterns import builtin_domain, builtin_flows
from calmtui.core.source import YamlFile, decode_source, parse_yaml, read_bytes, yaml_files_under

MAX_FILE_BYTES = 8 * 1024 * 1024
# The reference's environment switch: several flows started on an empty stack become a Clarify.
CLARIFY_ON_MULTIPLE_START_FLOWS = "CLARIFY_ON_MULTIPLE_START_FLOWS"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectPaths:
    """Where to read from; None means the Rasa default below the project root."""

    config: str | None = None
    domain: str | None = None
    data: Sequence[str] | None = None
    endpoints: str | None = None


@dataclass(slots=True, kw_only=True)
class LoadResult:
    project: Project | None
    diagnostics: list[Diagnostic] = field(default_factory=list[Diagnostic])
    sources: dict[str, str] = field(default_factory=dict[str, str])
    dotenv: dict[str, str] = field(default_factory=dict[str, str], repr=False)

    @property
    def ok(self) -> bool:
        return self.project is not None and not any(d.is_error for d in self.diagnostics)


class _Files:
    """Reads files relative to the root, remembering their text for caret rendering."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sources: dict[str, str] = {}
        self.diagnostics: list[Diagnostic] = []

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(os.path.relpath(path.resolve(), self.root.resolve())).as_posix()

    def read(self, path: Path) -> str | None:
        rel = self.rel(path)
        raw, problem = read_bytes(path, rel, max_bytes=MAX_FILE_BYTES)
        text = None
        if raw is not None:
            text, problem = decode_source(raw, rel)
        if problem is not None or text is None:
            if problem is not None:
                self.diagnostics.append(problem)
            return None
        self.sources[rel] = text
        return text

    def yaml(self, path: Path) -> YamlFile | None:
        text = self.read(path)
        if text is None:
            return None
        parsed = parse_yaml(text, self.rel(path))
        self.diagnostics.extend(parsed.diagnostics)
        return parsed


def find_domain_paths(root: Path, given: str | None) -> list[Path]:
    if given is not None:
        return yaml_files_under(root / given)
    for candidate in ("domain.yml", "domain.yaml"):
        if (root / candidate).is_file():
            return [root / candidate]
    return yaml_files_under(root / "domain")


def looks_like_project(root: Path) -> bool:
    markers = ("config.yml", "config.yaml", "domain.yml", "domain.yaml", "domain", "data")
    return any((root / m).exists() for m in markers)


def load_project(
    root: str | os.PathLike[str],
    paths: ProjectPaths | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> LoadResult:
    """Read and check a project (never raises for bad files: see `LoadResult.diagnostics`).

    The cyclic garbage collector is paused while the files are read: composing YAML creates
    hundreds of thousands of small objects and no cycles, and the collector's repeated full
    passes over them were three quarters of the start-up of a 2,000-flow project (issue 16.7).
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load_project(root, paths, environ=environ)
    finally:
        if paused:
            gc.enable()


def _load_project(
    root: str | os.PathLike[str],
    paths: ProjectPaths | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> LoadResult:
    paths = paths or ProjectPaths()
    base = Path(root)
    if not base.is_dir():
        return LoadResult(
            project=None, diagnostics=[_no_project(f"{os.fspath(root)!r} is not a directory")]
        )
    if not looks_like_project(base) and paths == ProjectPaths():
        return LoadResult(
            project=None,
            diagnostics=[
                _no_project(
                    f"no CALM project in {os.fspath(root)!r} (no config.yml, domain or data/)"
                )
            ],
        )
    files = _Files(base)
    dotenv = _read_dotenv(files, base)
    env: dict[str, str] = {**dotenv, **(os.environ if environ is None else environ)}

    domain_files = _domain_files(files, base, paths)
    user_domain, domain_diags = load_domain(domain_files)
    files.diagnostics.extend(domain_diags)

    data_files = [f for f in (files.yaml(p) for p in _data_paths(base, paths)) if f is not None]
    flow_files = [f for f in data_files if is_flow_file(f)]
    user_flows: list[Flow] = []
    for f in flow_files:
        result = load_flow_file(f)
        user_flows.extend(result.flows)
        files.diagnostics.extend(result.diagnostics)
    if not user_flows:
        files.diagnostics.append(
            Diagnostic.warning(
                "CT300",
                "the project has no flows",
                None,
                hint="add a YAML file with a top-level 'flows:' key under data/",
            )
        )

    config_path = _first_existing(base, paths.config, ("config.yml", "config.yaml"))
    config, config_diags = load_config(files.yaml(config_path) if config_path else None, env)
    if env.get(CLARIFY_ON_MULTIPLE_START_FLOWS, "false").strip().lower() == "true":
        config = replace(config, clarify_on_multiple_start_flows=True)
    endpoints_path = _first_existing(base, paths.endpoints, ("endpoints.yml", "endpoints.yaml"))
    endpoints, endpoint_diags = load_endpoints(
        files.yaml(endpoints_path) if endpoints_path else None, env
    )
    files.diagnostics.extend(config_diags + endpoint_diags)

    project = Project(
        root=str(base.resolve()),
        domain=with_language_slot(
            merge_domains(builtin_domain(), user_domain), config, files.diagnostics
        ),
        flows=_merge_flows(user_flows, files.diagnostics),
        config=config,
        endpoints=endpoints,
        files=tuple(files.sources),
        nlu_data=read_nlu_data(data_files),
    )
    return LoadResult(
        project=project,
        diagnostics=sort_diagnostics(files.diagnostics),
        sources=files.sources,
        dotenv=dotenv,
    )


def _no_project(message: str) -> Diagnostic:
    return Diagnostic.error(
        "CT100",
        message,
        None,
        hint="run it inside a project, pass --project DIR, or create one with 'calmtui init'",
    )


def _read_dotenv(files: _Files, base: Path) -> dict[str, str]:
    path = base / ".env"
    if not path.is_file():
        return {}
    text = files.read(path)
    if text is None:
        return {}
    files.sources.pop(files.rel(path), None)  # secrets never travel with the sources
    values, diags = parse_dotenv(text, files.rel(path))
    files.diagnostics.extend(diags)
    return values


def _domain_files(files: _Files, base: Path, paths: ProjectPaths) -> list[YamlFile]:
    found = find_domain_paths(base, paths.domain)
    if not found:
        where = repr(paths.domain) if paths.domain else "domain.yml or domain/"
        files.diagnostics.append(
            Diagnostic.error(
                "CT200",
                f"no domain found (looked for {where})",
                None,
                hint="create domain.yml with your slots, responses and actions",
            )
        )
        return []
    # A file that could not be read at all (binary, too large, unreadable) stays in the list as
    # an empty one: it is one of the domain's files, so the checks across files know the domain
    # is incomplete and stay quiet instead of calling every slot and response unknown.
    read = [files.yaml(p) for p in found]
    parsed = [f or YamlFile(files.rel(p), "", None, ()) for f, p in zip(read, found, strict=True)]
    if all(f is not None and f.data is None and f.ok for f in read):
        files.diagnostics.append(
            Diagnostic.error(
                "CT200",
                "the domain is empty",
                Span(parsed[0].path, 1, 1),
                hint="add slots and responses",
            )
        )
    return parsed


def _data_paths(base: Path, paths: ProjectPaths) -> list[Path]:
    roots = [base / d for d in paths.data] if paths.data else [base / "data"]
    seen: dict[Path, None] = {}
    for r in roots:
        for p in yaml_files_under(r):
            seen[p] = None
    return list(seen)


def _first_existing(base: Path, given: str | None, defaults: Iterable[str]) -> Path | None:
    if given is not None:
        return base / given
    for name in defaults:
        if (base / name).is_file():
            return base / name
    return None


def _merge_flows(user_flows: list[Flow], diagnostics: list[Diagnostic]) -> dict[str, Flow]:
    """Built-in patterns first; a user flow with the same id replaces the pattern entirely."""
    merged: dict[str, Flow] = dict(builtin_flows())
    seen: dict[str, Flow] = {}
    for flow in user_flows:
        if flow.id in seen:
            first = seen[flow.id]
            diagnostics.append(
                Diagnostic.error(
                    "CT313",
                    f"flow {flow.id!r} is defined more than once",
                    flow.span,
                    hint=f"first defined at {first.span}" if first.span else None,
                    related=(first.span,) if first.span else (),
                )
            )
            continue
        seen[flow.id] = flow
        merged[flow.id] = flow
    return merged


def language_slot(config: Config) -> Slot:
    """Rasa's built-in `language` slot: strict categorical, the configured languages as its
    values, the default language as its initial value, no mappings."""
    return Slot(
        name=LANGUAGE_SLOT,
        type="categorical",
        values=config.languages,
        initial_value=config.language,
        builtin=True,
        strict=True,
    )


def with_language_slot(
    domain: Domain, config: Config, diagnostics: list[Diagnostic] | None = None
) -> Domain:
    """The domain with the built-in `language` slot. A project's own `language` slot is an
    error in Rasa (CT703); the built-in one replaces it so the conversation still runs."""
    own = domain.slots.get(LANGUAGE_SLOT)
    if own is not None and not own.builtin and diagnostics is not None:
        diagnostics.append(
            Diagnostic.error(
                "CT703",
                "'language' is a built-in slot and cannot be defined by the project",
                own.span,
                hint="remove it from the domain: the conversation's language is set by the "
                "session start metadata, a custom action, a set_slots step or a button payload",
            )
        )
    return replace(domain, slots={**domain.slots, LANGUAGE_SLOT: language_slot(config)})


def merge_domains(base: Domain, override: Domain) -> Domain:
    return Domain(
        slots={**base.slots, **override.slots},
        responses={**base.responses, **override.responses},
        actions={**base.actions, **override.actions},
        intents=tuple(dict.fromkeys((*base.intents, *override.intents))),
        entities=tuple(dict.fromkeys((*base.entities, *override.entities))),
        forms=override.forms,
        form_slots=override.form_slots,
        session_config=override.session_config,
        files=override.files,
    )
