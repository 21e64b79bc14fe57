from __future__ import annotations

from calmtui.actions.sdk import Dispatcher, Tracker, action

# order number -> (status, carrier, expected delivery / delivery day, days since purchase)
ORDERS = {
    "NW100234": ("shipped", "UPS", "on Thursday", 4),
    "NW100777": ("processing", "", "", 1),
    "NW100555": ("delivered", "FedEx", "yesterday at 2:40 PM", 6),
    "NW099812": ("delivered", "UPS", "on March 2", 61),
}


def lookup(number: object) -> tuple[str, str, str, int]:
    key = str(number or "").upper().replace("-", "").replace(" ", "")
    return ORDERS.get(key, ("processing", "", "", 2))


@action("action_get_order_status")
def get_order_status(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    status, carrier, when, _ = lookup(tracker.get_slot("order_number"))
    return {"order_status": status, "carrier": carrier, "expected_delivery": when}


@action("action_open_investigation")
def open_investigation(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    return {"investigation_id": "CASE-3381"}


@action("action_check_cancellable")
def check_cancellable(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    status, *_ = lookup(tracker.get_slot("order_number"))
    return {"order_cancellable": status == "processing"}


@action("action_cancel_order")
def cancel_order(tracker: Tracker, dispatcher: Dispatcher) -> None:
    return None


@action("action_update_delivery_address")
def update_delivery_address(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    status, *_ = lookup(tracker.get_slot("order_number"))
    return {"address_change_possible": status == "processing"}


@action("action_check_return_eligibility")
def check_return_eligibility(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    *_, age_days = lookup(tracker.get_slot("order_number"))
    return {"return_eligible": age_days <= 30}


@action("action_create_return")
def create_return(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    return {"return_label_id": "RMA-55120"}
