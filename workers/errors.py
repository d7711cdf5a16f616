"""Errors the workers' middleware raises around an actor, to steer the retry policy.

They subclass Dramatiq's ``MiddlewareError`` because only those escape a ``before_*`` hook;
any other exception there is logged and swallowed, and the actor would run anyway.
"""

from __future__ import annotations

from dramatiq.middleware import MiddlewareError

from weir.errors import WeirError

__all__ = ["EntityBusy", "EntityParked", "EntityWaiting", "GateClosed"]


class GateClosed(WeirError, MiddlewareError):
    """A gate kept the message from running now; it waits and spends no retry."""

    deferral = True

    def __init__(self, message: str, *, delay_ms: int | None = None) -> None:
        super().__init__(message)
        self.delay_ms = delay_ms


class EntityBusy(GateClosed):
    """Another worker is applying an event for the same entity right now."""


class EntityWaiting(GateClosed):
    """An earlier event of the same entity was released from the dead letters and has not
    applied yet; this one waits its turn (without a named delay, so the wait grows)."""


class EntityParked(WeirError, MiddlewareError):
    """An earlier event of the same entity is a dead letter: this one is parked behind it, kept
    with the dead letters until that one is replayed or purged. ``blocked_by`` is its id."""

    parked = True

    def __init__(self, message: str, *, blocked_by: str) -> None:
        super().__init__(message)
        self.blocked_by = blocked_by
