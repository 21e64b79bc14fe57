"""Custom actions for the CareWell Pharmacy assistant (rasa_sdk action server).

The pharmacy system is faked with fixed data so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

MEDICATIONS = {
    "0": "atorvastatin 20mg",
    "1": "metformin 500mg",
    "2": "lisinopril 10mg",
    "3": "levothyroxine 50mcg",
    "4": "amlodipine 5mg",
    "5": "sertraline 50mg",
    "6": "omeprazole 20mg",
    "7": "salbutamol inhaler",
    "8": "ramipril 5mg",
    "9": "citalopram 20mg",
}

HOURS = {
    "riverside": "Monday to Saturday 8am-8pm and Sunday 10am-4pm",
    "old town": "Monday to Friday 9am-6pm and Saturday 9am-1pm",
}
DEFAULT_HOURS = "Monday to Friday 8:30am-7pm, Saturday 9am-5pm, closed on Sundays"


class ActionCheckRefill(Action):
    """Prescriptions starting with 9 have no refills left."""

    def name(self) -> Text:
        return "action_check_refill"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        rx = str(tracker.get_slot("rx_number") or "0000000")
        refills = 0.0 if rx.startswith("9") else 3.0
        return [SlotSet("refills_left", refills), SlotSet("medication_name", MEDICATIONS.get(rx[-1], "your medicine"))]


class ActionOrderRefill(Action):
    def name(self) -> Text:
        return "action_order_refill"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionRequestTransfer(Action):
    def name(self) -> Text:
        return "action_request_transfer"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBookVaccination(Action):
    def name(self) -> Text:
        return "action_book_vaccination"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckOrderStatus(Action):
    """Order numbers ending in 1-3 are being prepared, 4-6 are ready, the rest are out for delivery."""

    def name(self) -> Text:
        return "action_check_order_status"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("order_number") or "0").strip()
        last = number[-1:] if number[-1:].isdigit() else "0"
        if last in "123":
            status = "preparing"
        elif last in "456":
            status = "ready"
        else:
            status = "out_for_delivery"
        return [SlotSet("order_status", status)]


class ActionScheduleDelivery(Action):
    def name(self) -> Text:
        return "action_schedule_delivery"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelOrder(Action):
    def name(self) -> Text:
        return "action_cancel_order"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetStoreHours(Action):
    def name(self) -> Text:
        return "action_get_store_hours"

    def run(self, dispatcher, tracker, domain):
        location = str(tracker.get_slot("store_location") or "").strip().lower()
        return [SlotSet("store_hours_text", HOURS.get(location, DEFAULT_HOURS))]
