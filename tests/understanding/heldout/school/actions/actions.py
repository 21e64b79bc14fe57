"""Custom actions for the Oakfield Primary parent helpline (rasa_sdk action server).

The school's management information system and the cashless catering system are faked so the
assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

LUNCH_BALANCES = {"maya": 2.4, "oliver": 18.75, "ben": 6.1}
TRIPS = {"science museum": 12.0, "farm": 8.5, "outdoor centre": 180.0, "theatre": 15.0}
BOOKED_APPOINTMENTS = {"sam": "4:40pm", "ruby": "6:20pm", "noah": "5:00pm"}
SESSION_TIMES = {"afternoon": "4:20pm", "evening": "6:40pm"}


def first_name(tracker: Tracker) -> Text:
    name = str(tracker.get_slot("child_name") or "").strip().lower()
    return name.split()[0] if name else ""


class ActionRecordAbsence(Action):
    def name(self) -> Text:
        return "action_record_absence"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return []


class ActionGetLunchBalance(Action):
    def name(self) -> Text:
        return "action_get_lunch_balance"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("lunch_balance", LUNCH_BALANCES.get(first_name(tracker), 10.0))]


class ActionTopUpLunch(Action):
    def name(self) -> Text:
        return "action_top_up_lunch"

    def run(self, dispatcher, tracker, domain):
        balance = LUNCH_BALANCES.get(first_name(tracker), 10.0)
        amount = float(tracker.get_slot("topup_amount") or 0)
        return [SlotSet("lunch_balance", round(balance + amount, 2))]


class ActionLookupTrip(Action):
    """Finds the trip by a keyword of its name; the fake term has four trips."""

    def name(self) -> Text:
        return "action_lookup_trip"

    def run(self, dispatcher, tracker, domain):
        asked = str(tracker.get_slot("trip_name") or "").lower()
        for trip, cost in TRIPS.items():
            if trip in asked:
                return [SlotSet("trip_found", True), SlotSet("trip_cost", cost)]
        return [SlotSet("trip_found", False), SlotSet("trip_cost", None)]


class ActionRecordConsent(Action):
    def name(self) -> Text:
        return "action_record_consent"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBookParentsEvening(Action):
    """In-person evening appointments are all taken; everything else has room."""

    def name(self) -> Text:
        return "action_book_parents_evening"

    def run(self, dispatcher, tracker, domain):
        session = tracker.get_slot("preferred_time") or "afternoon"
        if session == "evening" and tracker.get_slot("meeting_format") == "in_person":
            return [SlotSet("slot_available", False)]
        return [SlotSet("slot_available", True), SlotSet("appointment_time", SESSION_TIMES[session])]


class ActionFindAppointment(Action):
    def name(self) -> Text:
        return "action_find_appointment"

    def run(self, dispatcher, tracker, domain):
        time = BOOKED_APPOINTMENTS.get(first_name(tracker))
        return [SlotSet("appointment_found", time is not None), SlotSet("appointment_time", time)]


class ActionCancelAppointment(Action):
    def name(self) -> Text:
        return "action_cancel_appointment"

    def run(self, dispatcher, tracker, domain):
        return []
