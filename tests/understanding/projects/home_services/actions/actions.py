"""Custom actions for the FixRight home services assistant.

Scheduling and dispatch are faked with fixed rules so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

CLEANING_PRICE_PER_BEDROOM = 30.0


class ActionCheckTechnician(Action):
    """Nobody works on Sundays."""

    def name(self) -> Text:
        return "action_check_technician"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        day = str(tracker.get_slot("visit_date") or "").lower()
        return [SlotSet("technician_available", "sun" not in day)]


class ActionBookVisit(Action):
    def name(self) -> Text:
        return "action_book_visit"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_job_number", "HS-58120")]


class ActionEstimateCleaning(Action):
    def name(self) -> Text:
        return "action_estimate_cleaning"

    def run(self, dispatcher, tracker, domain):
        bedrooms = float(tracker.get_slot("bedrooms") or 1)
        return [SlotSet("cleaning_estimate", 40.0 + CLEANING_PRICE_PER_BEDROOM * bedrooms)]


class ActionRequestQuote(Action):
    def name(self) -> Text:
        return "action_request_quote"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionDispatchEmergency(Action):
    def name(self) -> Text:
        return "action_dispatch_emergency"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("emergency_eta", "45 minutes")]


class ActionFindJob(Action):
    """Job numbers ending in 0 don't exist; ending in 1 the technician is on the way."""

    def name(self) -> Text:
        return "action_find_job"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("job_number") or "")
        if number.endswith("0"):
            return [SlotSet("job_found", False)]
        if number.endswith("1"):
            status = "your electrician is on the way and should arrive in about 20 minutes"
        else:
            status = "booked for Tuesday morning (8-12), the technician will text 30 minutes before arriving"
        return [
            SlotSet("job_found", True),
            SlotSet("job_summary", "a plumber visit on Tuesday morning at 14 Elm Road"),
            SlotSet("job_status", status),
        ]


class ActionRescheduleVisit(Action):
    def name(self) -> Text:
        return "action_reschedule_visit"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelVisit(Action):
    def name(self) -> Text:
        return "action_cancel_visit"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionLogComplaint(Action):
    def name(self) -> Text:
        return "action_log_complaint"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("complaint_reference", "CMP-3307")]
