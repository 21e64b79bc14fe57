"""Custom actions for the Clearview window cleaning assistant (rasa_sdk action server).

The booking diary and price list are faked so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

BASE_PRICE = {"house": 15.0, "flat": 12.0, "commercial": 40.0}
EXTRA_STOREY = {"house": 5.0, "flat": 0.0, "commercial": 40.0}
CONSERVATORY = {"glass": 12.0, "polycarbonate": 18.0}


class ActionCalculateQuote(Action):
    def name(self) -> Text:
        return "action_calculate_quote"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        kind = tracker.get_slot("property_type") or "house"
        storeys = float(tracker.get_slot("storeys") or 1)
        price = BASE_PRICE.get(kind, 15.0) + EXTRA_STOREY.get(kind, 0.0) * max(storeys - 1, 0)
        if kind == "house" and tracker.get_slot("has_conservatory"):
            price += 10.0
        return [SlotSet("quote_price", price)]


class ActionPriceConservatory(Action):
    def name(self) -> Text:
        return "action_price_conservatory"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("conservatory_price", CONSERVATORY.get(tracker.get_slot("conservatory_roof") or "", 12.0))]


class ActionAddConservatory(Action):
    def name(self) -> Text:
        return "action_add_conservatory"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBookRound(Action):
    def name(self) -> Text:
        return "action_book_round"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("first_clean_date", "Tuesday 15 December")]


class ActionSaveAccessNotes(Action):
    def name(self) -> Text:
        return "action_save_access_notes"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionScheduleReclean(Action):
    def name(self) -> Text:
        return "action_schedule_reclean"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("reclean_date", "Friday 11 December")]


class ActionRefundClean(Action):
    def name(self) -> Text:
        return "action_refund_clean"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelRound(Action):
    def name(self) -> Text:
        return "action_cancel_round"

    def run(self, dispatcher, tracker, domain):
        return []
