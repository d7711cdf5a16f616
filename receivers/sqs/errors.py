"""Why the SQS receiver could not read or acknowledge its queue."""

from __future__ import annotations

from weir.errors import WeirError

__all__ = ["QueueUnavailable"]


class QueueUnavailable(WeirError):
    """SQS could not be reached, refused the credentials, or failed the call; try again later."""
