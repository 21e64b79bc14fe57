"""Custom actions for Hartley Council's allotments assistant (rasa_sdk action server).

The council's allotment register is faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

# people ahead on each site's list for a full plot; half plots come up twice as fast
LIST_LENGTH = {"northfield": 8, "riverside": 46, "church_lane": 15}
YEARLY_RENT = 85.0
PAID_UP_PLOTS = {"21", "21a"}


class ActionAddToWaitingList(Action):
    def name(self) -> Text:
        return "action_add_to_waiting_list"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        length = LIST_LENGTH.get(tracker.get_slot("preferred_site") or "", 10)
        if tracker.get_slot("plot_size") == "half":
            length = length // 2
        return [SlotSet("waiting_position", float(length))]


class ActionCheckWaitingPosition(Action):
    def name(self) -> Text:
        return "action_check_waiting_position"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("waiting_position", 5.0)]


class ActionLogProblem(Action):
    def name(self) -> Text:
        return "action_log_problem"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("report_ref", "AP-7712")]


class ActionGetRent(Action):
    """Every plot owes this year's rent except plot 21."""

    def name(self) -> Text:
        return "action_get_rent"

    def run(self, dispatcher, tracker, domain):
        plot = re.sub(r"[^0-9a-z]", "", str(tracker.get_slot("plot_number") or "").lower())
        plot = plot.replace("plot", "")
        if plot in PAID_UP_PLOTS:
            return [SlotSet("rent_outstanding", False), SlotSet("rent_due", 0.0)]
        return [SlotSet("rent_outstanding", True), SlotSet("rent_due", YEARLY_RENT)]


class ActionTakeRentPayment(Action):
    def name(self) -> Text:
        return "action_take_rent_payment"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionEndTenancy(Action):
    def name(self) -> Text:
        return "action_end_tenancy"

    def run(self, dispatcher, tracker, domain):
        return []
