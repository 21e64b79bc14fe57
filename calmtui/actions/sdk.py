"""calmtui's own custom-action API: a decorator, a read-only tracker and a dispatcher.

    from calmtui.actions.sdk import Dispatcher, Tracker, action

    @action("action_check_balance")
    def check_balance(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
        dispatcher.utter_message(response="utter_balance", balance=12.5)
        return {"current_balance": 12.5}

It needs nothing beyond calmtui, unlike `rasa_sdk` (sanic, pydantic, ~300 ms to import). A function
returns a dict of slot values, a list of action-server event dicts, or None; it may be async.

The decorator records the action in its module's `__calmtui_actions__` dict (an explicit
registry per module, so two projects' `actions` packages never mix). When `rasa_sdk` is already
imported — always the case inside a rasa_sdk action server, which imports itself before the
actions package — it also defines a `rasa_sdk.Action` subclass in the same module, so
`ActionExecutor.register_package("actions")` serves the very same functions over HTTP. rasa_sdk is
never imported here: in-process runs do not pay for it.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, overload

from calmtui.actions.outcomes import events_from_result

ActionResult = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None
ActionFunction = Callable[["Tracker", "Dispatcher"], ActionResult | Awaitable[ActionResult]]

REGISTRY_ATTRIBUTE = "__calmtui_actions__"
# Marks the rasa_sdk classes made by `@action`, so the in-process runner does not count them twice.
ADAPTER_MARK = "__calmtui_native_action__"

__all__ = ["ActionFunction", "ActionResult", "Dispatcher", "NativeAction", "Tracker", "action"]


class Tracker:
    """What an action may read about the conversation (a subset of rasa_sdk's `Tracker`)."""

    __slots__ = ("_latest_message", "_slots", "active_flow", "events", "sender_id", "stack")

    def __init__(
        self,
        *,
        sender_id: str,
        slots: Mapping[str, Any],
        latest_message: Mapping[str, Any] | None = None,
        events: Sequence[Mapping[str, Any]] = (),
        stack: Sequence[Mapping[str, Any]] = (),
        active_flow: str | None = None,
    ) -> None:
        self.sender_id = sender_id
        self._slots = slots
        self._latest_message = latest_message or {}
        self.events = events
        self.stack = stack
        self.active_flow = active_flow

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Tracker:
        """From the tracker JSON of the action-server protocol (what rasa_sdk receives)."""
        stack: Sequence[Mapping[str, Any]] = state.get("stack") or []
        return cls(
            sender_id=str(state.get("sender_id", "")),
            slots=state.get("slots") or {},
            latest_message=state.get("latest_message") or {},
            events=state.get("events") or [],
            stack=stack,
            active_flow=active_flow_of(stack),
        )

    @property
    def slots(self) -> Mapping[str, Any]:
        """Read-only: an action changes slots by returning them, as in Rasa."""
        return MappingProxyType(dict(self._slots))

    @property
    def latest_message(self) -> Mapping[str, Any]:
        return self._latest_message

    def get_slot(self, name: str, default: Any = None) -> Any:
        value = self._slots.get(name)
        return default if value is None else value

    def __repr__(self) -> str:
        return f"Tracker(sender_id={self.sender_id!r}, active_flow={self.active_flow!r})"


class Dispatcher:
    """Collects the messages an action sends, in the shape of rasa_sdk's `CollectingDispatcher`."""

    __slots__ = ("messages",)

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def utter_message(
        self,
        text: str | None = None,
        response: str | None = None,
        buttons: Sequence[Mapping[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        """Send `text`, or the domain response `response` (other keyword arguments fill its
        placeholders), optionally with buttons; `image=`, `custom=`, `attachment=` also work."""
        message: dict[str, Any] = {
            "text": text,
            "response": response,
            "buttons": list(buttons or []),
        }
        message.update(kwargs)
        self.messages.append(message)


@dataclass(frozen=True, slots=True, kw_only=True)
class NativeAction:
    """One `@action` function, as found in a module's registry."""

    name: str
    function: ActionFunction
    is_async: bool
    module: str


@overload
def action(name: ActionFunction, /) -> ActionFunction: ...
@overload
def action(name: str | None = None, /) -> Callable[[ActionFunction], ActionFunction]: ...
def action(
    name: str | ActionFunction | None = None, /
) -> ActionFunction | Callable[[ActionFunction], ActionFunction]:
    """Register a function as the custom action `name` (default: the function's name)."""
    if callable(name):
        return _register(name.__name__, name)
    # Callers are user code, untyped: the isinstance guards a wrong argument at runtime.
    if name is not None and (not isinstance(name, str) or not name.strip()):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"@action needs the action name as a non-empty string, got {name!r}")

    def decorate(function: ActionFunction) -> ActionFunction:
        return _register(name or function.__name__, function)

    return decorate


def _register(name: str, function: ActionFunction) -> ActionFunction:
    namespace: dict[str, Any] | None = getattr(function, "__globals__", None)
    if not callable(function) or namespace is None:
        raise TypeError(
            f"@action({name!r}) must decorate a function defined in a module, not {function!r}"
        )
    registry: dict[str, NativeAction] = namespace.setdefault(REGISTRY_ATTRIBUTE, {})
    module = str(getattr(function, "__module__", "") or namespace.get("__name__", ""))
    registry[name] = NativeAction(
        name=name, function=function, is_async=inspect.iscoroutinefunction(function), module=module
    )
    sdk_interfaces = sys.modules.get("rasa_sdk.interfaces")
    if sdk_interfaces is not None:
        attribute = adapter_attribute(name)
        # The class lives in the module under the name it reports as its `__qualname__`: pickle
        # finds classes by (module, qualname), and rasa_sdk's CLI pickles the registered actions
        # into Sanic's worker process (`python -m rasa_sdk --actions actions`).
        namespace[attribute] = _rasa_sdk_adapter(
            sdk_interfaces.Action, name, function, module, attribute
        )
    return function


def adapter_attribute(name: str) -> str:
    """The module attribute holding the rasa_sdk class of the action `name` (an identifier, so
    pickle's dotted lookup finds it; it cannot clash with a name the user's code defines)."""
    return "__rasa_sdk_action_" + re.sub(r"\W", "_", name) + "__"


def _rasa_sdk_adapter(
    base: type, name: str, function: ActionFunction, module: str, qualname: str
) -> type:
    """A `rasa_sdk.Action` subclass that runs `function` with our tracker and dispatcher."""

    def action_name(self: Any) -> str:
        return name

    async def run(self: Any, dispatcher: Any, tracker: Any, domain: Any) -> list[dict[str, Any]]:
        state: dict[str, Any] = {
            "sender_id": tracker.sender_id,
            "slots": tracker.slots,
            "latest_message": tracker.latest_message,
            "events": tracker.events,
            "stack": getattr(tracker, "stack", None) or [],
        }
        ours = Dispatcher()
        result = function(Tracker.from_state(state), ours)
        if inspect.isawaitable(result):
            result = await result
        dispatcher.messages.extend(ours.messages)
        return events_from_result(result, name)

    class_name = "".join(part.capitalize() for part in name.split("_")) or "NativeAction"
    return type(
        class_name,
        (base,),
        {
            "name": action_name,
            "run": run,
            "__module__": module,
            "__qualname__": qualname,
            "__doc__": f"rasa_sdk wrapper of the calmtui action {name!r}.",
            ADAPTER_MARK: True,
        },
    )


def active_flow_of(stack: Sequence[Mapping[str, Any]]) -> str | None:
    """The user flow the conversation is in: the topmost flow frame not started by call/link."""
    for frame in reversed(stack):
        if frame.get("type") == "flow" and frame.get("frame_type") not in ("call", "link"):
            flow_id = frame.get("flow_id")
            return flow_id if isinstance(flow_id, str) else None
    return None
