"""Custom actions for the Keystone Lettings tenant assistant.

The lettings back-end is faked with fixed data so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionBookViewing(Action):
    """The office does not do viewings on Sundays."""

    def name(self) -> Text:
        return "action_book_viewing"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        day = str(tracker.get_slot("viewing_date") or "").lower()
        return [SlotSet("viewing_available", "sunday" not in day and "sun " not in day)]


class ActionSubmitApplication(Action):
    def name(self) -> Text:
        return "action_submit_application"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("application_ref", "APP-30917")]


class ActionLogRepair(Action):
    def name(self) -> Text:
        return "action_log_repair"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("repair_ref", "RP-5520")]


class ActionCheckRepairStatus(Action):
    def name(self) -> Text:
        return "action_check_repair_status"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("repair_visit_date", "Thursday 9am-1pm")]


class ActionVerifyTenant(Action):
    """Any 6-digit tenancy number except 000000 is on the fake system."""

    def name(self) -> Text:
        return "action_verify_tenant"

    def run(self, dispatcher, tracker, domain):
        ref = str(tracker.get_slot("tenancy_number") or "").strip()
        return [SlotSet("tenant_verified", len(ref) == 6 and ref.isdigit() and ref != "000000")]


class ActionFetchRentBalance(Action):
    def name(self) -> Text:
        return "action_fetch_rent_balance"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("rent_due", 1150.0)]


class ActionTakeRentPayment(Action):
    def name(self) -> Text:
        return "action_take_rent_payment"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionRegisterNotice(Action):
    def name(self) -> Text:
        return "action_register_notice"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckDeposit(Action):
    def name(self) -> Text:
        return "action_check_deposit"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("deposit_amount", 1325.0), SlotSet("deposit_scheme", "the Deposit Protection Service")]
