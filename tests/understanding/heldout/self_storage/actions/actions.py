"""Custom actions for the KeepSafe self storage assistant (rasa_sdk action server).

The unit management system and the billing system are faked so the assistant can be demoed
and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

MONTHLY_RENT = {"small": 39.0, "medium": 69.0, "large": 119.0, "extra_large": 189.0}
UNIT_PREFIX = {"small": "A", "medium": "B", "large": "D", "extra_large": "E"}
# Extra large units are fully let at the moment.
SOLD_OUT = {"extra_large"}


class ActionCheckAvailability(Action):
    def name(self) -> Text:
        return "action_check_availability"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        size = tracker.get_slot("unit_size")
        return [SlotSet("unit_available", size not in SOLD_OUT)]


class ActionReserveUnit(Action):
    def name(self) -> Text:
        return "action_reserve_unit"

    def run(self, dispatcher, tracker, domain):
        size = tracker.get_slot("unit_size") or "small"
        return [
            SlotSet("unit_number", f"{UNIT_PREFIX[size]}-114"),
            SlotSet("monthly_rent", MONTHLY_RENT[size]),
        ]


class ActionChangeUnitSize(Action):
    """Moves the customer to another unit; nothing happens when that size is sold out."""

    def name(self) -> Text:
        return "action_change_unit_size"

    def run(self, dispatcher, tracker, domain):
        size = tracker.get_slot("new_unit_size") or "small"
        if size in SOLD_OUT:
            return [SlotSet("change_possible", False)]
        return [
            SlotSet("change_possible", True),
            SlotSet("monthly_rent", MONTHLY_RENT[size]),
        ]


class ActionCheckAccount(Action):
    """Units in block C belong to accounts with an overdue invoice."""

    def name(self) -> Text:
        return "action_check_account"

    def run(self, dispatcher, tracker, domain):
        unit = str(tracker.get_slot("unit_number") or "").strip().upper()
        if unit.startswith("C"):
            return [SlotSet("account_in_arrears", True), SlotSet("invoice_number", "INV-20418")]
        return [SlotSet("account_in_arrears", False)]


class ActionResetGateCode(Action):
    def name(self) -> Text:
        return "action_reset_gate_code"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("gate_code", "4071")]


class ActionReportGateFault(Action):
    def name(self) -> Text:
        return "action_report_gate_fault"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionLookupInvoice(Action):
    """Invoice numbers are INV followed by 5 digits; every invoice is one month of a medium unit."""

    def name(self) -> Text:
        return "action_lookup_invoice"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("invoice_number") or "").strip()
        found = bool(re.fullmatch(r"(?i)inv[\s-]?\d{5}", number))
        return [SlotSet("invoice_found", found), SlotSet("invoice_amount", 69.0 if found else None)]


class ActionPayInvoice(Action):
    def name(self) -> Text:
        return "action_pay_invoice"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionOpenDispute(Action):
    def name(self) -> Text:
        return "action_open_dispute"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("dispute_reference", "DSP-3307")]


class ActionEndRental(Action):
    def name(self) -> Text:
        return "action_end_rental"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionQuoteInsurance(Action):
    """Cover costs $1.50 a month per $1,000 of declared value."""

    def name(self) -> Text:
        return "action_quote_insurance"

    def run(self, dispatcher, tracker, domain):
        value = float(tracker.get_slot("goods_value") or 0)
        return [SlotSet("insurance_premium", round(value / 1000 * 1.5, 2))]


class ActionAddInsurance(Action):
    def name(self) -> Text:
        return "action_add_insurance"

    def run(self, dispatcher, tracker, domain):
        return []
