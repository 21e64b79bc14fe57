"""Custom actions for the Maple Grove Public Library assistant.

The catalogue and the member database are faked with fixed data for demos and tests."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

# titles other members are waiting for: these can't be renewed
ON_HOLD_BY_OTHERS = ("dune", "the women")


class ActionVerifyCard(Action):
    """Every 8-digit card number is a member, except numbers starting with 0."""

    def name(self) -> Text:
        return "action_verify_card"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        card = str(tracker.get_slot("library_card_number") or "")
        ok = len(card) == 8 and card.isdigit() and not card.startswith("0")
        return [SlotSet("card_verified", ok), SlotSet("member_first_name", "Jordan" if ok else None)]


class ActionFetchLoans(Action):
    def name(self) -> Text:
        return "action_fetch_loans"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("loan_count", "3"), SlotSet("next_due_date", "May 12"), SlotSet("has_overdue", False)]


class ActionRenewItem(Action):
    def name(self) -> Text:
        return "action_renew_item"

    def run(self, dispatcher, tracker, domain):
        title = str(tracker.get_slot("renew_item_title") or "").lower()
        allowed = not any(t in title for t in ON_HOLD_BY_OTHERS)
        return [SlotSet("renewal_allowed", allowed), SlotSet("new_due_date", "June 2" if allowed else None)]


class ActionPlaceHold(Action):
    def name(self) -> Text:
        return "action_place_hold"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("hold_queue_position", "4")]


class ActionCancelHold(Action):
    def name(self) -> Text:
        return "action_cancel_hold"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionFetchFines(Action):
    def name(self) -> Text:
        return "action_fetch_fines"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("fines_total", 6.75)]


class ActionPayFines(Action):
    def name(self) -> Text:
        return "action_pay_fines"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckRoom(Action):
    """Rooms are always free except on Sundays; groups over 6 get the big room."""

    def name(self) -> Text:
        return "action_check_room"

    def run(self, dispatcher, tracker, domain):
        day = str(tracker.get_slot("room_date") or "").lower()
        size = float(tracker.get_slot("room_group_size") or 1)
        available = "sun" not in day
        room = "Room B" if size <= 6 else "the Willow Room"
        return [SlotSet("room_available", available), SlotSet("room_name", room if available else None)]


class ActionBookRoom(Action):
    def name(self) -> Text:
        return "action_book_room"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCreateMembership(Action):
    def name(self) -> Text:
        return "action_create_membership"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_card_number", "20731158")]
