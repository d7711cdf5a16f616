"""Generic fleet-wide gates over Redis: locks, budgets and breakers. Nothing here knows Weir's domain."""

from throttling.errors import GateUnavailable, ThrottlingError
from throttling.gate import Admission, FleetGate, GateState
from throttling.high_water import HighWaterMark
from throttling.keyed_lock import KeyedLock
from throttling.policy import GatePolicy

__all__ = [
    "Admission",
    "FleetGate",
    "GatePolicy",
    "GateState",
    "GateUnavailable",
    "HighWaterMark",
    "KeyedLock",
    "ThrottlingError",
]
