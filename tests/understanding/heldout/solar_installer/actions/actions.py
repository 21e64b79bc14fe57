"""Custom actions for the BrightRoof Solar assistant (rasa_sdk action server).

Survey bookings, pricing and the installation tracker are faked so the assistant can be demoed
and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

# (largest monthly bill in pounds, system size in kW, fitted price in pounds)
SYSTEMS = [(100, 4.0, 6500.0), (180, 6.0, 8900.0), (10_000, 8.0, 11200.0)]
BATTERY_PRICE = 4000.0
STATUS_BY_LAST_DIGIT = ["completed", "scheduled", "in_progress"]


class ActionCheckRoofSuitability(Action):
    """Every roof except thatch can take panels."""

    def name(self) -> Text:
        return "action_check_roof_suitability"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("roof_suitable", tracker.get_slot("roof_type") != "thatched")]


class ActionBookSurvey(Action):
    def name(self) -> Text:
        return "action_book_survey"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("survey_reference", "SV-40812")]


class ActionCalculateQuote(Action):
    """Sizes the system from the monthly bill; a battery raises the share of solar used at home."""

    def name(self) -> Text:
        return "action_calculate_quote"

    def run(self, dispatcher, tracker, domain):
        bill = float(tracker.get_slot("monthly_bill") or 0)
        battery = bool(tracker.get_slot("wants_battery"))
        size, price = next((kw, cost) for limit, kw, cost in SYSTEMS if bill < limit)
        if battery:
            price += BATTERY_PRICE
        savings = float(round(bill * 12 * (0.7 if battery else 0.45)))
        label = "with a 5kWh battery" if battery else "without a battery"
        return [
            SlotSet("system_size_kw", size),
            SlotSet("quote_price", price),
            SlotSet("annual_savings", savings),
            SlotSet("quote_label", label),
        ]


class ActionFindSurvey(Action):
    def name(self) -> Text:
        return "action_find_survey"

    def run(self, dispatcher, tracker, domain):
        reference = str(tracker.get_slot("survey_reference") or "").strip()
        return [SlotSet("survey_found", bool(re.fullmatch(r"(?i)sv-?\s?\d{5}", reference)))]


class ActionCancelSurvey(Action):
    def name(self) -> Text:
        return "action_cancel_survey"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionLookupInstallation(Action):
    """References are SOL- and 4 digits; the last digit decides how far the job has got."""

    def name(self) -> Text:
        return "action_lookup_installation"

    def run(self, dispatcher, tracker, domain):
        reference = str(tracker.get_slot("installation_reference") or "").strip()
        match = re.fullmatch(r"(?i)sol-?\s?\d{3}(\d)", reference)
        if not match:
            return [SlotSet("install_status", "not_found")]
        status = STATUS_BY_LAST_DIGIT[int(match.group(1)) % 3]
        return [SlotSet("install_status", status), SlotSet("install_date", "Tuesday 15 December")]


class ActionLogFault(Action):
    def name(self) -> Text:
        return "action_log_fault"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("fault_ticket", "FT-7731")]


class ActionSubmitExportApplication(Action):
    def name(self) -> Text:
        return "action_submit_export_application"

    def run(self, dispatcher, tracker, domain):
        return []
