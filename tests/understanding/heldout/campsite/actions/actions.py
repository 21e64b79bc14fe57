"""Custom actions for the Bracken Valley holiday park assistant (rasa_sdk action server).

The park's booking system is faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

NIGHTLY_RATE = {"tent": 18.0, "caravan": 26.0, "motorhome": 28.0, "cabin": 85.0}
HOOKUP_PER_NIGHT = 6.0
# The fake plan: cabins are full in August, every other pitch is free.
FULL_MONTHS = {"cabin": ("aug",)}
# BV1xxxx bookings are cabins (electricity included); BV9xxxx are on the far field (no hookups left).
FACILITIES = {
    "showers": "The shower blocks are open 24 hours and the showers are free. There are family rooms in block B.",
    "shop": "The site shop is open 8am to 8pm and sells bread, milk, gas bottles and firewood.",
    "pool": "The heated outdoor pool is open 10am to 6pm from May to September. Under-12s must be with an adult.",
    "laundry": "The laundry room is next to reception. Washers are £4 and dryers £2, and it takes card.",
    "wifi": "Free wifi reaches the cabins and the pitches near reception. Ask at reception for the password.",
    "dogs": "Well-behaved dogs are welcome on pitches (not in cabins) for £3 a night. Please keep them on a lead.",
}


def _booking_ok(ref: str) -> bool:
    return bool(re.fullmatch(r"(?i)bv\s?\d{5}", ref.strip()))


class ActionCheckAvailability(Action):
    def name(self) -> Text:
        return "action_check_availability"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        pitch = tracker.get_slot("pitch_type") or "tent"
        arrival = str(tracker.get_slot("arrival_date") or "").lower()
        full = any(month in arrival for month in FULL_MONTHS.get(pitch, ()))
        nights = float(tracker.get_slot("nights") or 0)
        price = NIGHTLY_RATE.get(pitch, 20.0) * nights
        if pitch != "cabin" and tracker.get_slot("electric_hookup"):
            price += HOOKUP_PER_NIGHT * nights
        return [SlotSet("pitch_available", not full), SlotSet("booking_price", None if full else price)]


class ActionCreateBooking(Action):
    def name(self) -> Text:
        return "action_create_booking"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("booking_ref", "BV20417")]


class ActionLookupBooking(Action):
    """References are BV and five digits; a cancellation refunds £120."""

    def name(self) -> Text:
        return "action_lookup_booking"

    def run(self, dispatcher, tracker, domain):
        found = _booking_ok(str(tracker.get_slot("booking_ref") or ""))
        return [SlotSet("booking_found", found), SlotSet("refund_amount", 120.0 if found else None)]


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionUpdateBooking(Action):
    def name(self) -> Text:
        return "action_update_booking"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionAddHookup(Action):
    def name(self) -> Text:
        return "action_add_hookup"

    def run(self, dispatcher, tracker, domain):
        ref = str(tracker.get_slot("booking_ref") or "").upper().replace(" ", "")
        if ref.startswith("BV1"):
            result = "already_included"
        elif ref.startswith("BV9"):
            result = "no_free_hookup"
        else:
            result = "added"
        return [SlotSet("hookup_result", result)]


class ActionGetFacilityInfo(Action):
    def name(self) -> Text:
        return "action_get_facility_info"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("facility_details", FACILITIES.get(tracker.get_slot("facility") or "", "Please ask at reception."))]


class ActionLogProblem(Action):
    """No power and no water are urgent; everything else is handled during the day."""

    def name(self) -> Text:
        return "action_log_problem"

    def run(self, dispatcher, tracker, domain):
        urgent = tracker.get_slot("problem_type") in ("electricity", "water")
        return [SlotSet("problem_urgent", urgent), SlotSet("report_id", "SR-3318")]
