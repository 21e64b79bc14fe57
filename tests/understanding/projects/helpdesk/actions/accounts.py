"""Account actions: reset links, unlocks and guest Wi-Fi codes (directory calls faked)."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionSendResetLink(Action):
    def name(self) -> Text:
        return "action_send_reset_link"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # the identity provider sends the SMS itself; nothing to set here
        return []


class ActionUnlockAcct(Action):
    def name(self) -> Text:
        return "action_unlock_acct"

    def run(self, dispatcher, tracker, domain):
        emp_id = (tracker.get_slot("emp_id") or "").strip().upper()
        # contractors (C-prefixed IDs) must go through their sponsor
        return [SlotSet("unlock_ok", not emp_id.startswith("C"))]


class ActionMakeGuestCode(Action):
    def name(self) -> Text:
        return "action_make_guest_code"

    def run(self, dispatcher, tracker, domain):
        name = (tracker.get_slot("guest_name") or "guest").strip()
        days = int(float(tracker.get_slot("guest_days") or 1))
        letters = "".join(ch for ch in name.upper() if ch.isalpha())[:4] or "GST"
        return [SlotSet("wifi_code", f"{letters}-{days}{len(name):02d}")]
