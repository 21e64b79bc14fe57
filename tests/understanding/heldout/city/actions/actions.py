"""Custom actions for the Riverton city services assistant (rasa_sdk action server).

The city's back-office systems are faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

WEEKLY_FEE = {"residential_parking": 2.0, "street_party": 0.0, "skip": 15.0}
COLLECTION_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


class ActionCreatePotholeReport(Action):
    def name(self) -> Text:
        return "action_create_pothole_report"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("report_id", "PH-20931")]


class ActionApplyPermit(Action):
    def name(self) -> Text:
        return "action_apply_permit"

    def run(self, dispatcher, tracker, domain):
        weeks = float(tracker.get_slot("permit_weeks") or 0)
        fee = WEEKLY_FEE.get(tracker.get_slot("permit_type") or "", 0.0) * weeks
        return [SlotSet("permit_fee", fee)]


class ActionCheckCollectionRound(Action):
    """Garden waste rounds run late; every other round is finished when residents write in."""

    def name(self) -> Text:
        return "action_check_collection_round"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("round_finished", tracker.get_slot("bin_type") != "garden")]


class ActionScheduleBinPickup(Action):
    def name(self) -> Text:
        return "action_schedule_bin_pickup"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetCollectionDay(Action):
    """The fake round plan picks the day from the house number."""

    def name(self) -> Text:
        return "action_get_collection_day"

    def run(self, dispatcher, tracker, domain):
        digits = re.findall(r"\d+", str(tracker.get_slot("street_address") or ""))
        number = int(digits[0]) if digits else 0
        return [SlotSet("collection_day", COLLECTION_DAYS[number % 5])]


class ActionLookupFine(Action):
    """Tickets are RV followed by 6 digits; each costs $60."""

    def name(self) -> Text:
        return "action_lookup_fine"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("fine_number") or "").strip()
        found = bool(re.fullmatch(r"(?i)rv\s?\d{6}", number))
        return [SlotSet("fine_found", found), SlotSet("fine_amount", 60.0 if found else None)]


class ActionPayFine(Action):
    def name(self) -> Text:
        return "action_pay_fine"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSubmitAppeal(Action):
    def name(self) -> Text:
        return "action_submit_appeal"

    def run(self, dispatcher, tracker, domain):
        return []
