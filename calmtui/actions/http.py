"""Calling a running action server (`action_endpoint.url`) with the rasa-sdk webhook protocol.

    POST <url>  {"next_action", "sender_id", "tracker", "domain", "domain_digest", "version"}
    200         {"events": [...], "responses": [...]}
    4xx/5xx     {"error": "...", "action_name": "..."}

Servers written with `rasa_sdk` run unchanged. As Rasa does, the domain is sent with the first
call only; later calls send its digest, and a `449` ("domain missing", e.g. after the server was
restarted) is answered by sending the call again with the domain.

One `httpx.AsyncClient` is kept per event loop, so its connection pool is reused across calls.
Every way a call can fail — an error reply, a refused connection, a timeout, a reply that is not
JSON or not in the protocol's shape — becomes a failed `ActionOutcome` with one sentence saying
what happened (the internal-error pattern follows and the conversation goes on). Credentials in
the URL, its query or the headers never appear in those messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import httpx

from calmtui.actions.outcomes import outcome_from_reply
from calmtui.actions.protocol import ActionOutcome, ActionRequest
from calmtui.actions.rasa_format import RASA_VERSION, domain_digest, domain_json, tracker_state
from calmtui.core.model.project import Project

DEFAULT_TIMEOUT = 10.0
DOMAIN_MISSING = 449
_EXCERPT = 200


class HttpRunner:
    """Runs custom actions on an action server over HTTP, reusing one connection pool."""

    kind = "http"

    def __init__(
        self,
        url: str,
        *,
        project: Project | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> None:
        self.url = url
        self.display_url = display_url(url)
        self.project = project
        self.timeout = timeout
        self._headers = {"Content-Type": "application/json", **dict(headers or {})}
        self._params = dict(params or {})
        self._auth = auth
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._domain_of: tuple[Project | None, dict[str, Any], str] | None = None
        self._server_has_domain = False

    async def run(self, request: ActionRequest) -> ActionOutcome:
        """One call, bounded by `timeout` as a whole: httpx's timeouts apply to each read, and a
        server dripping a byte a second would otherwise hold the turn for as long as it likes."""
        try:
            async with asyncio.timeout(self.timeout):
                return await self._run(request)
        except TimeoutError:
            return self._timed_out(request)

    def _timed_out(self, request: ActionRequest) -> ActionOutcome:
        return ActionOutcome(
            error=f"the action server at {self.display_url} did not answer {request.name!r} within {self.timeout:g} s",
            detail="raise action_endpoint.timeout in endpoints.yml if the action needs longer",
        )

    async def _run(self, request: ActionRequest) -> ActionOutcome:
        domain, digest = self._domain(request)
        send_domain = not self._server_has_domain
        reply = await self._post(request, domain if send_domain else None, digest)
        if (
            not send_domain
            and isinstance(reply, httpx.Response)
            and reply.status_code == DOMAIN_MISSING
        ):
            reply = await self._post(request, domain, digest)
        if isinstance(reply, ActionOutcome):
            return reply
        outcome = self._outcome(request.name, reply)
        if outcome.error is None:
            self._server_has_domain = True
        return outcome

    async def aclose(self) -> None:
        """Close the connection pool (call it when the conversation or test run ends)."""
        client, self._client, self._loop = self._client, None, None
        if client is not None:
            with contextlib.suppress(RuntimeError):  # a pool made on a loop that is now closed
                await client.aclose()

    # -- the call -------------------------------------------------------------------------------
    async def _post(
        self, request: ActionRequest, domain: dict[str, Any] | None, digest: str
    ) -> httpx.Response | ActionOutcome:
        payload: dict[str, Any] = {
            "next_action": request.name,
            "sender_id": request.sender_id,
            "tracker": tracker_state(request),
            "domain_digest": digest,
            "version": RASA_VERSION,
        }
        if domain is not None:
            payload["domain"] = domain
        body = json.dumps(payload, default=str).encode()
        try:
            return await self._client_for_loop().post(self.url, content=body)
        except httpx.TimeoutException:
            return self._timed_out(request)
        except httpx.ConnectError as exc:
            return ActionOutcome(
                error=f"cannot reach the action server at {self.display_url} to run {request.name!r}: {self._reason(exc)}",
                detail="is the action server running? (e.g. `rasa run actions`)",
            )
        except httpx.HTTPError as exc:
            return ActionOutcome(
                error=f"the call to the action server at {self.display_url} for {request.name!r} failed: {self._reason(exc)}"
            )
        except httpx.InvalidURL:
            return ActionOutcome(
                error=f"action_endpoint.url is not a valid URL, so {request.name!r} cannot run",
                detail="write it like http://localhost:5055/webhook",
            )

    def _reason(self, exc: httpx.HTTPError) -> str:
        """The root cause in a few words (anyio wraps a refused connection several times)."""
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, ConnectionRefusedError):
                return "connection refused"
            if isinstance(cause, socket.gaierror):
                return f"unknown host ({cause.strerror or cause})"
            cause = cause.__cause__ or cause.__context__
        text = str(exc).strip().replace(self.url, self.display_url)
        return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

    def _client_for_loop(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout),
                headers=self._headers,
                params=self._params,
                auth=self._auth,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
            self._loop = loop
        return self._client

    def _outcome(self, name: str, reply: httpx.Response) -> ActionOutcome:
        status = reply.status_code
        try:
            data = reply.json()
        except ValueError:
            kind = reply.headers.get("content-type", "no content type")
            return ActionOutcome(
                error=f"the action server answered {name!r} with something that is not JSON (HTTP {status}, {kind})",
                detail=_excerpt(reply.text),
            )
        if 200 <= status < 300:
            return outcome_from_reply(data, f"the action server (action {name!r})")
        return _error_reply(name, status, data)

    def _domain(self, request: ActionRequest) -> tuple[dict[str, Any], str]:
        project = request.project or self.project
        if self._domain_of is None or self._domain_of[0] is not project:
            domain = domain_json(project) if project is not None else {}
            self._domain_of = (project, domain, domain_digest(domain))
            self._server_has_domain = False
        return self._domain_of[1], self._domain_of[2]


def _error_reply(name: str, status: int, data: Any) -> ActionOutcome:
    """`{"error": ..., "action_name": ...}` as one sentence (rasa_sdk's status codes)."""
    error = cast(Mapping[str, Any], data).get("error") if isinstance(data, Mapping) else None
    said = str(error) if error else _excerpt(json.dumps(data, default=str))
    detail = f"HTTP {status} from the action server"
    if status == 404:
        return ActionOutcome(
            error=f"the action server has no action {name!r}: {said}", detail=detail
        )
    if status == 400:
        return ActionOutcome(error=f"the action server rejected {name!r}: {said}", detail=detail)
    if status >= 500:
        return ActionOutcome(
            error=f"action {name!r} failed on the action server: {said}",
            detail=f"{detail}; the server's log has the traceback",
        )
    return ActionOutcome(
        error=f"the action server answered {name!r} with HTTP {status}: {said}", detail=detail
    )


def display_url(url: str) -> str:
    """The URL without user, password, query or fragment: what messages may show."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 3] + "..."
