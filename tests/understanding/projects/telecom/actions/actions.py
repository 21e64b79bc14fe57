"""Custom actions for the Nimbus Mobile assistant (rasa_sdk action server).

The back-end calls are faked with fixed data so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PLAN_PRICES = {"basic": 15.0, "plus": 30.0, "unlimited": 45.0}
OUTAGE_AREAS = ("leeds", "ls1", "ls2")


class ActionFetchBill(Action):
    def name(self) -> Text:
        return "action_fetch_bill"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("bill_amount", 42.5), SlotSet("bill_due_date", "June 3")]


class ActionProcessPayment(Action):
    def name(self) -> Text:
        return "action_process_payment"

    def run(self, dispatcher, tracker, domain):
        amount = tracker.get_slot("payment_amount") or 0
        return [SlotSet("payment_successful", 0 < float(amount) <= 1000)]


class ActionTopUp(Action):
    def name(self) -> Text:
        return "action_top_up"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckUsage(Action):
    def name(self) -> Text:
        return "action_check_usage"

    def run(self, dispatcher, tracker, domain):
        used, allowance = 8.2, 10.0
        return [
            SlotSet("data_used_gb", used),
            SlotSet("data_allowance_gb", allowance),
            SlotSet("near_data_limit", used / allowance >= 0.8),
        ]


class ActionVerifyPin(Action):
    """Any 4-digit PIN except 0000 is accepted by the fake back-end."""

    def name(self) -> Text:
        return "action_verify_pin"

    def run(self, dispatcher, tracker, domain):
        pin = str(tracker.get_slot("account_pin") or "").strip()
        return [SlotSet("identity_verified", len(pin) == 4 and pin.isdigit() and pin != "0000")]


class ActionGetPlanPrice(Action):
    def name(self) -> Text:
        return "action_get_plan_price"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("plan_price", PLAN_PRICES.get(tracker.get_slot("plan_name") or "", 0.0))]


class ActionChangePlan(Action):
    def name(self) -> Text:
        return "action_change_plan"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionActivateRoaming(Action):
    def name(self) -> Text:
        return "action_activate_roaming"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBlockSim(Action):
    def name(self) -> Text:
        return "action_block_sim"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionOrderSim(Action):
    def name(self) -> Text:
        return "action_order_sim"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("sim_order_id", "SIM-48213")]


class ActionCheckNetwork(Action):
    def name(self) -> Text:
        return "action_check_network"

    def run(self, dispatcher, tracker, domain):
        location = str(tracker.get_slot("problem_location") or "").lower()
        return [SlotSet("outage_in_area", any(a in location for a in OUTAGE_AREAS))]


class ActionApplyDiscount(Action):
    def name(self) -> Text:
        return "action_apply_discount"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelContract(Action):
    def name(self) -> Text:
        return "action_cancel_contract"

    def run(self, dispatcher, tracker, domain):
        return []
