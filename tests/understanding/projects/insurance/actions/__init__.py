"""Custom actions of the Harbor Insurance assistant (calmtui's in-process action API).

The policy admin system is faked with small tables so that conversations are reproducible."""
from __future__ import annotations

from calmtui.actions.sdk import Dispatcher, Tracker, action

COVERAGE = {
    "windscreen": (True, 500.0),
    "rental_car": (True, 1500.0),
    "flood": (True, 50000.0),
    "jewellery": (False, 0.0),
    "legal_costs": (True, 100000.0),
}


def _normalise_policy_number(value: object) -> str:
    return str(value or "").upper().replace("-", "").replace(" ", "")


@action("action_verify_policyholder")
def verify_policyholder(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    number = _normalise_policy_number(tracker.get_slot("policy_number"))
    return {"policyholder_verified": len(number) == 8 and number != "HX000000"}


@action("action_submit_claim")
def submit_claim(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    return {"claim_id": "CLM-40417"}


@action("action_get_claim_status")
def get_claim_status(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    reference = str(tracker.get_slot("claim_reference") or "").upper()
    if reference.startswith("CLM-2"):
        return {"claim_status": "in_review"}
    if reference.startswith("CLM-3"):
        return {"claim_status": "approved"}
    return {"claim_status": "received"}


@action("action_check_coverage")
def check_coverage(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    covered, limit = COVERAGE.get(str(tracker.get_slot("coverage_item")), (False, 0.0))
    return {"is_covered": covered, "coverage_limit": limit}


@action("action_quote_driver")
def quote_driver(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    age = float(tracker.get_slot("driver_age") or 0)
    return {"premium_change": 18.5 if age >= 25 else 42.0}


@action("action_quote_home")
def quote_home(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    value = float(tracker.get_slot("home_value") or 0)
    bedrooms = float(tracker.get_slot("bedrooms") or 1)
    base = 150.0 if tracker.get_slot("home_type") == "flat" else 220.0
    return {"quote_amount": round(base + value * 0.0005 + bedrooms * 20, 2)}


@action("action_dispatch_tow")
def dispatch_tow(tracker: Tracker, dispatcher: Dispatcher) -> dict[str, object]:
    return {"eta_minutes": 45.0}


@action("action_add_driver")
def add_driver(tracker: Tracker, dispatcher: Dispatcher) -> None:
    return None


@action("action_update_address")
def update_address(tracker: Tracker, dispatcher: Dispatcher) -> None:
    return None


@action("action_send_documents")
def send_documents(tracker: Tracker, dispatcher: Dispatcher) -> None:
    return None


@action("action_cancel_policy")
def cancel_policy(tracker: Tracker, dispatcher: Dispatcher) -> None:
    return None
