"""The root of Weir's error tree.

Every error Weir raises on purpose descends from :class:`WeirError`, so callers can tell
Weir's own failures from bugs and third-party exceptions (which are wrapped at the boundary
where they occur)::

    WeirError
    ├── ConfigError                             a setting is missing or invalid (stops start-up)
    │   └── queues.errors.LaneUpgradeNeeded     a busy classic lane must be drained before the upgrade
    ├── receivers.errors.ReceiverError          a webhook is refused (each maps to one HTTP status)
    │   ├── UnknownChannel                      404 unknown_channel
    │   ├── PayloadTooLarge                     413 payload_too_large
    │   ├── BadSignature                        401 invalid_signature
    │   ├── StaleTimestamp                      401 stale_timestamp
    │   ├── MalformedRequest                    400 malformed_request
    │   ├── DeliveryInFlight                    409 delivery_in_flight (the same delivery is being enqueued)
    │   └── ServiceUnavailable                  503 unavailable (the broker or Redis could not confirm)
    ├── receivers.sqs.errors.QueueUnavailable   SQS could not be read or acknowledged (polls back off)
    ├── queues.errors.QueueError                the broker or a store beside it could not confirm
    │   ├── PublishFailed                       RabbitMQ did not confirm a message
    │   ├── queues.dead.holds.HoldsUnavailable  the entities' holds could not be read or written
    │   └── queues.dead.store.ReasonStoreUnavailable   dead-letter reasons could not be read or written
    ├── events.errors.EventError                an event cannot be applied as it stands
    │   ├── PayloadError                        a payload does not map to the canonical model
    │   └── UnsupportedEvent                    no ERP operation for this topic (waits in the dead letters)
    ├── tasks.errors.ChannelApiError            a channel's API could not give what a thin payload names
    │   ├── ChannelApiDeferred                  wait and try again, spending no retry (429)
    │   ├── ChannelApiTransient                 retried with backoff (5xx, timeouts)
    │   └── ChannelApiRejected                  dead-lettered with its reason (404, bad credentials)
    │       └── ChannelApiNotListed             the channel does not carry the SKU (counted, not dead-lettered)
    ├── erp.errors.ErpError                     the ERP refused or failed a call
    │   ├── ErpTransient                        worth retrying: timeouts, conflicts
    │   │   └── ErpServerError                  the ERP failed on this request (500 and kin)
    │   ├── ErpDeferred                         the ERP, not the message, is the problem: wait
    │   │   ├── ErpUnavailable                  no answer, 502/503/504, refused credentials
    │   │   ├── ErpThrottled                    the ERP asked us to slow down (429, lock errors)
    │   │   ├── ErpGateClosed                   the fleet's own gate holds calls back
    │   │   └── SaleMissing                     the sale an event needs does not exist yet
    │   └── ErpRejected                         never worth retrying: validation, unknown SKU
    │       ├── UnknownSku                      the order names SKUs the ERP does not have
    │       ├── TotalMismatch                   the sale would not total the channel's total
    │       └── erp.tryton.errors.DuplicateKey  a unique key (the sale's reference) is taken
    ├── throttling.errors.ThrottlingError       a fleet-wide gate could not be consulted
    │   └── GateUnavailable                     Redis did not answer the gate
    ├── workers.errors.GateClosed               a gate kept a message from running now (no retry spent)
    │   ├── EntityBusy                          another worker applies an event of the same entity
    │   └── EntityWaiting                       an earlier event of the entity, replayed, goes first
    ├── workers.errors.EntityParked             an earlier event of the entity is a dead letter
    ├── reconcile.errors.ReconcileError         a reconciliation run could not go on
    │   ├── ChannelUnreachable                  a channel's listing failed: its cursor stays put
    │   └── RunInProgress                       another process reconciles the channel now
    └── console.errors.ConsoleError             a console request is refused
        ├── BadRequest                          400
        ├── Forbidden                           403
        ├── NotFound                            404
        └── PlanChanged                         409 (the dead letters changed since the plan was shown)

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
