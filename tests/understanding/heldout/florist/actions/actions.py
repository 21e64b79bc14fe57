"""Custom actions for the Petal & Stem florist assistant (rasa_sdk action server).

The shop's order system and subscription service are faked so the assistant can be demoed."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

STYLE_PRICE = {"roses": 45.0, "seasonal": 35.0, "lilies": 40.0, "sunflowers": 30.0}
SIZE_FACTOR = {"small": 1.0, "medium": 1.5, "large": 2.0}
CARD_PRICE = 3.5
DELIVERIES_PER_MONTH = {"weekly": 4, "fortnightly": 2, "monthly": 1}
GUARANTEE_DAYS = 7


def _order_digits(tracker: Tracker) -> str:
    """Order numbers are PS-12345; the fake order book reads the status from the last digit."""
    number = str(tracker.get_slot("order_number") or "").strip()
    match = re.fullmatch(r"(?i)ps[-\s]?(\d{5})", number)
    return match.group(1) if match else ""


def _status(digits: str) -> str:
    last = int(digits[-1])
    if 1 <= last <= 3:
        return "preparing"
    if 4 <= last <= 6:
        return "out_for_delivery"
    return "delivered"


class ActionPriceBouquet(Action):
    def name(self) -> Text:
        return "action_price_bouquet"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        base = STYLE_PRICE.get(tracker.get_slot("bouquet_style") or "", 35.0)
        total = base * SIZE_FACTOR.get(tracker.get_slot("bouquet_size") or "", 1.0)
        if tracker.get_slot("add_card"):
            total += CARD_PRICE
        return [SlotSet("order_total", total)]


class ActionPlaceOrder(Action):
    def name(self) -> Text:
        return "action_place_order"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("order_number", "PS-40712")]


class ActionLookupOrder(Action):
    def name(self) -> Text:
        return "action_lookup_order"

    def run(self, dispatcher, tracker, domain):
        digits = _order_digits(tracker)
        if not digits:
            return [SlotSet("order_found", False), SlotSet("order_status", None)]
        return [SlotSet("order_found", True), SlotSet("order_status", _status(digits))]


class ActionUpdateOrder(Action):
    def name(self) -> Text:
        return "action_update_order"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckFreshnessGuarantee(Action):
    """Orders ending in 0 were delivered 10 days ago; every other delivered order is recent."""

    def name(self) -> Text:
        return "action_check_freshness_guarantee"

    def run(self, dispatcher, tracker, domain):
        digits = _order_digits(tracker)
        days_ago = 10 if digits.endswith("0") else 2
        return [SlotSet("within_guarantee", days_ago <= GUARANTEE_DAYS)]


class ActionLogComplaint(Action):
    def name(self) -> Text:
        return "action_log_complaint"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionQuoteSubscription(Action):
    def name(self) -> Text:
        return "action_quote_subscription"

    def run(self, dispatcher, tracker, domain):
        per_delivery = float(tracker.get_slot("subscription_budget") or 0)
        per_month = DELIVERIES_PER_MONTH.get(tracker.get_slot("subscription_frequency") or "", 1)
        return [SlotSet("subscription_price", per_delivery * per_month)]


class ActionCreateSubscription(Action):
    def name(self) -> Text:
        return "action_create_subscription"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionFindSubscription(Action):
    """Every well-formed email has a subscription except ones at the shop's own test domain."""

    def name(self) -> Text:
        return "action_find_subscription"

    def run(self, dispatcher, tracker, domain):
        email = str(tracker.get_slot("account_email") or "").strip().lower()
        found = bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", email)) and not email.endswith("@example.com")
        return [SlotSet("subscription_found", found)]


class ActionPauseSubscription(Action):
    def name(self) -> Text:
        return "action_pause_subscription"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelSubscription(Action):
    def name(self) -> Text:
        return "action_cancel_subscription"

    def run(self, dispatcher, tracker, domain):
        return []
