"""Custom actions for the Starlight Cinemas assistant (rasa_sdk action server).

The booking system, the membership database and the lost property log are faked so the
assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

SEAT_PRICE = {"standard": 9.5, "premium": 12.0, "recliner": 15.0}
RECLINERS_LEFT = 4
MONTHLY_FEE = {"basic": 6.99, "plus": 11.99, "premium": 17.99}
HANDED_IN = ("umbrella", "scarf", "glasses", "phone", "jacket")


class ActionCheckSeatAvailability(Action):
    """Every showing has plenty of standard and premium seats but only 4 recliners left."""

    def name(self) -> Text:
        return "action_check_seat_availability"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        count = float(tracker.get_slot("ticket_count") or 0)
        seat = tracker.get_slot("seat_type") or "standard"
        available = not (seat == "recliner" and count > RECLINERS_LEFT)
        return [SlotSet("seats_available", available), SlotSet("total_price", SEAT_PRICE.get(seat, 9.5) * count)]


class ActionBookTickets(Action):
    def name(self) -> Text:
        return "action_book_tickets"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("booking_reference", "CX-48213")]


class ActionGetShowtimes(Action):
    def name(self) -> Text:
        return "action_get_showtimes"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("showtimes", "14:30, 17:45 and 20:15")]


class ActionLookupBooking(Action):
    """References are CX followed by 5 digits; those ending in 9 are for showings already started."""

    def name(self) -> Text:
        return "action_lookup_booking"

    def run(self, dispatcher, tracker, domain):
        reference = str(tracker.get_slot("booking_reference") or "").strip()
        match = re.fullmatch(r"(?i)cx[\s-]?(\d{5})", reference)
        if not match:
            return [SlotSet("booking_found", False)]
        return [
            SlotSet("booking_found", True),
            SlotSet("refundable", not match.group(1).endswith("9")),
            SlotSet("refund_amount", 24.0),
        ]


class ActionIssueRefund(Action):
    def name(self) -> Text:
        return "action_issue_refund"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCreateMembership(Action):
    def name(self) -> Text:
        return "action_create_membership"

    def run(self, dispatcher, tracker, domain):
        fee = MONTHLY_FEE.get(tracker.get_slot("membership_tier") or "", 6.99)
        return [SlotSet("member_number", "SM-30771"), SlotSet("monthly_fee", fee)]


class ActionSearchLostProperty(Action):
    """Umbrellas, scarves, glasses, phones and jackets have been handed in; nothing else."""

    def name(self) -> Text:
        return "action_search_lost_property"

    def run(self, dispatcher, tracker, domain):
        item = str(tracker.get_slot("item_description") or "").lower()
        return [SlotSet("item_found", any(word in item for word in HANDED_IN))]


class ActionLogLostItem(Action):
    def name(self) -> Text:
        return "action_log_lost_item"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("lost_item_id", "LP-7716")]


class ActionLogAccessibilityRequest(Action):
    def name(self) -> Text:
        return "action_log_accessibility_request"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("request_id", "AR-5520")]
