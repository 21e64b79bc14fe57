"""Custom actions for the Little Acorns nursery assistant (rasa_sdk action server).

The nursery's management system is faked so the assistant can be demoed and tested.
"Today" is fixed at 6 December 2026 so ages come out the same on every run."""
import re
from datetime import date
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

TODAY = date(2026, 12, 6)
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
SESSION_FEES = {"morning": 40.0, "afternoon": 36.0, "full_day": 72.0}
VISIT_TIMES = {"morning": "10am", "afternoon": "2:30pm"}


def parse_birth_date(text: Optional[Text]) -> Optional[date]:
    """Reads dates like '14 March 2024', 'March 14th, 2024' or '14/03/2024' (UK order)."""
    text = str(text or "").lower()
    year = re.search(r"(19|20)\d\d", text)
    if not year:
        return None
    numeric = re.search(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if numeric:
        day, month = int(numeric.group(1)), int(numeric.group(2))
    else:
        month = next((i + 1 for i, m in enumerate(MONTHS) if m in text), 1)
        day_match = re.search(r"\b(\d{1,2})(st|nd|rd|th)?\b", text.replace(year.group(0), ""))
        day = int(day_match.group(1)) if day_match else 1
    try:
        return date(int(year.group(0)), month, day)
    except ValueError:
        return None


def age_in_months(born: date) -> float:
    months = (TODAY.year - born.year) * 12 + TODAY.month - born.month
    if TODAY.day < born.day:
        months -= 1
    return float(months)


class ActionCheckChildAge(Action):
    def name(self) -> Text:
        return "action_check_child_age"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        born = parse_birth_date(tracker.get_slot("child_dob"))
        return [SlotSet("child_age_months", age_in_months(born) if born else 12.0)]


class ActionRegisterChild(Action):
    def name(self) -> Text:
        return "action_register_child"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("registration_id", "LA-4417")]


class ActionBookVisit(Action):
    def name(self) -> Text:
        return "action_book_visit"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("visit_time", VISIT_TIMES.get(tracker.get_slot("visit_slot") or "", "10am"))]


class ActionCheckFundedHours(Action):
    """From 9 months old a child gets 15 hours a week; from 3 years old, 30."""

    def name(self) -> Text:
        return "action_check_funded_hours"

    def run(self, dispatcher, tracker, domain):
        born = parse_birth_date(tracker.get_slot("child_dob"))
        months = age_in_months(born) if born else 0.0
        hours = 30.0 if months >= 36 else 15.0 if months >= 9 else 0.0
        return [SlotSet("funded_hours", hours)]


class ActionCheckSessionAvailability(Action):
    """The rooms are always full on Fridays."""

    def name(self) -> Text:
        return "action_check_session_availability"

    def run(self, dispatcher, tracker, domain):
        available = "fri" not in str(tracker.get_slot("session_date") or "").lower()
        fee = SESSION_FEES.get(tracker.get_slot("session_length") or "", 72.0)
        return [SlotSet("session_available", available), SlotSet("session_fee", fee if available else None)]


class ActionBookExtraSession(Action):
    def name(self) -> Text:
        return "action_book_extra_session"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionLogAbsence(Action):
    def name(self) -> Text:
        return "action_log_absence"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionUpdateAllergies(Action):
    def name(self) -> Text:
        return "action_update_allergies"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionUpdateEmergencyContact(Action):
    def name(self) -> Text:
        return "action_update_emergency_contact"

    def run(self, dispatcher, tracker, domain):
        return []
