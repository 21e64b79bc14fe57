"""Student information system lookups (SIS is faked with in-memory tables)."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

STUDENTS = {
    "20231187": {"balance": 4250.0},
    "20219034": {"balance": 0.0},
    "20240550": {"balance": 1200.0},
}

COURSES = {
    "CS101": ("Introduction to Programming", 12),
    "MATH221": ("Linear Algebra", 0),
    "HIST210": ("Modern Europe", 3),
    "BIO150": ("Cell Biology", 5),
}


def digits(value: Any) -> str:
    return re.sub(r"\D", "", str(value or ""))


class ActionVerifyStudent(Action):
    def name(self) -> Text:
        return "action_verify_student"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        known = digits(tracker.get_slot("student_id")) in STUDENTS
        return [SlotSet("student_verified", known and bool(tracker.get_slot("date_of_birth")))]


class ActionCheckCourseSeats(Action):
    def name(self) -> Text:
        return "action_check_course_seats"

    def run(self, dispatcher, tracker, domain):
        code = re.sub(r"\s", "", tracker.get_slot("course_code") or "").upper()
        title, seats = COURSES.get(code, ("unknown course", 0))
        return [SlotSet("course_title", title), SlotSet("seats_left", float(seats))]


class ActionJoinWaitlist(Action):
    def name(self) -> Text:
        return "action_join_waitlist"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionRegisterCourse(Action):
    def name(self) -> Text:
        return "action_register_course"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionDropCourse(Action):
    def name(self) -> Text:
        return "action_drop_course"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionOrderTranscript(Action):
    def name(self) -> Text:
        return "action_order_transcript"

    def run(self, dispatcher, tracker, domain):
        copies = float(tracker.get_slot("copies") or 1)
        fee = 10.0 * copies + (5.0 if tracker.get_slot("delivery_method") == "postal" else 0.0)
        return [SlotSet("transcript_fee", fee)]


class ActionGetBalance(Action):
    def name(self) -> Text:
        return "action_get_balance"

    def run(self, dispatcher, tracker, domain):
        student = STUDENTS.get(digits(tracker.get_slot("student_id")), {"balance": 0.0})
        return [SlotSet("balance_due", student["balance"])]


class ActionProcessPayment(Action):
    def name(self) -> Text:
        return "action_process_payment"

    def run(self, dispatcher, tracker, domain):
        due = float(tracker.get_slot("balance_due") or 0)
        paid = float(tracker.get_slot("payment_amount") or 0)
        return [SlotSet("balance_due", due - paid)]
