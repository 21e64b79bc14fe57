"""Custom actions for the Kestrel Invest assistant (rasa_sdk action server).

The brokerage back-end is faked with fixed prices and holdings so the bot can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PRICES = {"AAPL": 190.0, "TSLA": 250.0, "MSFT": 410.0, "NVDA": 120.0, "AMZN": 180.0, "VWRL": 110.0}
NAMES = {"apple": "AAPL", "tesla": "TSLA", "microsoft": "MSFT", "nvidia": "NVDA", "amazon": "AMZN"}
HOLDINGS = {"AAPL": 25.0, "TSLA": 10.0, "MSFT": 8.0, "VWRL": 120.0}
CASH_BALANCE = 1250.0


def symbol(tracker: Tracker) -> str:
    raw = str(tracker.get_slot("ticker") or "").strip()
    return NAMES.get(raw.lower(), raw.upper())


class ActionGetQuote(Action):
    def name(self) -> Text:
        return "action_get_quote"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        price = PRICES.get(symbol(tracker), 100.0)
        quantity = float(tracker.get_slot("share_quantity") or 0)
        return [SlotSet("quote_price", price), SlotSet("order_total", round(price * quantity, 2))]


class ActionPlaceOrder(Action):
    def name(self) -> Text:
        return "action_place_order"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCheckHoldings(Action):
    def name(self) -> Text:
        return "action_check_holdings"

    def run(self, dispatcher, tracker, domain):
        held = HOLDINGS.get(symbol(tracker), 0.0)
        wanted = float(tracker.get_slot("share_quantity") or 0)
        return [SlotSet("shares_held", held), SlotSet("has_enough_shares", wanted <= held)]


class ActionCreateAlert(Action):
    def name(self) -> Text:
        return "action_create_alert"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetPortfolio(Action):
    def name(self) -> Text:
        return "action_get_portfolio"

    def run(self, dispatcher, tracker, domain):
        return [
            SlotSet("portfolio_value", 18432.75),
            SlotSet("day_change_pct", -0.8),
            SlotSet("cash_balance", CASH_BALANCE),
        ]


class ActionDepositFunds(Action):
    def name(self) -> Text:
        return "action_deposit_funds"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetCashBalance(Action):
    def name(self) -> Text:
        return "action_get_cash_balance"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("cash_balance", CASH_BALANCE)]


class ActionWithdrawFunds(Action):
    def name(self) -> Text:
        return "action_withdraw_funds"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSendStatement(Action):
    def name(self) -> Text:
        return "action_send_statement"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionUpdateSettings(Action):
    def name(self) -> Text:
        return "action_update_settings"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSendSmsCode(Action):
    def name(self) -> Text:
        return "action_send_sms_code"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionVerifyCode(Action):
    """Any 6-digit code except 000000 is accepted by the fake back-end."""

    def name(self) -> Text:
        return "action_verify_code"

    def run(self, dispatcher, tracker, domain):
        code = str(tracker.get_slot("verification_code") or "").strip()
        return [SlotSet("identity_verified", len(code) == 6 and code.isdigit() and code != "000000")]
