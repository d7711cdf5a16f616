"""Errors about events themselves: they are permanent, since retrying cannot change a payload."""

from __future__ import annotations

from pydantic import ValidationError

from weir.errors import WeirError

__all__ = ["EventError", "PayloadError", "UnsupportedEvent", "validation_summary"]

#: How many of a payload's validation errors a summary names.
SUMMARY_ERRORS = 5


class EventError(WeirError):
    """An event cannot be applied as it stands."""

    permanent = True


class PayloadError(EventError):
    """A provider payload does not map to the canonical model (missing or malformed field)."""


class UnsupportedEvent(EventError):
    """Weir has no ERP operation for this topic yet; the event waits in the dead letters."""


def validation_summary(exc: ValidationError) -> str:
    """Where a payload failed validation and why, for logs and dead-letter reasons: each field's
    path and pydantic's message, never the values (``str(exc)`` repeats the input, which holds
    customers' names and addresses)."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '(root)'}: {error['msg']}"
        for error in exc.errors()[:SUMMARY_ERRORS]
    )
