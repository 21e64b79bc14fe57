"""Custom actions for the Happy Paws vet clinic assistant (rasa_sdk action server).

The practice management system is faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionBookAppointment(Action):
    def name(self) -> Text:
        return "action_book_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("new_booking_code", "HP-481")]


class ActionFindAppointment(Action):
    """Booking codes look like HP-123; anything else is not found."""

    def name(self) -> Text:
        return "action_find_appointment"

    def run(self, dispatcher, tracker, domain):
        code = str(tracker.get_slot("booking_code") or "").strip()
        return [SlotSet("appointment_found", bool(re.fullmatch(r"(?i)hp-?\d{3}", code)))]


class ActionCancelAppointment(Action):
    def name(self) -> Text:
        return "action_cancel_appointment"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionRegisterPet(Action):
    def name(self) -> Text:
        return "action_register_pet"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionOrderRefill(Action):
    def name(self) -> Text:
        return "action_order_refill"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckVaccinations(Action):
    """In the fake records every pet whose name starts with a vowel is due a booster."""

    def name(self) -> Text:
        return "action_check_vaccinations"

    def run(self, dispatcher, tracker, domain):
        name = str(tracker.get_slot("pet_name") or "").strip().lower()
        return [SlotSet("booster_due", name[:1] in "aeiou" and name != "")]
