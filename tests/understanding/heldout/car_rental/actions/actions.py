"""Custom actions for the SwiftCar rental assistant (rasa_sdk action server).

The reservation system is faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

RENTAL_NUMBER = re.compile(r"(?i)cr-?\d{5}")


class ActionCheckCarAvailability(Action):
    """The train station branch has no vans; everything else is available."""

    def name(self) -> Text:
        return "action_check_car_availability"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        sold_out = tracker.get_slot("pickup_location") == "train_station" and tracker.get_slot("car_class") == "van"
        return [SlotSet("car_available", not sold_out)]


class ActionCreateRental(Action):
    def name(self) -> Text:
        return "action_create_rental"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_rental_number", "CR-55012")]


class ActionFindRental(Action):
    def name(self) -> Text:
        return "action_find_rental"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("rental_number") or "").strip()
        return [SlotSet("rental_found", bool(RENTAL_NUMBER.fullmatch(number)))]


class ActionCancelRental(Action):
    def name(self) -> Text:
        return "action_cancel_rental"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionExtendRental(Action):
    """In the fake fleet, the cars of reservations ending in 9 are booked right after."""

    def name(self) -> Text:
        return "action_extend_rental"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("rental_number") or "").strip()
        return [SlotSet("extension_ok", not number.endswith("9"))]


class ActionAddExtra(Action):
    def name(self) -> Text:
        return "action_add_extra"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSendRoadside(Action):
    def name(self) -> Text:
        return "action_send_roadside"

    def run(self, dispatcher, tracker, domain):
        return []
