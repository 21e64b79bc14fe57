"""Custom actions for the Vinehouse wine club assistant (rasa_sdk action server).

The club's membership and events systems are faked so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

CASE_PRICE = {"six": 79.0, "twelve": 149.0}
TICKET_PRICE = {"champagne": 35.0, "italian_reds": 25.0, "natural_wine": 20.0}
SOLD_OUT = {"natural_wine"}
GIFT_PRICE_PER_MONTH = 79.0


class ActionCreateMembership(Action):
    def name(self) -> Text:
        return "action_create_membership"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        price = CASE_PRICE.get(tracker.get_slot("case_size") or "", 79.0)
        return [SlotSet("membership_id", "VH-40817"), SlotSet("case_price", price)]


class ActionCheckSkip(Action):
    """December is the Christmas case and cannot be skipped."""

    def name(self) -> Text:
        return "action_check_skip"

    def run(self, dispatcher, tracker, domain):
        month = str(tracker.get_slot("skip_month") or "").lower()
        return [SlotSet("skip_allowed", "dec" not in month)]


class ActionSkipDelivery(Action):
    def name(self) -> Text:
        return "action_skip_delivery"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionUpdateAddress(Action):
    def name(self) -> Text:
        return "action_update_address"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelMembership(Action):
    def name(self) -> Text:
        return "action_cancel_membership"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetNextDelivery(Action):
    def name(self) -> Text:
        return "action_get_next_delivery"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("next_delivery_date", "Thursday 17 December")]


class ActionCreateGift(Action):
    def name(self) -> Text:
        return "action_create_gift"

    def run(self, dispatcher, tracker, domain):
        months = float(tracker.get_slot("gift_months") or 0)
        return [SlotSet("gift_price", months * GIFT_PRICE_PER_MONTH)]


class ActionCheckTickets(Action):
    """The natural wine afternoon is sold out."""

    def name(self) -> Text:
        return "action_check_tickets"

    def run(self, dispatcher, tracker, domain):
        event = tracker.get_slot("tasting_event") or ""
        count = float(tracker.get_slot("ticket_count") or 0)
        if event in SOLD_OUT:
            return [SlotSet("tickets_available", False)]
        return [SlotSet("tickets_available", True), SlotSet("ticket_total", count * TICKET_PRICE.get(event, 0.0))]


class ActionBookTickets(Action):
    def name(self) -> Text:
        return "action_book_tickets"

    def run(self, dispatcher, tracker, domain):
        return []
