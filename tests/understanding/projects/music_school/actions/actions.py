"""Custom actions for the Allegro music school assistant (rasa_sdk action server).

The school's timetable and student records are faked so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

# the fake timetable: drum rooms are full; everything else has a slot after school
FULL_INSTRUMENTS = {"drums"}
STUDENTS = {
    "maya": "piano on Tuesdays at 5pm",
    "leo": "guitar on Thursdays at 4:30pm",
    "ruby": "violin on Saturdays at 10am",
}
PRICE_PER_MINUTE = 0.6
LESSONS_PER_TERM = 10


class ActionFindTrialSlot(Action):
    def name(self) -> Text:
        return "action_find_trial_slot"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if tracker.get_slot("instrument") in FULL_INSTRUMENTS:
            return [SlotSet("trial_available", False)]
        return [SlotSet("trial_available", True), SlotSet("trial_time", "4:30pm")]


class ActionBookTrial(Action):
    def name(self) -> Text:
        return "action_book_trial"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionAddToWaitlist(Action):
    def name(self) -> Text:
        return "action_add_to_waitlist"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionLookupLessons(Action):
    """Students are found by their first name."""

    def name(self) -> Text:
        return "action_lookup_lessons"

    def run(self, dispatcher, tracker, domain):
        name = str(tracker.get_slot("student_name") or "").strip().split(" ")[0].lower()
        lesson = STUDENTS.get(name)
        return [SlotSet("lesson_found", lesson is not None), SlotSet("current_lesson", lesson)]


class ActionRescheduleLesson(Action):
    """The school is closed on Sundays."""

    def name(self) -> Text:
        return "action_reschedule_lesson"

    def run(self, dispatcher, tracker, domain):
        day = str(tracker.get_slot("new_lesson_day") or "").lower()
        return [SlotSet("reschedule_ok", "sun" not in day)]


class ActionCancelLesson(Action):
    def name(self) -> Text:
        return "action_cancel_lesson"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionQuoteTermFee(Action):
    def name(self) -> Text:
        return "action_quote_term_fee"

    def run(self, dispatcher, tracker, domain):
        minutes = float(tracker.get_slot("lesson_minutes") or 30)
        return [SlotSet("term_fee", round(minutes * PRICE_PER_MINUTE * LESSONS_PER_TERM, 2))]


class ActionPriceExam(Action):
    """Entry fees rise with the grade: 30 euros plus 10 per grade."""

    def name(self) -> Text:
        return "action_price_exam"

    def run(self, dispatcher, tracker, domain):
        grade = float(tracker.get_slot("exam_grade") or 1)
        return [SlotSet("exam_fee", 30.0 + 10.0 * grade)]


class ActionEnterExam(Action):
    def name(self) -> Text:
        return "action_enter_exam"

    def run(self, dispatcher, tracker, domain):
        return []
