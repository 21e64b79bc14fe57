"""Custom actions for the StreamFlix support assistant (rasa_sdk action server).

Billing and catalogue back-ends are faked so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

CURRENT_PLAN = "standard"  # every fake account is on Standard
NOT_IN_CATALOGUE = {"the office", "friends", "succession"}


class ActionVerifyAccount(Action):
    """Any address that looks like an email address belongs to an account."""

    def name(self) -> Text:
        return "action_verify_account"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        email = str(tracker.get_slot("account_email") or "")
        return [SlotSet("account_verified", "@" in email and "." in email.split("@")[-1])]


class ActionCheckPlan(Action):
    def name(self) -> Text:
        return "action_check_plan"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("same_plan", tracker.get_slot("new_plan") == CURRENT_PLAN)]


class ActionChangePlan(Action):
    def name(self) -> Text:
        return "action_change_plan"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionApplyDiscount(Action):
    def name(self) -> Text:
        return "action_apply_discount"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelSubscription(Action):
    def name(self) -> Text:
        return "action_cancel_subscription"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckRefund(Action):
    """Charges up to 20 are refunded right away; bigger ones go to the billing team."""

    def name(self) -> Text:
        return "action_check_refund"

    def run(self, dispatcher, tracker, domain):
        amount = float(tracker.get_slot("charge_amount") or 0)
        return [SlotSet("refund_eligible", amount <= 20)]


class ActionAddProfile(Action):
    def name(self) -> Text:
        return "action_add_profile"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSearchCatalog(Action):
    def name(self) -> Text:
        return "action_search_catalog"

    def run(self, dispatcher, tracker, domain):
        title = str(tracker.get_slot("title_name") or "").strip().lower()
        return [SlotSet("title_available", title not in NOT_IN_CATALOGUE)]
