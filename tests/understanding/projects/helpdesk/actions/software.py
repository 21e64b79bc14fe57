"""Software catalog lookups (a small in-memory copy of the real catalog)."""
from rasa_sdk import Action
from rasa_sdk.events import SlotSet

# name -> (approved, yearly licence cost)
CATALOG = {
    "slack": (True, 0.0),
    "zoom": (True, 0.0),
    "visual studio code": (True, 0.0),
    "vs code": (True, 0.0),
    "vscode": (True, 0.0),
    "notepad++": (True, 0.0),
    "7-zip": (True, 0.0),
    "python": (True, 0.0),
    "photoshop": (False, 263.88),
    "adobe acrobat pro": (False, 239.88),
    "tableau": (False, 840.0),
}


def lookup(name: str):
    key = name.strip().lower()
    if key in CATALOG:
        return CATALOG[key]
    for known, entry in CATALOG.items():
        if known in key or key in known:
            return entry
    return (False, 0.0)


class ActionCheckSwCatalog(Action):
    def name(self):
        return "action_check_sw_catalog"

    def run(self, dispatcher, tracker, domain):
        approved, cost = lookup(tracker.get_slot("sw_name") or "")
        return [SlotSet("sw_approved", approved), SlotSet("sw_cost", cost)]


class ActionQueueInstall(Action):
    def name(self):
        return "action_queue_install"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionRequestSwApproval(Action):
    def name(self):
        return "action_request_sw_approval"

    def run(self, dispatcher, tracker, domain):
        return []
