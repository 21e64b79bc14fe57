"""Custom actions for the Seaview Hotel concierge (rasa_sdk action server).

The property management system is faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionCheckAvailability(Action):
    """Suites can only be booked for up to 5 nights; everything else is available."""

    def name(self) -> Text:
        return "action_check_availability"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        nights = float(tracker.get_slot("nights") or 0)
        available = not (tracker.get_slot("room_type") == "suite" and nights > 5)
        return [SlotSet("room_available", available)]


class ActionBookRoom(Action):
    def name(self) -> Text:
        return "action_book_room"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("booking_reference", "SV-7305")]


class ActionFindReservation(Action):
    def name(self) -> Text:
        return "action_find_reservation"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("reservation_number") or "").strip()
        return [SlotSet("reservation_found", bool(re.fullmatch(r"(?i)sv-?\d{4}", number)))]


class ActionCancelReservation(Action):
    def name(self) -> Text:
        return "action_cancel_reservation"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBookShuttle(Action):
    def name(self) -> Text:
        return "action_book_shuttle"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionPlaceOrder(Action):
    def name(self) -> Text:
        return "action_place_order"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSendHousekeeping(Action):
    def name(self) -> Text:
        return "action_send_housekeeping"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionRequestLateCheckout(Action):
    """Noon and 1pm are always fine; 2pm is refused for the fake back-end's busy rooms (3xx)."""

    def name(self) -> Text:
        return "action_request_late_checkout"

    def run(self, dispatcher, tracker, domain):
        time = tracker.get_slot("checkout_time")
        room = str(tracker.get_slot("room_number") or "")
        return [SlotSet("late_checkout_approved", not (time == "2pm" and room.startswith("3")))]
