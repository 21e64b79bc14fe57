"""Custom actions for the Hartwell Barn weddings assistant (rasa_sdk action server).

The venue's diary and payment systems are faked: June 2027 is fully booked, every other
date is free, and booking references look like HB-1234."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

MENU_PRICES = {"classic": 68.0, "sharing_feast": 62.0, "bbq": 45.0, "vegan_garden": 55.0}
DEPOSIT = 2500.0


class ActionBookViewing(Action):
    """Show-rounds are at 11am, video tours at 6pm after the barn closes."""

    def name(self) -> Text:
        return "action_book_viewing"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        video = tracker.get_slot("viewing_type") == "video_call"
        return [SlotSet("viewing_time", "6pm" if video else "11am")]


class ActionCheckDate(Action):
    def name(self) -> Text:
        return "action_check_date"

    def run(self, dispatcher, tracker, domain):
        date = str(tracker.get_slot("event_date") or "").lower()
        taken = bool(re.search(r"\bjune?\b", date))
        return [
            SlotSet("date_available", not taken),
            SlotSet("alternative_dates", "Friday 2 July 2027 or Saturday 10 July 2027" if taken else None),
        ]


class ActionPlaceHold(Action):
    def name(self) -> Text:
        return "action_place_hold"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSaveMenu(Action):
    def name(self) -> Text:
        return "action_save_menu"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("menu_price", MENU_PRICES.get(tracker.get_slot("menu_choice") or "", 0.0))]


class ActionLookupBooking(Action):
    def name(self) -> Text:
        return "action_lookup_booking"

    def run(self, dispatcher, tracker, domain):
        reference = str(tracker.get_slot("booking_reference") or "").strip()
        found = bool(re.fullmatch(r"(?i)hb-?\s?\d{4}", reference))
        return [SlotSet("booking_found", found), SlotSet("deposit_amount", DEPOSIT if found else None)]


class ActionTakeDeposit(Action):
    def name(self) -> Text:
        return "action_take_deposit"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionUpdateGuestNumbers(Action):
    def name(self) -> Text:
        return "action_update_guest_numbers"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionRequestCallback(Action):
    def name(self) -> Text:
        return "action_request_callback"

    def run(self, dispatcher, tracker, domain):
        return []
