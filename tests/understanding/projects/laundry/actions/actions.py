"""Custom actions for the Fresh Fold laundry and dry-cleaning pickup assistant (rasa_sdk action server).

The order system is faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PER_BAG = 15.0
GARMENT_PRICE = {"suit": 18.0, "dress": 14.0, "coat": 20.0, "shirts": 12.0, "bedding": 16.0}
EXPRESS_FEE = 9.0
# the fake order's last digit says how far it has got
STATUS_BY_DIGIT = ["scheduled"] * 3 + ["cleaning"] * 3 + ["out_for_delivery"] * 2 + ["delivered"] * 2


class ActionQuotePickup(Action):
    def name(self) -> Text:
        return "action_quote_pickup"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if tracker.get_slot("service_type") == "dry_cleaning":
            price = GARMENT_PRICE.get(tracker.get_slot("garment_type") or "", 15.0)
        else:
            price = PER_BAG * float(tracker.get_slot("bag_count") or 1)
        if tracker.get_slot("express"):
            price += EXPRESS_FEE
        return [SlotSet("pickup_price", price)]


class ActionBookPickup(Action):
    def name(self) -> Text:
        return "action_book_pickup"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_order_number", "LD30520")]


class ActionCheckArea(Action):
    """Only Bristol (BS) postcodes are covered."""

    def name(self) -> Text:
        return "action_check_area"

    def run(self, dispatcher, tracker, domain):
        postcode = str(tracker.get_slot("postcode") or "").strip().upper()
        return [SlotSet("area_covered", postcode.startswith("BS"))]


class ActionLookupOrder(Action):
    def name(self) -> Text:
        return "action_lookup_order"

    def run(self, dispatcher, tracker, domain):
        number = re.sub(r"\s+", "", str(tracker.get_slot("order_number") or "")).upper()
        if not re.fullmatch(r"LD\d{5}", number):
            return [SlotSet("order_found", False), SlotSet("order_status", None)]
        return [SlotSet("order_found", True), SlotSet("order_status", STATUS_BY_DIGIT[int(number[-1])])]


class ActionLogComplaint(Action):
    def name(self) -> Text:
        return "action_log_complaint"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("complaint_reference", "CP-7741")]


class ActionBookRewash(Action):
    def name(self) -> Text:
        return "action_book_rewash"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionReschedulePickup(Action):
    def name(self) -> Text:
        return "action_reschedule_pickup"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelPickup(Action):
    def name(self) -> Text:
        return "action_cancel_pickup"

    def run(self, dispatcher, tracker, domain):
        return []
