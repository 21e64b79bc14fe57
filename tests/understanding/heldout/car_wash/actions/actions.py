"""Custom actions for the Sparkle car wash assistant (rasa_sdk action server).

The booking and membership systems are faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PACKAGE_PRICE = {"basic": 12.0, "deluxe": 25.0, "full_valet": 60.0}
SIZE_EXTRA = {"small": 0.0, "medium": 3.0, "large": 8.0}
PLAN_FEE = {"unlimited": 30.0, "four_washes": 20.0, "premium_valet": 55.0}


class ActionCheckWashSlot(Action):
    """The site is closed on Sundays; every other day has space. Also prices the wash."""

    def name(self) -> Text:
        return "action_check_wash_slot"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        day = str(tracker.get_slot("wash_date") or "").lower()
        price = PACKAGE_PRICE.get(tracker.get_slot("wash_package") or "", 0.0)
        price += SIZE_EXTRA.get(tracker.get_slot("vehicle_size") or "", 0.0)
        return [SlotSet("slot_available", "sunday" not in day), SlotSet("wash_price", price)]


class ActionBookWash(Action):
    def name(self) -> Text:
        return "action_book_wash"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionFindBooking(Action):
    """References are CW followed by 4 digits."""

    def name(self) -> Text:
        return "action_find_booking"

    def run(self, dispatcher, tracker, domain):
        ref = str(tracker.get_slot("booking_reference") or "").strip()
        found = bool(re.fullmatch(r"(?i)cw\s?\d{4}", ref))
        summary = "a deluxe wash on Friday at 11am" if found else None
        return [SlotSet("booking_found", found), SlotSet("booking_summary", summary)]


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckValetArea(Action):
    """Mobile valeters cover Leeds but not Harrogate or York."""

    def name(self) -> Text:
        return "action_check_valet_area"

    def run(self, dispatcher, tracker, domain):
        address = str(tracker.get_slot("valet_address") or "").lower()
        covered = not any(town in address for town in ("harrogate", "york"))
        return [SlotSet("valet_area_covered", covered)]


class ActionBookValet(Action):
    def name(self) -> Text:
        return "action_book_valet"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionLogComplaint(Action):
    def name(self) -> Text:
        return "action_log_complaint"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("complaint_id", "CMP-3307")]


class ActionPriceMembership(Action):
    def name(self) -> Text:
        return "action_price_membership"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("monthly_fee", PLAN_FEE.get(tracker.get_slot("membership_plan") or "", 0.0))]


class ActionStartMembership(Action):
    def name(self) -> Text:
        return "action_start_membership"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("membership_number", "M-40912")]


class ActionFindMembership(Action):
    """Membership numbers are M- followed by 5 digits."""

    def name(self) -> Text:
        return "action_find_membership"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("membership_number") or "").strip()
        return [SlotSet("membership_found", bool(re.fullmatch(r"(?i)m-?\s?\d{5}", number)))]


class ActionCancelMembership(Action):
    def name(self) -> Text:
        return "action_cancel_membership"

    def run(self, dispatcher, tracker, domain):
        return []
