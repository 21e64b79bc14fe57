"""Housing, maintenance and advising actions."""
from rasa_sdk import Action
from rasa_sdk.events import SlotSet

ADVISING_TIMES = {"academic": "10:00", "financial_aid": "11:15", "career": "14:30"}


class ActionSubmitHousingApplication(Action):
    def name(self):
        return "action_submit_housing_application"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("housing_reference", "H-2025-0311")]


class ActionLogMaintenance(Action):
    def name(self):
        return "action_log_maintenance"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBookAdvising(Action):
    def name(self):
        return "action_book_advising"

    def run(self, dispatcher, tracker, domain):
        kind = tracker.get_slot("advisor_type") or "academic"
        return [SlotSet("appointment_time", ADVISING_TIMES.get(kind, "10:00"))]
