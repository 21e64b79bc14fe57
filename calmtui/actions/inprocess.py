"""Running custom actions in the calmtui process (`action_endpoint.actions_module`).

The project's module is imported on the first call (a shell that never runs a custom action does
not pay for it); hot reload makes a new runner, which imports the code afresh. calmtui `@action`
functions get our `Tracker` and `Dispatcher`; `rasa_sdk.Action` classes get rasa_sdk's own,
built from the same tracker JSON an action server would receive, so both behave as they would
behind a server.

Synchronous actions run in a worker thread, so a slow one never freezes the inspector, and
`async def` actions in a task of their own; both are bounded by the endpoint's timeout. Whatever
an action raises — `BaseException`s included — becomes a failed `ActionOutcome` whose `detail` is
the traceback of the user's code, and what it prints is kept as the outcome's `output`
(`containment.py`), never written to calmtui's own stdout.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from calmtui.actions.containment import (
    captured_stdout,
    describe,
    in_task,
    in_thread,
    printed,
    stops_the_turn,
)
from calmtui.actions.module_loader import (
    ActionsModule,
    SdkAction,
    load_actions_module,
    user_traceback,
)
from calmtui.actions.outcomes import (
    ActionResultError,
    check_events,
    check_responses,
    events_from_result,
)
from calmtui.actions.protocol import ActionOutcome, ActionRequest
from calmtui.actions.rasa_format import domain_json, tracker_state
from calmtui.actions.sdk import Dispatcher, NativeAction, Tracker
from calmtui.core.model.project import Project

DEFAULT_TIMEOUT = 10.0


class InProcessRunner:
    """Runs the actions of one project's module, imported under its real name."""

    kind = "inprocess"

    def __init__(
        self,
        root: str,
        module_name: str = "actions",
        *,
        project: Project | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.root = root
        self.module_name = module_name
        self.project = project
        self.timeout = timeout
        self._module: ActionsModule | None = None
        self._domain_of: tuple[Project, dict[str, Any]] | None = None

    def load(self) -> ActionsModule:
        """Import the module now (done on the first call otherwise); import errors are kept."""
        if self._module is None:
            self._module = load_actions_module(self.root, self.module_name)
        return self._module

    async def run(self, request: ActionRequest) -> ActionOutcome:
        with captured_stdout() as buffer:
            outcome = await self._run(request)
        output = printed(buffer)
        return replace(outcome, output=output) if output else outcome

    async def _run(self, request: ActionRequest) -> ActionOutcome:
        module = self.load()
        if module.error is not None:
            return ActionOutcome(error=module.error, detail=module.detail)
        found = module.actions.get(request.name)
        if found is None:
            return ActionOutcome(error=self._missing(module, request.name), detail=_known(module))
        try:
            match found:
                case NativeAction():
                    return await self._run_native(found, request)
                case SdkAction():
                    return await self._run_sdk(found, request)
        except ActionResultError as exc:
            return ActionOutcome(error=str(exc))
        except _DeadlineError:
            return ActionOutcome(
                error=f"action {request.name!r} did not finish within {self.timeout:g} s",
                detail="raise action_endpoint.timeout in endpoints.yml if it needs longer",
            )
        except BaseException as exc:  # user code: reported, never fatal (see containment)
            if stops_the_turn(exc):
                raise
            return ActionOutcome(
                error=f"action {request.name!r} raised {describe(exc)}", detail=user_traceback(exc)
            )

    async def aclose(self) -> None:
        """Nothing to release; here so every runner can be closed the same way."""

    # -- running --------------------------------------------------------------------------------
    async def _run_native(self, found: NativeAction, request: ActionRequest) -> ActionOutcome:
        tracker = Tracker.from_state(tracker_state(request))
        dispatcher = Dispatcher()
        result = await self._call(found.function, tracker, dispatcher)
        return ActionOutcome(
            events=events_from_result(result, found.name),
            responses=check_responses(dispatcher.messages, f"action {found.name!r}"),
        )

    async def _run_sdk(self, found: SdkAction, request: ActionRequest) -> ActionOutcome:
        # rasa_sdk ships no type information: its objects are typed Any here.
        from rasa_sdk.executor import (  # pyright: ignore[reportMissingTypeStubs]
            CollectingDispatcher,
        )
        from rasa_sdk.interfaces import (  # pyright: ignore[reportMissingTypeStubs]
            Tracker as SdkTracker,
        )

        tracker = SdkTracker.from_dict(tracker_state(request))  # type: ignore[arg-type]
        dispatcher = CollectingDispatcher()
        result = await self._call(found.instance.run, dispatcher, tracker, self._domain(request))
        source = f"action {found.name!r}"
        if result is not None and not isinstance(result, list | tuple):
            raise ActionResultError(
                f"{source} returned {type(result).__name__}; a rasa_sdk action returns a list of events"
            )
        return ActionOutcome(
            events=check_events(result or [], source),  # type: ignore[arg-type]
            responses=check_responses(dispatcher.messages, source),
        )

    async def _call(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run an action's function within the timeout: a coroutine function in a task of its
        own (so an action that cancels "its" task cancels only itself), anything else in a
        worker thread (so a slow synchronous action never blocks the event loop). A deadline
        that passes while a thread runs stops the waiting, not the thread."""
        if inspect.iscoroutinefunction(function):
            result = await self._within_timeout(in_task(function(*args)))
        else:
            result = await self._within_timeout(in_thread(function, *args))
        if inspect.isawaitable(result):  # a plain function that returned a coroutine
            result = await self._within_timeout(in_task(result))
        return result

    async def _within_timeout(self, pending: Awaitable[Any]) -> Any:
        """Await an action; our deadline passing is told apart from a TimeoutError the action
        itself raised (that one is the action's failure, reported as such)."""
        deadline = asyncio.timeout(self.timeout)
        try:
            async with deadline:
                return await pending
        except TimeoutError as exc:
            if deadline.expired():
                raise _DeadlineError from exc
            raise

    def _domain(self, request: ActionRequest) -> dict[str, Any]:
        project = request.project or self.project
        if project is None:
            return {}
        if self._domain_of is None or self._domain_of[0] is not project:
            self._domain_of = (project, domain_json(project))
        return self._domain_of[1]

    def _missing(self, module: ActionsModule, name: str) -> str:
        message = f"the actions module {module.module_name!r} has no action {name!r}"
        hint = module.suggestion(name)
        return f"{message}; {hint}" if hint else message


class _DeadlineError(Exception):
    """An async action ran past the runner's timeout."""


def _known(module: ActionsModule) -> str:
    names = module.names
    if not names:
        return (
            f"{module.module_name!r} defines no actions: decorate functions with "
            "@action('name') (calmtui.actions.sdk) or define rasa_sdk Action classes"
        )
    return "actions defined: " + ", ".join(names)
