"""Custom actions for the Clearview driving school assistant (rasa_sdk action server).

The booking diary, the learner records and the test-centre calendar are faked."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

HOURLY_RATE = {"manual": 42.0, "automatic": 46.0}
PACKAGES = {"starter": (5, 0.0), "standard": (10, 0.05), "intensive": (20, 0.10)}
PREPAID_HOURS = {"SHAHP904126PS8AB": 4.0}
INSTRUCTORS = {"female": "Helen Brooks", "male": "Marcus Reid", "no_preference": "Priya Nair"}
READY_AFTER_HOURS = 30


def _licence(tracker: Tracker) -> str:
    return re.sub(r"\s+", "", str(tracker.get_slot("licence_number") or "")).upper()


def _lesson_digits(tracker: Tracker) -> str:
    """Lesson references are DL-12345; lessons ending in 9 start within 24 hours."""
    reference = str(tracker.get_slot("lesson_reference") or "").strip()
    match = re.fullmatch(r"(?i)dl[-\s]?(\d{5})", reference)
    return match.group(1) if match else ""


class ActionCheckLessonCredit(Action):
    def name(self) -> Text:
        return "action_check_lesson_credit"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        hours = float(tracker.get_slot("lesson_hours") or 1)
        credits = PREPAID_HOURS.get(_licence(tracker), 0.0)
        uses_credit = credits >= hours
        price = 0.0 if uses_credit else HOURLY_RATE.get(tracker.get_slot("lesson_transmission") or "", 42.0) * hours
        return [SlotSet("lesson_credits", credits), SlotSet("uses_credit", uses_credit), SlotSet("lesson_price", price)]


class ActionBookLesson(Action):
    def name(self) -> Text:
        return "action_book_lesson"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("lesson_reference", "DL-58213")]


class ActionFindLesson(Action):
    def name(self) -> Text:
        return "action_find_lesson"

    def run(self, dispatcher, tracker, domain):
        digits = _lesson_digits(tracker)
        return [SlotSet("lesson_found", bool(digits)), SlotSet("late_notice", digits.endswith("9"))]


class ActionMoveLesson(Action):
    def name(self) -> Text:
        return "action_move_lesson"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelLesson(Action):
    def name(self) -> Text:
        return "action_cancel_lesson"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionAssignInstructor(Action):
    def name(self) -> Text:
        return "action_assign_instructor"

    def run(self, dispatcher, tracker, domain):
        preference = tracker.get_slot("preferred_instructor") or "no_preference"
        return [SlotSet("new_instructor_name", INSTRUCTORS.get(preference, INSTRUCTORS["no_preference"]))]


class ActionCheckTestSlot(Action):
    """Test centres are closed at weekends; every weekday has free slots."""

    def name(self) -> Text:
        return "action_check_test_slot"

    def run(self, dispatcher, tracker, domain):
        day = str(tracker.get_slot("test_date") or "").lower()
        weekend = any(word in day for word in ("saturday", "sunday", "weekend"))
        return [SlotSet("test_slot_available", not weekend)]


class ActionBookTheoryTest(Action):
    def name(self) -> Text:
        return "action_book_theory_test"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionPricePackage(Action):
    def name(self) -> Text:
        return "action_price_package"

    def run(self, dispatcher, tracker, domain):
        lessons, discount = PACKAGES.get(tracker.get_slot("package_size") or "", (5, 0.0))
        rate = HOURLY_RATE.get(tracker.get_slot("lesson_transmission") or "", 42.0)
        return [SlotSet("package_price", round(lessons * rate * (1 - discount), 2))]


class ActionBuyPackage(Action):
    def name(self) -> Text:
        return "action_buy_package"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetProgress(Action):
    """The fake learner record: hours completed is the sum of the digits in the licence number."""

    def name(self) -> Text:
        return "action_get_progress"

    def run(self, dispatcher, tracker, domain):
        hours = float(sum(int(d) for d in re.findall(r"\d", _licence(tracker))))
        return [SlotSet("lessons_completed", hours), SlotSet("ready_for_test", hours >= READY_AFTER_HOURS)]
