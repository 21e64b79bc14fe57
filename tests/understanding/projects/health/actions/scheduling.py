from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

DOCTORS = {
    "general_practice": "Dr. Patel",
    "dermatology": "Dr. Novak",
    "cardiology": "Dr. Haddad",
    "physiotherapy": "Sam Reed (physiotherapist)",
    "dentistry": "Dr. Osei",
}
TIMES = {"morning": "9:30 AM", "afternoon": "2:15 PM"}
DIRECTORY = {
    ("dermatology", "downtown"): "Dr. Novak and Dr. Ruiz",
    ("dermatology", "northside"): "Dr. Lindqvist",
    ("cardiology", "downtown"): "Dr. Haddad",
    ("physiotherapy", "westfield"): "Sam Reed and Priya Shah",
}


class ActionFindSlot(Action):
    """Evenings are always full; otherwise the first slot of the requested day is free."""

    def name(self) -> Text:
        return "action_find_slot"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        part = tracker.get_slot("appointment_time_of_day")
        day = tracker.get_slot("new_appointment_date") or tracker.get_slot("appointment_date") or "the next working day"
        if part not in TIMES:
            return [SlotSet("slot_available", False)]
        doctor = DOCTORS.get(tracker.get_slot("specialty") or "dermatology", "Dr. Novak")
        return [
            SlotSet("slot_available", True),
            SlotSet("offered_slot", f"{day} at {TIMES[part]}"),
            SlotSet("offered_doctor", doctor),
        ]


class ActionBookAppointment(Action):
    def name(self) -> Text:
        return "action_book_appointment"

    async def run(self, dispatcher, tracker, domain):
        return [SlotSet("appointment_id", "APT-7731")]


class ActionSearchDoctors(Action):
    def name(self) -> Text:
        return "action_search_doctors"

    async def run(self, dispatcher, tracker, domain):
        key = (tracker.get_slot("doctor_specialty"), tracker.get_slot("clinic_location"))
        return [SlotSet("doctors_found", DIRECTORY.get(key, "Dr. Patel (GP)"))]


class ActionCheckRefill(Action):
    """Controlled drugs always need a doctor's review."""

    def name(self) -> Text:
        return "action_check_refill"

    async def run(self, dispatcher, tracker, domain):
        medication = str(tracker.get_slot("medication_name") or "").lower()
        controlled = any(word in medication for word in ("oxycodone", "oxy", "adderall", "xanax"))
        return [SlotSet("refill_allowed", not controlled), SlotSet("refills_left", 2.0)]


class ActionOrderRefill(Action):
    def name(self) -> Text:
        return "action_order_refill"

    async def run(self, dispatcher, tracker, domain):
        return []


class ActionScheduleCallback(Action):
    def name(self) -> Text:
        return "action_schedule_callback"

    async def run(self, dispatcher, tracker, domain):
        return []


class ActionUpdateInsurance(Action):
    def name(self) -> Text:
        return "action_update_insurance"

    async def run(self, dispatcher, tracker, domain):
        return []
