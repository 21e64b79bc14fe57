"""The checks of an in-process actions module (CT243, CT244), for every command.

For a project with `action_endpoint.actions_module`, every custom action the engine may call —
one named by a flow's `action:` step, or an `action_ask_<slot>` / `validate_<slot>` listed in the
domain for a collected slot (FORMATS.md b.3) — should be defined by that module; otherwise the
conversation reaches the step and fails with the internal-error pattern (CT243, a warning).
Finding out means importing the user's code, which is why this lives here and not in the pure
`core` validator. A module that cannot be imported (or does not exist) is an error, CT244, at the
failing line of user code: Rasa does not start with it either, a shell or test run would fail at
the first custom action, and hot reload keeps the last good version (calmtui.app.policy).
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

from calmtui.actions.module_loader import ActionsModule, load_actions_module
from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.model.flows import ActionStep
from calmtui.core.model.project import Project
from calmtui.core.patterns import default_action_names

CODE = "CT243"
IMPORT_CODE = "CT244"
_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)', re.MULTILINE)


def find_missing_actions(project: Project) -> list[Diagnostic]:
    """CT244 when the in-process actions module does not import, else a CT243 warning for each
    custom action it does not define."""
    endpoint = project.endpoints.action_endpoint
    if endpoint is None or not endpoint.actions_module:
        return []
    module_name = endpoint.actions_module
    module = _import_quietly(project.root, module_name)
    if module.error is not None:
        return [_import_error(project, module)]
    uses = list(custom_action_uses(project))
    problems: list[Diagnostic] = []
    for name, span in uses:
        if name in module.actions:
            continue
        hint = module.suggestion(name) or (
            f"define it in {module_name!r} with @action({name!r}) (calmtui.actions.sdk) "
            "or as a rasa_sdk Action class"
        )
        problems.append(
            Diagnostic.warning(
                CODE,
                f"custom action {name!r} is not defined in the actions module {module_name!r}",
                span,
                hint=hint,
            )
        )
    return problems


def custom_action_uses(project: Project) -> Iterator[tuple[str, Span | None]]:
    """Each place a custom action is called from: flow steps, then the domain's conventions."""
    domain = project.domain
    custom = {name for name, a in domain.actions.items() if not a.builtin} - default_action_names()
    collected: set[str] = set()
    for flow in project.flows.values():
        if flow.builtin:
            continue
        for step in flow.steps:
            if isinstance(step, ActionStep) and step.action in custom:
                yield step.action, step.value_span or step.span
        collected.update(s.collect for s in flow.collect_steps())
    for slot in sorted(collected):
        for name in (f"action_ask_{slot}", f"validate_{slot}"):
            if name in custom:
                yield name, domain.actions[name].span


def actions_import_problem(project: Project) -> Diagnostic | None:
    """An error when the project's in-process actions package does not import (None when it
    does, or when the project has no such package), placed at the failing line of user code."""
    endpoint = project.endpoints.action_endpoint
    if endpoint is None or not endpoint.actions_module:
        return None
    module = _import_quietly(project.root, endpoint.actions_module)
    if module.error is None:
        return None
    return _import_error(project, module)


def _import_error(project: Project, module: ActionsModule) -> Diagnostic:
    endpoint = project.endpoints.action_endpoint
    name = module.module_name
    hint = (
        f"create it with the custom actions (e.g. {name.replace('.', '/')}/__init__.py), "
        "or point action_endpoint at your action server with 'url'"
        if module.missing
        else "fix the code and save it (a running shell keeps its last good version)"
    )
    return Diagnostic.error(
        IMPORT_CODE,
        module.error or f"cannot import the actions module {name!r}",
        _user_code_span(project.root, module.detail)
        or (endpoint.span if endpoint is not None else None),
        hint=hint,
    )


def _import_quietly(root: str, module_name: str) -> ActionsModule:
    """Import the user's package; what its top-level code prints stays out of our output."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return load_actions_module(root, module_name)


def _user_code_span(root: str, detail: str) -> Span | None:
    """The innermost traceback frame in the project's own files."""
    base = Path(root).resolve()
    found: Span | None = None
    for match in _FRAME.finditer(detail):
        try:
            relative = Path(match["path"]).resolve().relative_to(base)
        except ValueError:
            continue
        found = Span(path=relative.as_posix(), line=int(match["line"]), col=1)
    return found
