"""Ticketing actions (ServiceNow is faked with a fixed table)."""
import re

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

TICKETS = {
    "INC0012345": "in_progress",
    "INC0099881": "resolved",
    "RITM0004711": "open",
    "INC0040012": "open",
}


class ActionOpenTicket(Action):
    def name(self):
        return "action_open_ticket"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("tkt_no", "INC0040012")]


class ActionGetTicketStatus(Action):
    def name(self):
        return "action_get_ticket_status"

    def run(self, dispatcher, tracker, domain):
        raw = tracker.get_slot("tkt_no") or ""
        number = re.sub(r"[\s#-]", "", raw).upper()
        state = TICKETS.get(number, "not_found")
        return [SlotSet("tkt_no", number or raw), SlotSet("tkt_state", state)]


class ActionEscalate(Action):
    def name(self):
        return "action_escalate"

    def run(self, dispatcher, tracker, domain):
        return []
