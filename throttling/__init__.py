"""Generic fleet-wide gates over Redis: locks, budgets and breakers. Nothing here knows Weir's domain."""

from throttling.errors import GateUnavailable, ThrottlingError
from throttling.keyed_lock import KeyedLock

__all__ = ["GateUnavailable", "KeyedLock", "ThrottlingError"]
