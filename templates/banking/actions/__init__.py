"""Custom actions of the banking assistant, run in-process by calmtui.

endpoints.yml names this package (`action_endpoint: {actions_module: actions}`); every function
decorated with `@action` becomes the custom action of that name. An action reads the conversation
through `tracker`, may send messages through `dispatcher`, and returns the slots to set.
The same package also runs unchanged on a rasa_sdk action server (`python -m rasa_sdk --actions
actions`, then `action_endpoint: {url: http://localhost:5055/webhook}`; calmtui docs: actions.md).

The actions are deterministic on purpose, so the e2e tests can cover every branch: the account
starts with a fixed balance, the balance then lives in the `current_balance` slot, and a transfer
above the limit or above the balance fails.
"""

from __future__ import annotations

from calmtui.actions.sdk import Dispatcher, Tracker, action

STARTING_BALANCE = 2500.75
TRANSFER_LIMIT = 1000.0


def _balance(tracker: Tracker) -> float:
    """The balance so far in this conversation (the fixed starting balance at first)."""
    value = tracker.get_slot("current_balance")
    return STARTING_BALANCE if value is None else float(value)


@action("action_check_balance")
def check_balance(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    return {"current_balance": _balance(tracker)}


@action("action_execute_transfer")
def execute_transfer(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    amount = float(tracker.get_slot("amount") or 0)
    balance = _balance(tracker)
    if amount <= 0 or amount > TRANSFER_LIMIT or amount > balance:
        return {"transfer_successful": False}
    return {"transfer_successful": True, "current_balance": balance - amount}
