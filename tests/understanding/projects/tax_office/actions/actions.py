"""Custom actions for the Millbrook tax office help desk (rasa_sdk action server).

The taxpayer records are faked so the assistant can be demoed and tested. Only the 2025 tax
year is still open; earlier years are all assessed and settled."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

OPEN_YEAR = "2025"
TAXPAYERS = {
    "482117305": {"filing": "processing", "refund": ("processing", None, None), "owed": 0.0},
    "390552871": {"filing": "assessed", "refund": ("issued", 412.5, "14 November 2026"), "owed": 0.0},
    "617004238": {"filing": "needs_documents", "refund": ("none", None, None), "owed": 2840.0},
    "205983164": {"filing": "not_received", "refund": ("none", None, None), "owed": 38500.0},
    "731640092": {"filing": "not_received", "refund": ("none", None, None), "owed": 960.0},
}
EXTENDED_DEADLINES = {"illness": "1 April 2027", "bereavement": "1 April 2027", "missing_documents": "2 March 2027"}


def _taxpayer(tracker: Tracker) -> Dict[str, Any] | None:
    number = re.sub(r"\D", "", str(tracker.get_slot("taxpayer_number") or ""))
    return TAXPAYERS.get(number)


def _year(tracker: Tracker) -> str:
    found = re.findall(r"\d{4}", str(tracker.get_slot("tax_year") or ""))
    return found[-1] if found else ""


class ActionVerifyTaxpayer(Action):
    def name(self) -> Text:
        return "action_verify_taxpayer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("taxpayer_found", _taxpayer(tracker) is not None)]


class ActionGetFilingStatus(Action):
    def name(self) -> Text:
        return "action_get_filing_status"

    def run(self, dispatcher, tracker, domain):
        record = _taxpayer(tracker) or {}
        status = record.get("filing", "not_received") if _year(tracker) == OPEN_YEAR else "assessed"
        return [SlotSet("filing_status", status)]


class ActionGetRefundStatus(Action):
    def name(self) -> Text:
        return "action_get_refund_status"

    def run(self, dispatcher, tracker, domain):
        record = _taxpayer(tracker) or {}
        status, amount, date = record.get("refund", ("none", None, None))
        if _year(tracker) != OPEN_YEAR:
            status, amount, date = "none", None, None
        return [SlotSet("refund_status", status), SlotSet("refund_amount", amount), SlotSet("refund_date", date)]


class ActionRequestExtension(Action):
    """Illness, bereavement and missing paperwork are approved automatically; anything else goes to an adviser."""

    def name(self) -> Text:
        return "action_request_extension"

    def run(self, dispatcher, tracker, domain):
        deadline = EXTENDED_DEADLINES.get(tracker.get_slot("extension_reason") or "")
        return [SlotSet("extension_granted", deadline is not None), SlotSet("new_deadline", deadline)]


class ActionUpdateAddress(Action):
    def name(self) -> Text:
        return "action_update_address"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetBalanceOwed(Action):
    def name(self) -> Text:
        return "action_get_balance_owed"

    def run(self, dispatcher, tracker, domain):
        record = _taxpayer(tracker)
        if record is None:
            return [SlotSet("taxpayer_found", False)]
        return [SlotSet("taxpayer_found", True), SlotSet("amount_owed", record["owed"])]


class ActionCalculateInstalment(Action):
    def name(self) -> Text:
        return "action_calculate_instalment"

    def run(self, dispatcher, tracker, domain):
        owed = float(tracker.get_slot("amount_owed") or 0)
        months = float(tracker.get_slot("plan_months") or 1)
        return [SlotSet("monthly_instalment", f"{owed / months:.2f}")]


class ActionCreatePaymentPlan(Action):
    def name(self) -> Text:
        return "action_create_payment_plan"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("plan_reference", "PP-770215")]


class ActionBookCallback(Action):
    def name(self) -> Text:
        return "action_book_callback"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("callback_reference", "CB-41873")]


class ActionLogScamReport(Action):
    def name(self) -> Text:
        return "action_log_scam_report"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("scam_reference", "FR-90326")]
