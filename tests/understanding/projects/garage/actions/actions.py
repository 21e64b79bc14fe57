"""Custom actions for the Hillside Motors garage assistant.

The workshop system is faked with fixed prices and jobs so the bot can be demoed without it."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

# rough labour + parts prices; "other" needs a mechanic to look first
REPAIR_QUOTES = {"brakes": 180.0, "clutch": 650.0, "exhaust": 240.0, "battery": 120.0, "suspension": 320.0, "other": 0.0}
TYRE_PRICES = {"budget": 55.0, "mid_range": 80.0, "premium": 120.0}
# job reference -> (ready to collect, amount due)
JOBS = {"HM-40110": (True, 312.4), "HM-40555": (False, 0.0)}


class ActionBookService(Action):
    def name(self) -> Text:
        return "action_book_service"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("new_booking_ref", "HM-40722")]


class ActionCheckMotDue(Action):
    def name(self) -> Text:
        return "action_check_mot_due"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("mot_due_date", "14 March")]


class ActionBookMot(Action):
    def name(self) -> Text:
        return "action_book_mot"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_booking_ref", "HM-40723")]


class ActionGetRepairQuote(Action):
    def name(self) -> Text:
        return "action_get_repair_quote"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("quote_amount", REPAIR_QUOTES.get(tracker.get_slot("repair_type"), 0.0))]


class ActionBookRepair(Action):
    def name(self) -> Text:
        return "action_book_repair"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_booking_ref", "HM-40724")]


class ActionCheckJobStatus(Action):
    def name(self) -> Text:
        return "action_check_job_status"

    def run(self, dispatcher, tracker, domain):
        ref = str(tracker.get_slot("booking_ref") or "").strip().upper()
        ready, due = JOBS.get(ref, (False, 0.0))
        return [SlotSet("car_ready", ready), SlotSet("amount_due", due)]


class ActionArrangeCollection(Action):
    def name(self) -> Text:
        return "action_arrange_collection"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionPriceTyres(Action):
    def name(self) -> Text:
        return "action_price_tyres"

    def run(self, dispatcher, tracker, domain):
        each = TYRE_PRICES.get(tracker.get_slot("tyre_range"), 80.0)
        quantity = float(tracker.get_slot("tyre_quantity") or 0)
        return [SlotSet("tyre_total", each * quantity)]


class ActionBookTyreFitting(Action):
    def name(self) -> Text:
        return "action_book_tyre_fitting"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    def run(self, dispatcher, tracker, domain):
        return []
