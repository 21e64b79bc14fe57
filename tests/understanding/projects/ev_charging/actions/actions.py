"""Custom actions for the VoltPath driver assistant (rasa_sdk action server).

The charge-point network is faked with fixed data so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

UNAVAILABLE = {"VP-3310", "VP-5002"}


def charger(tracker: Tracker) -> str:
    raw = str(tracker.get_slot("charger_id") or "").strip().upper().replace(" ", "")
    return raw if raw.startswith("VP-") or not raw.startswith("VP") else "VP-" + raw[2:]


class ActionFindChargers(Action):
    def name(self) -> Text:
        return "action_find_chargers"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if tracker.get_slot("connector_type") == "chademo" and tracker.get_slot("charger_speed") == "ultra_rapid":
            return [SlotSet("chargers_found", False)]
        return [
            SlotSet("chargers_found", True),
            SlotSet("nearest_charger_name", "VoltPath Hub, Station Road car park"),
            SlotSet("nearest_charger_distance", 1.2),
        ]


class ActionStartSession(Action):
    def name(self) -> Text:
        return "action_start_session"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("charger_available", charger(tracker) not in UNAVAILABLE)]


class ActionGetActiveSession(Action):
    def name(self) -> Text:
        return "action_get_active_session"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("has_active_session", True), SlotSet("session_kwh", 18.4), SlotSet("session_cost", 9.2)]


class ActionStopSession(Action):
    def name(self) -> Text:
        return "action_stop_session"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionReportFault(Action):
    def name(self) -> Text:
        return "action_report_fault"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("fault_reference", "FLT-55210")]


class ActionOpenDispute(Action):
    def name(self) -> Text:
        return "action_open_dispute"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("dispute_reference", "DSP-20931")]


class ActionGetMembership(Action):
    def name(self) -> Text:
        return "action_get_membership"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("current_plan", "plus")]


class ActionChangeMembership(Action):
    def name(self) -> Text:
        return "action_change_membership"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetMonthlyUsage(Action):
    def name(self) -> Text:
        return "action_get_monthly_usage"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("month_kwh", 212.5), SlotSet("month_sessions", 9.0), SlotSet("month_spend", 86.4)]
