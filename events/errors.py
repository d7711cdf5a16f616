"""Errors about events themselves: they are permanent, since retrying cannot change a payload."""

from __future__ import annotations

from weir.errors import WeirError

__all__ = ["EventError", "PayloadError", "UnsupportedEvent"]


class EventError(WeirError):
    """An event cannot be applied as it stands."""

    permanent = True


class PayloadError(EventError):
    """A provider payload does not map to the canonical model (missing or malformed field)."""


class UnsupportedEvent(EventError):
    """Weir has no ERP operation for this topic yet; the event waits in the dead letters."""
