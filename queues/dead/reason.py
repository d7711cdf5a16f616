"""What is kept about each dead letter, and the cause it is grouped under."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["Classification", "DeadLetterReason", "FailureRecord", "State", "cause_of", "fingerprint_of"]

#: ``parked`` is no failure: the message waits behind an earlier dead letter of its entity
#: (:mod:`queues.dead.holds`) and is released with it.
Classification = Literal["permanent", "exhausted", "expired", "unschedulable", "parked"]

#: ``dead``: in its lane's XQ, waiting for someone; ``quarantined``: replayed too often, moved
#: aside to the quarantine queue, where only a purge or a forced replay reaches it.
State = Literal["dead", "quarantined"]

# What varies between occurrences of one cause: long numbers (order and customer ids,
# references), hex and UUID ids. SKUs (SKU-0099) and short codes stay, so "unknown SKU SKU-0099"
# and "unknown SKU SKU-0042" are two causes with two fixes.
_VARYING = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{16,}\b|\d{5,}")


class FailureRecord(BaseModel):
    """One failed attempt: when (Unix ms) and what was raised."""

    model_config = ConfigDict(frozen=True)

    at: int
    error: str


class DeadLetterReason(BaseModel):
    """Everything on-call needs to understand one dead letter without opening the message.

    ``classification``: ``permanent`` (retrying cannot help), ``exhausted`` (real failures ran out
    of retries), ``expired`` (older than its lane's maximum age), ``unschedulable`` (a retry
    could not be enqueued) or ``parked`` (waiting behind ``blocked_by``, the dead letter of the
    same entity, ``entity_key``). ``queue`` is the queue the message was processed from (its XQ is
    ``<queue>.XQ``); ``lane`` the lane of the event. ``replays`` counts the times it was
    replayed before dying this time. ``cause`` is the normalised error its group shares and
    ``fingerprint`` names that group. Times are aware datetimes.
    """

    model_config = ConfigDict(frozen=True)

    message_id: str
    queue: str
    lane: str | None
    channel: str | None
    topic: str | None
    entity_id: str | None
    event_id: str | None
    correlation_id: str | None
    entity_key: str | None = None
    blocked_by: str | None = None
    error_class: str
    error_message: str
    classification: Classification
    erp_status: int | None = None
    erp_excerpt: str | None = None
    attempts: int
    history: tuple[FailureRecord, ...] = ()
    first_failure_at: datetime
    last_failure_at: datetime
    dead_lettered_at: datetime
    replays: int = 0
    state: State = "dead"
    cause: str = ""
    fingerprint: str = ""

    @classmethod
    def grouped(cls, **fields: object) -> DeadLetterReason:
        """A reason with its ``cause`` and ``fingerprint`` worked out from the error."""
        cause = cause_of(str(fields["error_class"]), fields.get("erp_status"), str(fields["error_message"]))  # type: ignore[arg-type]
        return cls.model_validate({**fields, "cause": cause, "fingerprint": fingerprint_of(cause)})


def cause_of(error_class: str, erp_status: int | None, message: str) -> str:
    """The error with what varies between occurrences taken out: ``UnknownSku: unknown SKU SKU-0099``."""
    status = f" (ERP {erp_status})" if erp_status else ""
    return f"{error_class}{status}: {_VARYING.sub('#', message)}"


def fingerprint_of(cause: str) -> str:
    """A short stable name for a cause, 12 hex digits."""
    return hashlib.sha1(cause.encode()).hexdigest()[:12]
