"""Custom actions for the Lockbox escape rooms assistant (rasa_sdk action server).

The booking system, voucher shop and lost-property log are faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

ROOM_NAMES = {
    "pharaohs_tomb": "Pharaoh's Tomb",
    "haunted_manor": "Haunted Manor",
    "bank_heist": "Bank Heist",
    "space_station": "Space Station Omega",
}
# booking reference -> (room, day and time, less than 24 hours away)
BOOKINGS = {
    "ER-10482": ("Haunted Manor", "Saturday 12 December at 8pm", False),
    "ER-20917": ("Bank Heist", "tomorrow at 3pm", True),
}
LOST_PROPERTY = ("key", "scarf", "jacket", "coat", "glasses", "umbrella")


def _hour(time: Text) -> Optional[int]:
    match = re.search(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", time.lower())
    if not match:
        return None
    hour = int(match.group(1))
    if match.group(3) == "pm" and hour < 12:
        hour += 12
    return hour


def _slot_free(day: Text, time: Text) -> bool:
    """Saturday evenings (from 5pm) are always sold out."""
    hour = _hour(time)
    return not ("saturday" in day.lower() and hour is not None and hour >= 17)


def _price(players: float) -> float:
    per_player = 30.0 if players <= 2 else 25.0 if players <= 4 else 22.0
    return per_player * players


class ActionCheckRoomSlot(Action):
    def name(self) -> Text:
        return "action_check_room_slot"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        free = _slot_free(str(tracker.get_slot("booking_date") or ""), str(tracker.get_slot("time_slot") or ""))
        return [SlotSet("slot_free", free)]


class ActionQuoteBooking(Action):
    def name(self) -> Text:
        return "action_quote_booking"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("booking_price", _price(float(tracker.get_slot("team_size") or 0)))]


class ActionCreateBooking(Action):
    def name(self) -> Text:
        return "action_create_booking"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_booking_ref", "ER-33871")]


class ActionFindRoomBooking(Action):
    """Known bookings are in the table; any other ER- reference with 5 digits is a Pharaoh's Tomb game."""

    def name(self) -> Text:
        return "action_find_room_booking"

    def run(self, dispatcher, tracker, domain):
        digits = re.findall(r"\d{5}", str(tracker.get_slot("booking_ref") or ""))
        if not digits:
            return [SlotSet("booking_found", False)]
        room, when, late = BOOKINGS.get(f"ER-{digits[0]}", ("Pharaoh's Tomb", "Friday 18 December at 5:30pm", False))
        return [
            SlotSet("booking_found", True),
            SlotSet("booked_room", room),
            SlotSet("booked_slot", when),
            SlotSet("late_cancellation", late),
        ]


class ActionUpdateTeamSize(Action):
    def name(self) -> Text:
        return "action_update_team_size"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionMoveRoomBooking(Action):
    def name(self) -> Text:
        return "action_move_room_booking"

    def run(self, dispatcher, tracker, domain):
        free = _slot_free(str(tracker.get_slot("new_booking_date") or ""), str(tracker.get_slot("new_time_slot") or ""))
        return [SlotSet("move_ok", free)]


class ActionCancelRoomBooking(Action):
    def name(self) -> Text:
        return "action_cancel_room_booking"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionIssueVoucher(Action):
    def name(self) -> Text:
        return "action_issue_voucher"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("voucher_code", "GIFT-7H3K")]


class ActionSendCorporateEnquiry(Action):
    def name(self) -> Text:
        return "action_send_corporate_enquiry"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("enquiry_ref", "CORP-318")]


class ActionSearchLostProperty(Action):
    def name(self) -> Text:
        return "action_search_lost_property"

    def run(self, dispatcher, tracker, domain):
        item = str(tracker.get_slot("lost_item_description") or "").lower()
        return [SlotSet("item_found", any(word in item for word in LOST_PROPERTY))]


class ActionLogLostItem(Action):
    def name(self) -> Text:
        return "action_log_lost_item"

    def run(self, dispatcher, tracker, domain):
        return []
