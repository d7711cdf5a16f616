"""Why a webhook was refused; each error is one HTTP status and one stable error code.

ReceiverError
├── UnknownChannel       404  no channel of that name is configured
├── PayloadTooLarge      413  the body is over the configured limit
├── BadSignature         401  the signature is missing or does not match any channel secret
├── StaleTimestamp       401  the signed timestamp is outside the tolerance
├── MalformedRequest     400  a required header is missing, or the body is not a JSON object
│                             (or nests deeper than MAX_JSON_DEPTH, see receivers.providers.base)
├── DeliveryInFlight     409  the same delivery is being enqueued right now by another request
└── ServiceUnavailable   503  RabbitMQ or Redis could not confirm; the provider should retry
"""

from __future__ import annotations

from typing import ClassVar

from weir.errors import WeirError

__all__ = [
    "BadSignature",
    "DeliveryInFlight",
    "MalformedRequest",
    "PayloadTooLarge",
    "ReceiverError",
    "ServiceUnavailable",
    "StaleTimestamp",
    "UnknownChannel",
]


class ReceiverError(WeirError):
    """A webhook was refused. ``status`` is the HTTP answer and ``code`` its stable name."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"


class UnknownChannel(ReceiverError):
    status = 404
    code = "unknown_channel"


class PayloadTooLarge(ReceiverError):
    status = 413
    code = "payload_too_large"


class BadSignature(ReceiverError):
    status = 401
    code = "invalid_signature"


class StaleTimestamp(ReceiverError):
    status = 401
    code = "stale_timestamp"


class MalformedRequest(ReceiverError):
    status = 400
    code = "malformed_request"


class DeliveryInFlight(ReceiverError):
    status = 409
    code = "delivery_in_flight"


class ServiceUnavailable(ReceiverError):
    status = 503
    code = "unavailable"
