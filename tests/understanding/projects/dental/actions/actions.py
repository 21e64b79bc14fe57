"""Custom actions for the Brightside Dental practice assistant (rasa_sdk action server).

The practice's diary, patient records and insurance checks are faked so the assistant can be
demoed and tested. Booking references are BD- followed by 4 digits; a reference ending in 1 is an
appointment tomorrow (cancelling it is a late cancellation). The practice is closed at weekends."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

REFERENCE = re.compile(r"(?i)\s*BD\s*-?\s*(\d{4})\s*")
TIMES = {"morning": "9:30am", "afternoon": "2:15pm", "evening": "6:00pm"}
IN_NETWORK = {"delta_dental", "cigna", "metlife"}
COVERAGE = {"checkup": 100.0, "filling": 80.0, "crown": 50.0, "orthodontics": 50.0, "whitening": 0.0}
PLAN_TOTAL = 1840.0


class ActionFindSlot(Action):
    def name(self) -> Text:
        return "action_find_slot"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        day = str(tracker.get_slot("appointment_day") or "")
        if re.search(r"(?i)\b(sat|sun)", day):
            return [SlotSet("slot_available", False), SlotSet("offered_time", None)]
        time = TIMES.get(tracker.get_slot("time_of_day") or "", "9:30am")
        return [SlotSet("slot_available", True), SlotSet("offered_time", f"{day} at {time}")]


class ActionBookAppointment(Action):
    def name(self) -> Text:
        return "action_book_appointment"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("booking_reference", "BD-4827")]


class ActionLookupAppointment(Action):
    def name(self) -> Text:
        return "action_lookup_appointment"

    def run(self, dispatcher, tracker, domain):
        match = REFERENCE.fullmatch(str(tracker.get_slot("booking_reference") or ""))
        if not match:
            return [SlotSet("appointment_found", False), SlotSet("current_appointment", None)]
        late = match.group(1).endswith("1")
        when = "tomorrow at 8:45am" if late else "Thursday at 11:00am"
        return [
            SlotSet("appointment_found", True),
            SlotSet("current_appointment", when),
            SlotSet("late_cancellation", late),
        ]


class ActionMoveAppointment(Action):
    def name(self) -> Text:
        return "action_move_appointment"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelAppointment(Action):
    def name(self) -> Text:
        return "action_cancel_appointment"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBookEmergency(Action):
    """Emergencies get the next same-day slot the practice keeps free."""

    def name(self) -> Text:
        return "action_book_emergency"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("emergency_slot", "today at 12:40pm")]


class ActionCheckCoverage(Action):
    def name(self) -> Text:
        return "action_check_coverage"

    def run(self, dispatcher, tracker, domain):
        in_network = tracker.get_slot("insurance_provider") in IN_NETWORK
        percent = COVERAGE.get(tracker.get_slot("covered_treatment") or "", 0.0) if in_network else None
        return [SlotSet("in_network", in_network), SlotSet("coverage_percent", percent)]


class ActionGetTreatmentPlan(Action):
    """Every patient in the fake records has the same open plan."""

    def name(self) -> Text:
        return "action_get_treatment_plan"

    def run(self, dispatcher, tracker, domain):
        return [
            SlotSet("plan_summary", "two fillings and a crown on your lower left molar, over 3 visits"),
            SlotSet("plan_total", PLAN_TOTAL),
        ]


class ActionSetUpPaymentPlan(Action):
    def name(self) -> Text:
        return "action_set_up_payment_plan"

    def run(self, dispatcher, tracker, domain):
        months = float(tracker.get_slot("installment_months") or 1)
        return [SlotSet("monthly_payment", round(PLAN_TOTAL / months, 2))]
