"""Custom actions for the Brightside pest control assistant (rasa_sdk action server).

The booking diary, the dispatch desk and the pricing engine are faked so the assistant can be
demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

TREATMENT_PRICE = {
    "mice": 120.0,
    "rats": 150.0,
    "wasps": 95.0,
    "bed_bugs": 280.0,
    "cockroaches": 180.0,
    "ants": 90.0,
    "fleas": 130.0,
}
INSPECTION_PRICE = 49.0
CALLOUT_FEE = {"wasps": 110.0, "rats": 160.0}
VISITS_PER_YEAR = {"monthly": 12, "quarterly": 4}


class ActionBookVisit(Action):
    def name(self) -> Text:
        return "action_book_visit"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if tracker.get_slot("service_type") == "inspection":
            price = INSPECTION_PRICE
        else:
            price = TREATMENT_PRICE.get(tracker.get_slot("pest_type") or "", 120.0)
        return [SlotSet("booking_reference", "PC-5187"), SlotSet("visit_price", price)]


class ActionQuoteCallout(Action):
    def name(self) -> Text:
        return "action_quote_callout"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("callout_fee", CALLOUT_FEE.get(tracker.get_slot("pest_type") or "", 160.0))]


class ActionDispatchTechnician(Action):
    def name(self) -> Text:
        return "action_dispatch_technician"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("booking_reference", "PC-5190")]


class ActionLookupBooking(Action):
    """References are PC followed by 4 digits; the 5000s were treated in the last 30 days and are
    still under the re-treatment guarantee."""

    def name(self) -> Text:
        return "action_lookup_booking"

    def run(self, dispatcher, tracker, domain):
        reference = str(tracker.get_slot("booking_reference") or "").strip().upper()
        match = re.fullmatch(r"PC[\s-]?(\d{4})", reference)
        if not match:
            return [SlotSet("booking_found", False), SlotSet("within_guarantee", False)]
        return [SlotSet("booking_found", True), SlotSet("within_guarantee", match.group(1).startswith("5"))]


class ActionBookFollowup(Action):
    def name(self) -> Text:
        return "action_book_followup"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionQuoteContract(Action):
    """A yearly price: $60 per visit plus $0.10 per square metre per visit."""

    def name(self) -> Text:
        return "action_quote_contract"

    def run(self, dispatcher, tracker, domain):
        size = float(tracker.get_slot("premises_size") or 0)
        visits = VISITS_PER_YEAR.get(tracker.get_slot("contract_frequency") or "", 4)
        return [SlotSet("contract_price", round((60 + size * 0.1) * visits, 2))]


class ActionRescheduleVisit(Action):
    """Technicians don't work on Sundays."""

    def name(self) -> Text:
        return "action_reschedule_visit"

    def run(self, dispatcher, tracker, domain):
        day = str(tracker.get_slot("new_visit_date") or "").lower()
        return [SlotSet("reschedule_ok", "sun" not in day)]


class ActionCancelBooking(Action):
    def name(self) -> Text:
        return "action_cancel_booking"

    def run(self, dispatcher, tracker, domain):
        return []
