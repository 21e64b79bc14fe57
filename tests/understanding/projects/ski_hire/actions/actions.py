"""Custom actions for the Powder Peak ski and snowboard hire assistant (rasa_sdk action server).

The shop's booking system is faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

DAY_RATE = {"skis": 32.0, "snowboard": 30.0}
INSURANCE_PER_DAY = 4.0
FULLY_BOOKED = ("christmas", "25 dec", "december 25", "new year")


class ActionQuoteHire(Action):
    """Advanced kit costs 8 more a day; the festive days are fully booked."""

    def name(self) -> Text:
        return "action_quote_hire"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        start = str(tracker.get_slot("start_date") or "").lower()
        available = not any(word in start for word in FULLY_BOOKED)
        days = float(tracker.get_slot("rental_days") or 1)
        rate = DAY_RATE.get(tracker.get_slot("equipment") or "skis", 32.0)
        if tracker.get_slot("ability") == "advanced":
            rate += 8.0
        if tracker.get_slot("wants_insurance"):
            rate += INSURANCE_PER_DAY
        return [SlotSet("kit_available", available), SlotSet("hire_price", rate * days)]


class ActionCreateHireBooking(Action):
    def name(self) -> Text:
        return "action_create_hire_booking"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("hire_reference", "SK60218")]


class ActionRecommendLength(Action):
    """Skis: height minus 15/10/5 cm by level; boards: height minus 25/20/15 cm."""

    def name(self) -> Text:
        return "action_recommend_length"

    def run(self, dispatcher, tracker, domain):
        height = float(tracker.get_slot("rider_height_cm") or 170)
        cut = {"beginner": 15.0, "intermediate": 10.0, "advanced": 5.0}.get(tracker.get_slot("ability") or "", 10.0)
        if tracker.get_slot("equipment") == "snowboard":
            cut += 10.0
        return [SlotSet("recommended_length", height - cut)]


class ActionLookupBooking(Action):
    """References are SK and 5 digits; odd-numbered bookings were taken with cover."""

    def name(self) -> Text:
        return "action_lookup_booking"

    def run(self, dispatcher, tracker, domain):
        ref = re.sub(r"\s+", "", str(tracker.get_slot("booking_reference") or "")).upper()
        found = bool(re.fullmatch(r"SK\d{5}", ref))
        insured = found and int(ref[-1]) % 2 == 1
        return [SlotSet("booking_found", found), SlotSet("booking_insured", insured)]


class ActionAddInsurance(Action):
    def name(self) -> Text:
        return "action_add_insurance"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionUpdateBooking(Action):
    def name(self) -> Text:
        return "action_update_booking"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckRefund(Action):
    """Every fake booking was paid 120 euros; the shop keeps a 20 euro fee."""

    def name(self) -> Text:
        return "action_check_refund"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("refund_amount", 100.0)]


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    def run(self, dispatcher, tracker, domain):
        return []
