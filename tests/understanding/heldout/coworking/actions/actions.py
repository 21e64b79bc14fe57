"""Custom actions for the Hive Works coworking assistant (rasa_sdk action server).

The booking calendar, the member database and the facilities ticket system are faked so the
assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

DESKS = {"quiet": "Q12", "open_plan": "B07"}
ROOMS = {"small": ("Maple", 20.0), "large": ("Oak", 45.0)}
PLAN_PRICES = {"flex": 99.0, "dedicated": 249.0, "private_office": 550.0}
WEEKEND = ("saturday", "sunday", "weekend")


class ActionBookDesk(Action):
    """The quiet zone is always full on Fridays."""

    def name(self) -> Text:
        return "action_book_desk"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        area = tracker.get_slot("desk_area") or "open_plan"
        day = str(tracker.get_slot("booking_date") or "").lower()
        if area == "quiet" and "friday" in day:
            return [SlotSet("desk_available", False)]
        return [SlotSet("desk_available", True), SlotSet("desk_number", DESKS.get(area, "B07"))]


class ActionFindRoom(Action):
    def name(self) -> Text:
        return "action_find_room"

    def run(self, dispatcher, tracker, domain):
        room, price = ROOMS[tracker.get_slot("room_size") or "small"]
        return [SlotSet("room_name", room), SlotSet("room_price", price)]


class ActionBookRoom(Action):
    def name(self) -> Text:
        return "action_book_room"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckGuestPass(Action):
    """Guest passes are free on weekdays and paid at weekends."""

    def name(self) -> Text:
        return "action_check_guest_pass"

    def run(self, dispatcher, tracker, domain):
        day = str(tracker.get_slot("visit_date") or "").lower()
        return [SlotSet("guest_pass_free", not any(word in day for word in WEEKEND))]


class ActionIssueGuestPass(Action):
    def name(self) -> Text:
        return "action_issue_guest_pass"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCreateTicket(Action):
    def name(self) -> Text:
        return "action_create_ticket"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("ticket_id", "FAC-3107")]


class ActionGetPlanPrice(Action):
    """Private offices are priced per person."""

    def name(self) -> Text:
        return "action_get_plan_price"

    def run(self, dispatcher, tracker, domain):
        plan = tracker.get_slot("new_plan") or "flex"
        price = PLAN_PRICES.get(plan, 99.0)
        if plan == "private_office":
            price *= float(tracker.get_slot("team_size") or 1)
        return [SlotSet("plan_price", price)]


class ActionChangePlan(Action):
    def name(self) -> Text:
        return "action_change_plan"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelMembership(Action):
    def name(self) -> Text:
        return "action_cancel_membership"

    def run(self, dispatcher, tracker, domain):
        return []
