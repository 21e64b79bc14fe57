from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.store import BOOKINGS, FULL, MESSAGES, PATIENTS, next_reference


class ActionCountMessages(Action):
    """Runs after every user message (`run_action_every_turn` of a controlled slot)."""

    def name(self) -> Text:
        return "action_count_messages"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        MESSAGES[tracker.sender_id] += 1
        return [SlotSet("messages_in_session", MESSAGES[tracker.sender_id])]


class ActionLookupPatient(Action):
    def name(self) -> Text:
        return "action_lookup_patient"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        patient_id = tracker.get_slot("patient_id")
        return [SlotSet("patient_name", PATIENTS.get(patient_id, "our new patient"))]


class ActionCheckAvailability(Action):
    def name(self) -> Text:
        return "action_check_availability"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        wanted = (tracker.get_slot("department"), tracker.get_slot("appointment_day"))
        return [SlotSet("slot_available", wanted not in FULL)]


class ActionBookAppointment(Action):
    def name(self) -> Text:
        return "action_book_appointment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        reference = next_reference(tracker.sender_id)
        BOOKINGS[tracker.sender_id][reference] = (
            tracker.get_slot("department"),
            tracker.get_slot("appointment_day"),
        )
        return [SlotSet("booking_reference", reference)]


class ActionListBookings(Action):
    def name(self) -> Text:
        return "action_list_bookings"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        bookings = BOOKINGS[tracker.sender_id]
        if not bookings:
            dispatcher.utter_message(text="You have no appointments booked.")
            return []
        listed = "; ".join(f"{ref}: {dept} on {day}" for ref, (dept, day) in bookings.items())
        dispatcher.utter_message(text=f"Your appointments: {listed}.")
        return []


class ValidateCancelReference(Action):
    """Runs after the patient answered the question for `cancel_reference`."""

    def name(self) -> Text:
        return "validate_cancel_reference"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        reference = (tracker.get_slot("cancel_reference") or "").strip().upper()
        if reference in BOOKINGS[tracker.sender_id]:
            return [SlotSet("cancel_reference", reference)]
        dispatcher.utter_message(text=f"I can't find a booking {reference} for you.")
        return [SlotSet("cancel_reference", None)]


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        BOOKINGS[tracker.sender_id].pop(tracker.get_slot("cancel_reference"), None)
        return []
