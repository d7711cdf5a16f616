"""The root of Weir's error tree.

Every error Weir raises on purpose descends from :class:`WeirError`, so callers can tell
Weir's own failures from bugs and third-party exceptions (which are wrapped at the boundary
where they occur)::

    WeirError
    ├── ConfigError                         a setting is missing or invalid (stops start-up)
    ├── receivers.errors.ReceiverError      a webhook is refused (each maps to one HTTP status)
    ├── receivers.sqs.QueueUnavailable      SQS could not be read or acknowledged (polls back off)
    ├── queues.errors.QueueError            the broker or the dedupe store could not confirm
    ├── events.errors.EventError            a payload cannot be mapped to the canonical model
    ├── tasks.errors.ChannelApiError        a channel's API could not give what a thin payload names
    ├── erp.errors.ErpError                 the ERP refused or failed a call
    │   ├── ErpTransient                    worth retrying: timeouts, 5xx, refused connections
    │   │   └── ErpThrottled                the ERP asked us to slow down (429, lock errors)
    │   └── ErpRejected                     never worth retrying: validation, unknown SKU
    └── throttling.errors.ThrottlingError   a fleet-wide gate could not be consulted

Two class attributes tell the worker's retry policy what to do with an error, so the policy
never needs to import the packages that raise them:

* ``permanent``: retrying cannot help; the message is dead-lettered at once with its reason.
* ``deferral``: the message did nothing wrong and must wait; it is re-queued without spending
  a retry.

Anything that is neither (including exceptions from outside this tree) counts as a real failure
and is retried with backoff, a bounded number of times.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["ConfigError", "WeirError"]


class WeirError(Exception):
    """Base class of every error Weir raises on purpose."""

    permanent: ClassVar[bool] = False
    deferral: ClassVar[bool] = False


class ConfigError(WeirError):
    """A setting is missing or invalid; the process must not start."""
