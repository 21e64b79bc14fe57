"""Custom actions for the Munchbox food delivery assistant.

Orders come from a small fake table instead of the orders API, so the bot can be tested offline."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

# order number -> (status, minutes to arrival, rider)
ORDERS = {
    "55821": ("on_the_way", 12.0, "Marco"),
    "60417": ("preparing", 35.0, "not assigned yet"),
    "48113": ("delivered", 0.0, "Aylin"),
}
DEFAULT_ORDER = ("preparing", 30.0, "not assigned yet")
ORDER_TOTAL = 24.5
PARTIAL_REFUNDS = {"late": 5.0, "cold_food": 8.0}


def _order(tracker: Tracker):
    return ORDERS.get(str(tracker.get_slot("order_number") or "").strip(), DEFAULT_ORDER)


class ActionTrackOrder(Action):
    def name(self) -> Text:
        return "action_track_order"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        status, eta, rider = _order(tracker)
        return [SlotSet("order_status", status), SlotSet("eta_minutes", eta), SlotSet("rider_name", rider)]


class ActionPlaceOrder(Action):
    def name(self) -> Text:
        return "action_place_order"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_order_number", "73310")]


class ActionResolveMissingItem(Action):
    def name(self) -> Text:
        return "action_resolve_missing_item"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCalculateRefund(Action):
    def name(self) -> Text:
        return "action_calculate_refund"

    def run(self, dispatcher, tracker, domain):
        reason = tracker.get_slot("refund_reason")
        return [SlotSet("refund_amount", PARTIAL_REFUNDS.get(reason, ORDER_TOTAL))]


class ActionIssueRefund(Action):
    def name(self) -> Text:
        return "action_issue_refund"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckOrderChangeable(Action):
    """An order can still be changed or cancelled while the restaurant is preparing it."""

    def name(self) -> Text:
        return "action_check_order_changeable"

    def run(self, dispatcher, tracker, domain):
        status, _, _ = _order(tracker)
        return [SlotSet("order_status", status), SlotSet("order_changeable", status == "preparing")]


class ActionUpdateAddress(Action):
    def name(self) -> Text:
        return "action_update_address"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionAddTip(Action):
    def name(self) -> Text:
        return "action_add_tip"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelOrder(Action):
    def name(self) -> Text:
        return "action_cancel_order"

    def run(self, dispatcher, tracker, domain):
        return []
