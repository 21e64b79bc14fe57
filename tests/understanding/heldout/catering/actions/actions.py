"""Custom actions for the Saffron & Thyme event catering assistant (rasa_sdk action server).

The booking system is faked so the assistant can be demoed and tested. References are SC-
followed by 4 digits; events whose reference starts with SC-9 are less than a week away."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

SERVICE_AREA = ["bristol", "bath", "clifton", "keynsham", "portishead", "clevedon", "weston", "thornbury"]
PRICE_PER_HEAD = {"canapes": 18.0, "buffet": 32.0, "bbq": 28.0, "family_style": 42.0, "plated": 55.0}
BOOKED_GUESTS = 60.0


def _reference(tracker: Tracker) -> str:
    return str(tracker.get_slot("booking_reference") or "").strip().upper()


def _known(reference: str) -> bool:
    return bool(re.fullmatch(r"SC-?\d{4}", reference))


def _within_a_week(reference: str) -> bool:
    return reference.replace("-", "").startswith("SC9")


class ActionCheckServiceArea(Action):
    def name(self) -> Text:
        return "action_check_service_area"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        location = str(tracker.get_slot("event_location") or "").lower()
        return [SlotSet("in_service_area", any(town in location for town in SERVICE_AREA))]


class ActionCalculateQuote(Action):
    def name(self) -> Text:
        return "action_calculate_quote"

    def run(self, dispatcher, tracker, domain):
        guests = float(tracker.get_slot("guest_count") or 0)
        total = PRICE_PER_HEAD.get(tracker.get_slot("menu_style") or "", 35.0) * guests
        return [SlotSet("quote_total", total), SlotSet("quote_id", "Q-5821")]


class ActionBookTasting(Action):
    def name(self) -> Text:
        return "action_book_tasting"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("tasting_id", "T-0412")]


class ActionLookupBooking(Action):
    def name(self) -> Text:
        return "action_lookup_booking"

    def run(self, dispatcher, tracker, domain):
        reference = _reference(tracker)
        if not _known(reference):
            return [SlotSet("booking_found", False)]
        date = "Friday 11 December" if _within_a_week(reference) else "Saturday 17 April"
        return [SlotSet("booking_found", True), SlotSet("booking_event_date", date)]


class ActionUpdateGuestCount(Action):
    def name(self) -> Text:
        return "action_update_guest_count"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("guest_change_accepted", not _within_a_week(_reference(tracker)))]


class ActionConfirmBooking(Action):
    def name(self) -> Text:
        return "action_confirm_booking"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetDeposit(Action):
    """Every fake booking is 60 guests on the buffet menu: a 30% deposit of £576."""

    def name(self) -> Text:
        return "action_get_deposit"

    def run(self, dispatcher, tracker, domain):
        found = _known(_reference(tracker))
        amount = round(BOOKED_GUESTS * PRICE_PER_HEAD["buffet"] * 0.3, 2) if found else None
        return [SlotSet("booking_found", found), SlotSet("deposit_amount", amount)]


class ActionChargeDeposit(Action):
    def name(self) -> Text:
        return "action_charge_deposit"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("refund_full", not _within_a_week(_reference(tracker)))]
