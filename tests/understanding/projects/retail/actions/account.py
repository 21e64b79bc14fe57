from __future__ import annotations

from calmtui.actions.sdk import Dispatcher, Tracker, action

LIST_PRICES = {"alpine down jacket": 169.0, "merino sweater": 79.0}


@action("action_remove_card")
def remove_card(tracker: Tracker, dispatcher: Dispatcher) -> None:
    return None


@action("action_set_default_card")
def set_default_card(tracker: Tracker, dispatcher: Dispatcher) -> None:
    return None


@action("action_get_gift_card_balance")
def get_gift_card_balance(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    return {"gift_card_balance": 37.5}


@action("action_create_stock_alert")
def create_stock_alert(tracker: Tracker, dispatcher: Dispatcher) -> None:
    return None


@action("action_check_price_match")
def check_price_match(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    product = " ".join(str(tracker.get_slot("product_name") or "").lower().split())
    ours = next((price for name, price in LIST_PRICES.items() if name in product), 100.0)
    theirs = float(tracker.get_slot("competitor_price") or 0)
    return {"price_match_approved": theirs >= 0.8 * ours}


@action("action_get_loyalty_points")
def get_loyalty_points(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    return {"loyalty_points": 1240.0}
