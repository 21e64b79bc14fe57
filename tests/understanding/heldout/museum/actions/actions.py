"""Custom actions for the Halden Museum visitor assistant (rasa_sdk action server).

Ticketing, membership and lost property are faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PRICES = {"adult": 16.0, "child": 8.0, "concession": 12.0, "family": 40.0}
EXHIBITION_SUPPLEMENT = 6.0
HANDED_IN = ["umbrella", "scarf", "glove", "hat", "water bottle", "sunglasses"]


class ActionCheckAvailability(Action):
    """Saturdays are sold out while the Deep Oceans exhibition is on."""

    def name(self) -> Text:
        return "action_check_availability"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        date = str(tracker.get_slot("visit_date") or "").lower()
        return [SlotSet("date_available", not re.search(r"\bsat(urday)?\b", date))]


class ActionIssueTickets(Action):
    def name(self) -> Text:
        return "action_issue_tickets"

    def run(self, dispatcher, tracker, domain):
        quantity = float(tracker.get_slot("ticket_quantity") or 1)
        price = PRICES.get(tracker.get_slot("ticket_type") or "", 16.0)
        if tracker.get_slot("add_exhibition"):
            price += EXHIBITION_SUPPLEMENT
        return [SlotSet("order_total", price * quantity), SlotSet("order_number", "HM-48213")]


class ActionBookTour(Action):
    def name(self) -> Text:
        return "action_book_tour"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("tour_reference", "GT-3391")]


class ActionCheckSupervision(Action):
    """School groups need one adult for every 10 pupils."""

    def name(self) -> Text:
        return "action_check_supervision"

    def run(self, dispatcher, tracker, domain):
        pupils = float(tracker.get_slot("pupil_count") or 0)
        adults = float(tracker.get_slot("supervising_adults") or 0)
        return [SlotSet("ratio_ok", adults * 10 >= pupils)]


class ActionBookSchoolVisit(Action):
    def name(self) -> Text:
        return "action_book_school_visit"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("school_booking_reference", "SV-1184")]


class ActionCreateMembership(Action):
    def name(self) -> Text:
        return "action_create_membership"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("membership_number", "M-204518")]


class ActionLookupMembership(Action):
    """Numbers are M- and 6 digits; those starting M-0 lapsed more than a year ago."""

    def name(self) -> Text:
        return "action_lookup_membership"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("membership_number") or "").strip().upper().replace(" ", "")
        if not re.fullmatch(r"M-?\d{6}", number):
            return [SlotSet("membership_found", False)]
        lapsed = number.replace("-", "").startswith("M0")
        expiry = "31 March 2025" if lapsed else "28 February 2027"
        return [
            SlotSet("membership_found", True),
            SlotSet("membership_lapsed", lapsed),
            SlotSet("membership_expiry", expiry),
        ]


class ActionRenewMembership(Action):
    def name(self) -> Text:
        return "action_renew_membership"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSearchLostProperty(Action):
    def name(self) -> Text:
        return "action_search_lost_property"

    def run(self, dispatcher, tracker, domain):
        item = str(tracker.get_slot("lost_item") or "").lower()
        return [SlotSet("item_found", any(found in item for found in HANDED_IN))]


class ActionLogLostItem(Action):
    def name(self) -> Text:
        return "action_log_lost_item"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("lost_report_id", "LP-7720")]
