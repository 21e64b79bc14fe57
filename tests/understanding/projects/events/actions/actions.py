"""Custom actions for the StageDoor Tickets assistant (rasa_sdk action server).

The box-office system is faked with fixed data so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PRICES = {"stalls": 65.0, "circle": 50.0, "balcony": 35.0, "standing": 45.0}
SOLD_OUT = ("standing",)
EVENTS = {
    "concert": "Arctic Monkeys (Fri), The Lumineers (Sat)",
    "theatre": "Hamilton (daily), An Inspector Calls (Wed-Sun)",
    "comedy": "Live at the Apollo tour (Thu), Improv Night (Sun)",
    "family": "The Gruffalo (Sat and Sun matinees)",
}


def _money(value: float) -> str:
    return f"£{value:.2f}"


class ActionCheckTicketPrice(Action):
    """The standing area is sold out for every event."""

    def name(self) -> Text:
        return "action_check_ticket_price"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        section = tracker.get_slot("seat_section") or "stalls"
        quantity = float(tracker.get_slot("ticket_quantity") or 1)
        return [
            SlotSet("section_available", section not in SOLD_OUT),
            SlotSet("ticket_total_text", _money(quantity * PRICES.get(section, 50.0))),
        ]


class ActionPurchaseTickets(Action):
    def name(self) -> Text:
        return "action_purchase_tickets"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_booking_reference", "SD-70318")]


class ActionCheckRefund(Action):
    """Bookings whose reference ends in an even digit belong to cancelled events."""

    def name(self) -> Text:
        return "action_check_refund"

    def run(self, dispatcher, tracker, domain):
        reference = str(tracker.get_slot("booking_reference") or "").strip()
        return [SlotSet("refund_eligible", reference[-1:] in ("0", "2", "4", "6", "8"))]


class ActionRefundTickets(Action):
    def name(self) -> Text:
        return "action_refund_tickets"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionTransferTickets(Action):
    def name(self) -> Text:
        return "action_transfer_tickets"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionQuoteUpgrade(Action):
    def name(self) -> Text:
        return "action_quote_upgrade"

    def run(self, dispatcher, tracker, domain):
        section = tracker.get_slot("seat_section") or "stalls"
        return [SlotSet("upgrade_price_text", _money(2 * (PRICES.get(section, 50.0) - 35.0)))]


class ActionUpgradeSeats(Action):
    def name(self) -> Text:
        return "action_upgrade_seats"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionResendTickets(Action):
    def name(self) -> Text:
        return "action_resend_tickets"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSearchEvents(Action):
    def name(self) -> Text:
        return "action_search_events"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("events_found", EVENTS.get(tracker.get_slot("event_category") or "", EVENTS["concert"]))]
