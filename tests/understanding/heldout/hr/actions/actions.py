"""Custom actions for the PeopleDesk HR assistant (rasa_sdk action server).

The HR system is faked with fixed data so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

VACATION_DAYS_LEFT = 12.0
BENEFITS = {
    "health_insurance": "Health insurance covers you and your family; the company pays 80% of the premium.",
    "pension": "The company matches your pension contributions up to 5% of your salary.",
    "gym": "You get 50% off membership at any FitLife gym - show your staff card.",
    "childcare": "We pay up to $300 a month towards registered childcare.",
}


class ActionCheckLeaveBalance(Action):
    def name(self) -> Text:
        return "action_check_leave_balance"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        days = float(tracker.get_slot("leave_days") or 0)
        return [SlotSet("leave_balance", VACATION_DAYS_LEFT), SlotSet("enough_leave", days <= VACATION_DAYS_LEFT)]


class ActionSubmitLeave(Action):
    def name(self) -> Text:
        return "action_submit_leave"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionVerifyEmployee(Action):
    """Every well-formed ID except E00000 belongs to an employee."""

    def name(self) -> Text:
        return "action_verify_employee"

    def run(self, dispatcher, tracker, domain):
        employee_id = str(tracker.get_slot("employee_id") or "").strip().upper()
        valid = bool(re.fullmatch(r"E\d{5}", employee_id)) and employee_id != "E00000"
        return [SlotSet("employee_verified", valid)]


class ActionUpdateDetails(Action):
    def name(self) -> Text:
        return "action_update_details"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSendPayslip(Action):
    def name(self) -> Text:
        return "action_send_payslip"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetBenefitInfo(Action):
    def name(self) -> Text:
        return "action_get_benefit_info"

    def run(self, dispatcher, tracker, domain):
        topic = tracker.get_slot("benefit_topic") or ""
        return [SlotSet("benefit_summary", BENEFITS.get(topic, "Please see the benefits page on the intranet."))]


class ActionLogIssue(Action):
    def name(self) -> Text:
        return "action_log_issue"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("issue_reference", "WR-3318")]


class ActionSubmitExpense(Action):
    def name(self) -> Text:
        return "action_submit_expense"

    def run(self, dispatcher, tracker, domain):
        return []
