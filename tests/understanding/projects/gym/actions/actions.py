"""Custom actions for the IronPeak Fitness assistant (rasa_sdk action server).

The membership system is faked with fixed data so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

TRAINERS = {"weight_loss": "Maya", "strength": "Jordan", "rehab": "Priya", "general_fitness": "Sam"}


class ActionCreateMembership(Action):
    def name(self) -> Text:
        return "action_create_membership"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("member_number", "IP-20417")]


class ActionFreezeMembership(Action):
    def name(self) -> Text:
        return "action_freeze_membership"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelMembership(Action):
    def name(self) -> Text:
        return "action_cancel_membership"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionIssueGuestPass(Action):
    def name(self) -> Text:
        return "action_issue_guest_pass"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckClassAvailability(Action):
    """The evening spin classes are always full."""

    def name(self) -> Text:
        return "action_check_class_availability"

    def run(self, dispatcher, tracker, domain):
        time = str(tracker.get_slot("class_time") or "").lower()
        evening = "6" in time or "18" in time or "evening" in time
        return [SlotSet("class_full", tracker.get_slot("class_type") == "spin" and evening)]


class ActionJoinWaitlist(Action):
    def name(self) -> Text:
        return "action_join_waitlist"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBookClass(Action):
    def name(self) -> Text:
        return "action_book_class"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelClass(Action):
    def name(self) -> Text:
        return "action_cancel_class"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionFindTrainer(Action):
    def name(self) -> Text:
        return "action_find_trainer"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("trainer_name", TRAINERS.get(tracker.get_slot("training_goal") or "", "Sam"))]


class ActionBookTrainer(Action):
    def name(self) -> Text:
        return "action_book_trainer"

    def run(self, dispatcher, tracker, domain):
        return []
