"""Custom actions for the Stitch & Press tailors assistant (rasa_sdk action server).

The shop's order book is faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

ALTERATION_PRICE = {"hem": 15.0, "take_in": 25.0, "let_out": 25.0, "sleeves": 20.0, "zip": 18.0, "repair": 12.0}
MTM_PRICE = {"suit": 850.0, "shirt": 120.0, "dress": 400.0, "trousers": 220.0}
TOO_SOON = ("today", "tomorrow", "this week", "next week", "weekend", "few days")


class ActionQuoteAlteration(Action):
    """The rush service costs 50% extra and takes 2 days instead of 7."""

    def name(self) -> Text:
        return "action_quote_alteration"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        price = ALTERATION_PRICE.get(tracker.get_slot("alteration_kind") or "", 15.0)
        rush = bool(tracker.get_slot("rush_order"))
        return [SlotSet("alteration_price", price * 1.5 if rush else price), SlotSet("ready_in_days", 2.0 if rush else 7.0)]


class ActionCreateAlterationOrder(Action):
    def name(self) -> Text:
        return "action_create_alteration_order"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_order_number", "T-5120")]


class ActionCheckLeadTime(Action):
    """Made-to-measure needs at least 4 weeks; the fake calendar only knows a few phrases."""

    def name(self) -> Text:
        return "action_check_lead_time"

    def run(self, dispatcher, tracker, domain):
        when = str(tracker.get_slot("needed_by") or "").lower()
        return [SlotSet("lead_time_ok", not any(p in when for p in TOO_SOON))]


class ActionQuoteMtm(Action):
    def name(self) -> Text:
        return "action_quote_mtm"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("mtm_price", MTM_PRICE.get(tracker.get_slot("mtm_garment") or "", 300.0))]


class ActionBookFitting(Action):
    def name(self) -> Text:
        return "action_book_fitting"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetOrderStatus(Action):
    """Orders are T- and 4 digits; even numbers are ready, odd ones still in progress."""

    def name(self) -> Text:
        return "action_get_order_status"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("order_number") or "").strip()
        match = re.fullmatch(r"(?i)t-?\s?(\d{4})", number)
        if not match:
            return [SlotSet("order_status", "not_found")]
        return [SlotSet("order_status", "ready" if int(match.group(1)) % 2 == 0 else "in_progress")]


class ActionBookCourier(Action):
    def name(self) -> Text:
        return "action_book_courier"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelOrder(Action):
    def name(self) -> Text:
        return "action_cancel_order"

    def run(self, dispatcher, tracker, domain):
        return []
