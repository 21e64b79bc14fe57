"""Patient records, appointments and prescriptions for the CityCare assistant.

The EHR and scheduling system are faked with small in-memory tables."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

KNOWN_PATIENTS = {
    "maria gonzalez": "Maria",
    "john carter": "John",
    "li wei": "Li",
    "amara okafor": "Amara",
    "sam o'neil": "Sam",
}
RESULTS_READY = {"maria gonzalez", "li wei"}


def _name(tracker: Tracker) -> str:
    return " ".join(str(tracker.get_slot("patient_full_name") or "").lower().split())


class ActionLookupPatient(Action):
    def name(self) -> Text:
        return "action_lookup_patient"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        first = KNOWN_PATIENTS.get(_name(tracker))
        return [SlotSet("patient_found", first is not None), SlotSet("patient_first_name", first)]


class ActionGetUpcomingAppointment(Action):
    def name(self) -> Text:
        return "action_get_upcoming_appointment"

    async def run(self, dispatcher, tracker, domain):
        if _name(tracker) == "sam o'neil":
            return [SlotSet("has_upcoming", False)]
        return [
            SlotSet("has_upcoming", True),
            SlotSet("upcoming_appointment", "Thursday 14 March at 10:00 AM with Dr. Novak"),
        ]


class ActionGetTestResults(Action):
    def name(self) -> Text:
        return "action_get_test_results"

    async def run(self, dispatcher, tracker, domain):
        return [SlotSet("results_ready", _name(tracker) in RESULTS_READY)]


class ActionCancelAppointment(Action):
    def name(self) -> Text:
        return "action_cancel_appointment"

    async def run(self, dispatcher, tracker, domain):
        return []


class ActionRescheduleAppointment(Action):
    def name(self) -> Text:
        return "action_reschedule_appointment"

    async def run(self, dispatcher, tracker, domain):
        return []
