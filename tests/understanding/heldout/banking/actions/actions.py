"""Custom actions for the Harbor Bank assistant (rasa_sdk action server).

The core banking system is faked with fixed data so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

BALANCES = {"checking": 1240.5, "savings": 85.0, "credit_card": 310.25}
BRANCHES = {
    "leeds": "14 Park Row, Leeds LS1 5HD",
    "bristol": "2 Corn Street, Bristol BS1 1HQ",
    "york": "31 Coney Street, York YO1 9QL",
}


class ActionGetBalance(Action):
    def name(self) -> Text:
        return "action_get_balance"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        account = tracker.get_slot("account_type") or "checking"
        return [SlotSet("balance", BALANCES.get(account, 0.0))]


class ActionVerifyIdentity(Action):
    """The fake back-end accepts any date of birth with a year between 1920 and 2008."""

    def name(self) -> Text:
        return "action_verify_identity"

    def run(self, dispatcher, tracker, domain):
        dob = str(tracker.get_slot("date_of_birth") or "")
        years = [int(y) for y in re.findall(r"\b(\d{4})\b", dob)]
        return [SlotSet("identity_verified", any(1920 <= y <= 2008 for y in years))]


class ActionTransferMoney(Action):
    def name(self) -> Text:
        return "action_transfer_money"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSendStatement(Action):
    def name(self) -> Text:
        return "action_send_statement"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBlockCard(Action):
    def name(self) -> Text:
        return "action_block_card"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionOrderCard(Action):
    def name(self) -> Text:
        return "action_order_card"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionOpenDispute(Action):
    def name(self) -> Text:
        return "action_open_dispute"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("dispute_reference", "DSP-20417")]


class ActionFindBranch(Action):
    def name(self) -> Text:
        return "action_find_branch"

    def run(self, dispatcher, tracker, domain):
        city = str(tracker.get_slot("branch_city") or "").strip().lower()
        return [SlotSet("branch_address", BRANCHES.get(city))]
