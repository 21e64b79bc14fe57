"""Custom actions for the FixIt phone repair shop assistant (rasa_sdk action server).

The shop's ticketing and pricing systems are faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

# Price list by brand: (screen, battery). Water damage and "other" start with a diagnostic.
PRICES = {"iphone": (189.0, 89.0), "galaxy": (169.0, 79.0), "samsung": (169.0, 79.0), "pixel": (149.0, 69.0)}
DEFAULT_PRICES = (129.0, 59.0)
FIXED = {"water_damage": 49.0, "other": 49.0, "charging_port": 59.0}
# Folding phones' parts are always ordered in.
SPECIAL_ORDER = ("fold", "flip")
CONDITION_FACTOR = {"like_new": 1.0, "good": 0.8, "cracked": 0.4, "not_working": 0.15}


def _ticket_digits(ticket: Text) -> Optional[Text]:
    match = re.fullmatch(r"(?i)\s*rp[\s-]?(\d{4})\s*", ticket)
    return match.group(1) if match else None


class ActionGetQuote(Action):
    def name(self) -> Text:
        return "action_get_quote"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        model = str(tracker.get_slot("device_model") or "").lower()
        repair = tracker.get_slot("repair_type") or "other"
        if repair in FIXED:
            price = FIXED[repair]
        else:
            screen, battery = next((p for brand, p in PRICES.items() if brand in model), DEFAULT_PRICES)
            price = screen if repair == "screen" else battery
        in_stock = not any(word in model for word in SPECIAL_ORDER)
        return [SlotSet("repair_price", price), SlotSet("part_in_stock", in_stock)]


class ActionCreateRepairTicket(Action):
    def name(self) -> Text:
        return "action_create_repair_ticket"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("ticket_number", "RP-5072")]


class ActionCheckRepairStatus(Action):
    """RP-2xxx are ready, RP-3xxx wait for a part, other valid tickets are in progress."""

    def name(self) -> Text:
        return "action_check_repair_status"

    def run(self, dispatcher, tracker, domain):
        digits = _ticket_digits(str(tracker.get_slot("ticket_number") or ""))
        if digits is None:
            status = "not_found"
        elif digits.startswith("2"):
            status = "ready"
        elif digits.startswith("3"):
            status = "waiting_for_part"
        else:
            status = "in_progress"
        return [SlotSet("repair_status", status)]


class ActionCancelRepair(Action):
    def name(self) -> Text:
        return "action_cancel_repair"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckWarranty(Action):
    """RP-1xxx tickets are older than 6 months; newer ones are still under warranty."""

    def name(self) -> Text:
        return "action_check_warranty"

    def run(self, dispatcher, tracker, domain):
        digits = _ticket_digits(str(tracker.get_slot("ticket_number") or ""))
        return [SlotSet("under_warranty", bool(digits) and not digits.startswith("1"))]


class ActionTradeInOffer(Action):
    """iPhones start at £200, everything else at £120; +£20 for each doubling of storage above 64 GB."""

    def name(self) -> Text:
        return "action_trade_in_offer"

    def run(self, dispatcher, tracker, domain):
        model = str(tracker.get_slot("trade_device_model") or "").lower()
        base = 200.0 if "iphone" in model else 120.0
        storage = float(tracker.get_slot("storage_gb") or 64)
        while storage > 64:
            base += 20.0
            storage /= 2
        value = round(base * CONDITION_FACTOR.get(tracker.get_slot("device_condition") or "", 0.5))
        return [SlotSet("trade_in_value", float(value))]
