"""Custom actions for the Swift Parcels helper (rasa_sdk action server).

The tracking and booking systems are faked with fixed data for demos and tests."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PARCELS = {
    "SP12345678": ("out for delivery", False, "today by 6pm"),
    "SP87654321": ("at our Birmingham depot", True, "Thursday"),
    "SP55501234": ("in transit", False, "tomorrow"),
}
PRICES = {"economy": (5.0, 1.0), "standard": (8.0, 1.5), "express": (15.0, 2.0)}


class ActionTrackParcel(Action):
    """Every well-formed number except SP00000000 exists; unknown ones are 'in transit'."""

    def name(self) -> Text:
        return "action_track_parcel"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        number = str(tracker.get_slot("tracking_number") or "").strip().upper()
        if number == "SP00000000" or len(number) != 10:
            return [SlotSet("parcel_found", False)]
        status, delayed, eta = PARCELS.get(number, ("in transit", False, "in 2 days"))
        return [
            SlotSet("parcel_found", True),
            SlotSet("parcel_status", status),
            SlotSet("parcel_delayed", delayed),
            SlotSet("estimated_delivery", eta),
        ]


class ActionRescheduleDelivery(Action):
    def name(self) -> Text:
        return "action_reschedule_delivery"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionUpdateDelivery(Action):
    def name(self) -> Text:
        return "action_update_delivery"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionStartRefund(Action):
    def name(self) -> Text:
        return "action_start_refund"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSendReplacement(Action):
    def name(self) -> Text:
        return "action_send_replacement"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetQuote(Action):
    def name(self) -> Text:
        return "action_get_quote"

    def run(self, dispatcher, tracker, domain):
        base, per_kg = PRICES.get(tracker.get_slot("delivery_service") or "standard", PRICES["standard"])
        weight = float(tracker.get_slot("parcel_weight") or 0)
        return [SlotSet("shipping_price", round(base + per_kg * weight, 2))]


class ActionCreateShipment(Action):
    def name(self) -> Text:
        return "action_create_shipment"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_tracking_number", "SP55501234")]


class ActionFindPickupPoint(Action):
    def name(self) -> Text:
        return "action_find_pickup_point"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("pickup_point_address", "Corner News, 41 High Street (open 7am-9pm)")]
