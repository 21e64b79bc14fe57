"""Brightwave Energy custom actions (rasa_sdk).

Billing and metering systems are faked; see LAST_READINGS and OUTAGES."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

LAST_READINGS = {"electricity": 4380.0, "gas": 2150.0}
TARIFFS = {"fixed_12": 98.0, "fixed_24": 94.0, "variable": 102.0, "green": 99.0}
OUTAGES = {"LS6": "by 6pm today"}


class ActionVerifyAccount(Action):
    def name(self) -> Text:
        return "action_verify_account"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        number = str(tracker.get_slot("account_number") or "").upper().replace(" ", "")
        return [SlotSet("account_verified", number.startswith("BW") and number != "BW0000000")]


class ActionValidateReading(Action):
    """A reading lower than the last one is suspicious (meters only go up)."""

    def name(self) -> Text:
        return "action_validate_reading"

    def run(self, dispatcher, tracker, domain):
        last = LAST_READINGS.get(tracker.get_slot("meter_type") or "", 0.0)
        reading = float(tracker.get_slot("meter_reading") or 0)
        return [SlotSet("last_reading", last), SlotSet("reading_plausible", reading >= last)]


class ActionSubmitReading(Action):
    def name(self) -> Text:
        return "action_submit_reading"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionTransferAccount(Action):
    def name(self) -> Text:
        return "action_transfer_account"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCloseAccount(Action):
    def name(self) -> Text:
        return "action_close_account"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetTariffQuote(Action):
    def name(self) -> Text:
        return "action_get_tariff_quote"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("tariff_monthly_cost", TARIFFS.get(tracker.get_slot("tariff_choice") or "", 100.0))]


class ActionSwitchTariff(Action):
    def name(self) -> Text:
        return "action_switch_tariff"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckOutage(Action):
    def name(self) -> Text:
        return "action_check_outage"

    def run(self, dispatcher, tracker, domain):
        area = str(tracker.get_slot("outage_postcode") or "").upper().split(" ")[0]
        restore = OUTAGES.get(area)
        return [SlotSet("known_outage", restore is not None), SlotSet("restore_time", restore)]


class ActionLogOutage(Action):
    def name(self) -> Text:
        return "action_log_outage"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBookEngineer(Action):
    def name(self) -> Text:
        return "action_book_engineer"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBookSmartMeter(Action):
    def name(self) -> Text:
        return "action_book_smart_meter"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetBalance(Action):
    def name(self) -> Text:
        return "action_get_balance"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("account_balance", 42.1), SlotSet("in_credit", True)]


class ActionChangePaymentDay(Action):
    def name(self) -> Text:
        return "action_change_payment_day"

    def run(self, dispatcher, tracker, domain):
        return []
