"""Custom actions for the Shear Bliss salon assistant.

The booking system is faked: a few fixed rules decide availability and which bookings exist."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PRICES = {
    "haircut": (45.0, "45 minutes"),
    "kids_cut": (20.0, "30 minutes"),
    "colour": (85.0, "2 hours"),
    "balayage": (160.0, "3 hours"),
    "blow_dry": (35.0, "40 minutes"),
    "beard_trim": (15.0, "20 minutes"),
}
# the 5pm slot is always fully booked
TAKEN_TIMES = {"5pm", "5 pm", "5", "17:00", "5:00pm", "5:00 pm", "5:00"}


def is_free(time: object) -> bool:
    return str(time or "").strip().lower() not in TAKEN_TIMES


class ActionCheckAvailability(Action):
    def name(self) -> Text:
        return "action_check_availability"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("slot_available", is_free(tracker.get_slot("appointment_time")))]


class ActionBookAppointment(Action):
    def name(self) -> Text:
        return "action_book_appointment"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("booking_reference", "SB-2291")]


class ActionFindBooking(Action):
    """Numbers ending in 0 have no booking; numbers ending in 7 have one tomorrow morning."""

    def name(self) -> Text:
        return "action_find_booking"

    def run(self, dispatcher, tracker, domain):
        phone = "".join(c for c in str(tracker.get_slot("client_phone") or "") if c.isdigit())
        if not phone or phone.endswith("0"):
            return [SlotSet("has_booking", False)]
        if phone.endswith("7"):
            return [
                SlotSet("has_booking", True),
                SlotSet("booking_summary", "a haircut with Mia tomorrow at 10:30am"),
                SlotSet("late_cancellation", True),
            ]
        return [
            SlotSet("has_booking", True),
            SlotSet("booking_summary", "a colour with Priya next Thursday at 1pm"),
            SlotSet("late_cancellation", False),
        ]


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionMoveBooking(Action):
    def name(self) -> Text:
        return "action_move_booking"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("slot_available", is_free(tracker.get_slot("new_appointment_time")))]


class ActionIssueGiftCard(Action):
    def name(self) -> Text:
        return "action_issue_gift_card"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_gift_card_code", "GC-418302")]


class ActionCheckGiftCardBalance(Action):
    def name(self) -> Text:
        return "action_check_gift_card_balance"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("gift_card_balance", 37.5)]


class ActionGetPrice(Action):
    def name(self) -> Text:
        return "action_get_price"

    def run(self, dispatcher, tracker, domain):
        price, duration = PRICES.get(tracker.get_slot("price_service") or "", (0.0, "unknown"))
        return [SlotSet("service_price", price), SlotSet("service_duration", duration)]
