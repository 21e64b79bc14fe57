"""Custom actions for the Brightlight photo studio assistant (rasa_sdk action server).

The studio's booking calendar and gallery system are faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

DEPOSIT = {"portrait": 50.0, "family": 75.0, "headshot": 30.0, "newborn": 90.0}
PRINT_PRICE = {"6x4": 2.5, "7x5": 4.0, "10x8": 9.0, "a3": 18.0}
# booking reference -> (session date, less than 48 hours away)
BOOKINGS = {
    "PS-4410": ("Saturday 12 December", False),
    "PS-5517": ("Monday 7 December", True),
}


def _studio_open(day: Text) -> bool:
    """The studio is closed on Sundays and over Christmas."""
    text = day.lower()
    return "sunday" not in text and "christmas" not in text and "25 dec" not in text and "25th of dec" not in text


def _ref(tracker: Tracker) -> Text:
    digits = re.findall(r"\d{4}", str(tracker.get_slot("booking_ref") or ""))
    return f"PS-{digits[0]}" if digits else ""


class ActionCheckAvailability(Action):
    def name(self) -> Text:
        return "action_check_availability"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("date_available", _studio_open(str(tracker.get_slot("session_date") or "")))]


class ActionBookSession(Action):
    def name(self) -> Text:
        return "action_book_session"

    def run(self, dispatcher, tracker, domain):
        deposit = DEPOSIT.get(tracker.get_slot("session_type") or "", 50.0)
        return [SlotSet("new_booking_ref", "PS-6032"), SlotSet("deposit_amount", deposit)]


class ActionFindBooking(Action):
    """Known bookings are in the table; any other PS- reference with 4 digits is a session on Friday 18 December."""

    def name(self) -> Text:
        return "action_find_booking"

    def run(self, dispatcher, tracker, domain):
        ref = _ref(tracker)
        if not ref:
            return [SlotSet("booking_found", False)]
        date, late = BOOKINGS.get(ref, ("Friday 18 December", False))
        return [SlotSet("booking_found", True), SlotSet("current_session_date", date), SlotSet("late_change", late)]


class ActionRescheduleSession(Action):
    def name(self) -> Text:
        return "action_reschedule_session"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("reschedule_ok", _studio_open(str(tracker.get_slot("new_session_date") or "")))]


class ActionCancelSession(Action):
    def name(self) -> Text:
        return "action_cancel_session"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckGallery(Action):
    """Gallery codes are GAL followed by 4 digits."""

    def name(self) -> Text:
        return "action_check_gallery"

    def run(self, dispatcher, tracker, domain):
        code = str(tracker.get_slot("gallery_code") or "").strip()
        return [SlotSet("gallery_found", bool(re.fullmatch(r"(?i)gal[-\s]?\d{4}", code)))]


class ActionPricePrints(Action):
    def name(self) -> Text:
        return "action_price_prints"

    def run(self, dispatcher, tracker, domain):
        price = PRINT_PRICE.get(tracker.get_slot("print_size") or "", 0.0)
        quantity = float(tracker.get_slot("print_quantity") or 0)
        return [SlotSet("print_total", price * quantity)]


class ActionPlacePrintOrder(Action):
    def name(self) -> Text:
        return "action_place_print_order"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionResendDownloadLink(Action):
    def name(self) -> Text:
        return "action_resend_download_link"

    def run(self, dispatcher, tracker, domain):
        return []
