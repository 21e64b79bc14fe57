"""Choosing how a project's custom actions run, from its `endpoints.yml` (FORMATS.md a.3).

    action_endpoint: {actions_module: actions}          -> InProcessRunner
    action_endpoint: {url: http://localhost:5055/webhook, timeout: 5}  -> HttpRunner
    (no action_endpoint)                                -> NoActionRunner (each call fails clearly)

With both `url` and `actions_module`, the module wins (the loader warns, CT235). Stubs wrap
whichever runner that is. The test runner makes the project's runner once and one cheap
`StubRunner` per test case around it:

    shared = make_action_runner(project)
    runner = make_action_runner(project, stubs=file_stubs, test_case=name, fallback=shared)
    ...
    await close_action_runner(shared)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from calmtui.actions.protocol import ActionRunner, NoActionRunner
from calmtui.actions.stubs import ActionStubs, StubRunner
from calmtui.core.model.config import ActionEndpoint
from calmtui.core.model.project import Project

DEFAULT_TIMEOUT = 10.0


def make_action_runner(
    project: Project,
    *,
    stubs: ActionStubs | None = None,
    test_case: str | None = None,
    fallback: ActionRunner | None = None,
    timeout: float | None = None,
) -> ActionRunner:
    """The runner for `project`'s custom actions.

    `fallback`: an existing runner to use instead of making one from endpoints.yml (so many
    test cases share one connection pool or one imported module). `stubs`/`test_case`: the
    stubs that apply (case-scoped ones win) answer first. `timeout` overrides
    `action_endpoint.timeout` (default 10 s).
    """
    base = fallback if fallback is not None else endpoint_runner(project, timeout=timeout)
    if stubs:
        return StubRunner(stubs, test_case=test_case, fallback=base)
    return base


def endpoint_runner(project: Project, *, timeout: float | None = None) -> ActionRunner:
    endpoint = project.endpoints.action_endpoint
    if endpoint is None:
        return NoActionRunner()
    limit = timeout or endpoint.timeout or DEFAULT_TIMEOUT
    if endpoint.actions_module:
        from calmtui.actions.inprocess import InProcessRunner

        return InProcessRunner(
            project.root, endpoint.actions_module, project=project, timeout=limit
        )
    if endpoint.url:
        from calmtui.actions.http import HttpRunner

        return HttpRunner(endpoint.url, project=project, timeout=limit, **_http_options(endpoint))
    return NoActionRunner()


async def close_action_runner(runner: ActionRunner) -> None:
    """Release what a runner holds (the HTTP connection pool); fine for any runner."""
    close = getattr(runner, "aclose", None)
    if close is not None:
        await close()


def _http_options(endpoint: ActionEndpoint) -> dict[str, Any]:
    """Rasa's EndpointConfig options: `headers`, `token` (+ `token_name`), `basic_auth`."""
    options = endpoint.options
    headers = options.get("headers")
    params: dict[str, str] = {}
    token = options.get("token")
    if token is not None:
        params[str(options.get("token_name") or "token")] = str(token)
    auth = options.get("basic_auth")
    return {
        "headers": {str(k): str(v) for k, v in cast(Mapping[Any, Any], headers).items()}
        if isinstance(headers, Mapping)
        else None,
        "params": params,
        "auth": (str(auth.get("username", "")), str(auth.get("password", "")))  # type: ignore[misc]
        if isinstance(auth, Mapping)
        else None,
    }
