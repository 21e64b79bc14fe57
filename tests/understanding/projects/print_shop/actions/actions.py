"""Custom actions for the Inkwell print shop assistant (rasa_sdk action server).

The price list and the order system are faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

CARD_PAPER_PER_100 = {"standard": 12.0, "premium": 18.0, "recycled": 15.0}
SOFT_TOUCH_PER_100 = 5.0
DOUBLE_SIDED_PER_100 = 4.0
POSTER_EACH = {"a3": 6.0, "a2": 9.0, "a1": 14.0, "a0": 22.0}
SATIN_EXTRA_EACH = 1.0
DELIVERY = 4.95

# order number -> status and whether a proof is waiting for the customer
ORDERS = {
    "PS1001": {"status": "awaiting_proof", "proof_ready": True},
    "PS1002": {"status": "printing", "proof_ready": False},
    "PS1003": {"status": "ready_for_collection", "proof_ready": False},
    "PS1004": {"status": "dispatched", "proof_ready": False},
}


def _order(tracker: Tracker):
    number = re.sub(r"[^A-Za-z0-9]", "", str(tracker.get_slot("order_number") or "")).upper()
    return ORDERS.get(number)


def _delivery(tracker: Tracker) -> float:
    return DELIVERY if tracker.get_slot("fulfilment_method") == "delivery" else 0.0


class ActionPriceBusinessCards(Action):
    def name(self) -> Text:
        return "action_price_business_cards"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        hundreds = float(tracker.get_slot("card_quantity") or 0) / 100
        per_100 = CARD_PAPER_PER_100.get(tracker.get_slot("card_paper") or "", 0.0)
        if tracker.get_slot("card_finish") == "soft_touch":
            per_100 += SOFT_TOUCH_PER_100
        if tracker.get_slot("double_sided"):
            per_100 += DOUBLE_SIDED_PER_100
        return [SlotSet("order_price", round(hundreds * per_100 + _delivery(tracker), 2))]


class ActionPricePosters(Action):
    def name(self) -> Text:
        return "action_price_posters"

    def run(self, dispatcher, tracker, domain):
        each = POSTER_EACH.get(tracker.get_slot("poster_size") or "", 0.0)
        if tracker.get_slot("poster_finish") == "satin":
            each += SATIN_EXTRA_EACH
        count = float(tracker.get_slot("poster_quantity") or 0)
        return [SlotSet("order_price", round(each * count + _delivery(tracker), 2))]


class ActionPlaceOrder(Action):
    def name(self) -> Text:
        return "action_place_order"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_order_number", "PS-2210")]


class ActionGetProof(Action):
    def name(self) -> Text:
        return "action_get_proof"

    def run(self, dispatcher, tracker, domain):
        order = _order(tracker)
        return [SlotSet("order_found", order is not None), SlotSet("proof_ready", bool(order and order["proof_ready"]))]


class ActionApproveProof(Action):
    def name(self) -> Text:
        return "action_approve_proof"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionRequestProofChanges(Action):
    def name(self) -> Text:
        return "action_request_proof_changes"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckOrderStatus(Action):
    def name(self) -> Text:
        return "action_check_order_status"

    def run(self, dispatcher, tracker, domain):
        order = _order(tracker)
        return [SlotSet("order_found", order is not None), SlotSet("order_status", order["status"] if order else None)]


class ActionFindOrder(Action):
    """Orders can be cancelled until they go to print."""

    def name(self) -> Text:
        return "action_find_order"

    def run(self, dispatcher, tracker, domain):
        order = _order(tracker)
        status = order["status"] if order else None
        return [
            SlotSet("order_found", order is not None),
            SlotSet("order_status", status),
            SlotSet("order_cancellable", status == "awaiting_proof"),
        ]


class ActionUpdateFulfilment(Action):
    def name(self) -> Text:
        return "action_update_fulfilment"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelOrder(Action):
    def name(self) -> Text:
        return "action_cancel_order"

    def run(self, dispatcher, tracker, domain):
        return []
