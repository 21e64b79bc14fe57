from rasa_sdk import Action
from rasa_sdk.events import SlotSet


class ActionCreateHwRequest(Action):
    def name(self):
        return "action_create_hw_request"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("tkt_no", "RITM0004711")]
