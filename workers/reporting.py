"""What worker processes tell Sentry: each dead letter once, grouped by its cause, and never an
attempt that the retry policy will retry or defer.

Sentry's Dramatiq integration captures an actor's unexpected exception on every attempt, and
its logging integration captures Dramatiq's "Failed to process message" error line (also on every
attempt) and the retry policy's "dead-lettered" line. Weir drops all three
(:data:`WORKER_DROPS`): the retry policy decides what a failure means, and its ``on_dead`` hook,
:func:`report_dead_letter`, reports the dead letter once it is kept, fingerprinted by its cause,
so a hundred orders failing on one unknown SKU are one issue with a hundred events.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import sentry_sdk
from sentry_sdk.types import Event, Hint
from sentry_sdk.utils import event_from_exception

from queues.dead import DeadLetterReason
from weir.reporting import Drop, report
from workers.middleware import retry_policy

__all__ = ["WORKER_DROPS", "is_attempt_failure", "is_dead_letter_notice", "report_dead_letter"]


def report_dead_letter(reason: DeadLetterReason) -> None:
    """Report one dead letter to Sentry: the ``on_dead`` hook of the retry policy."""
    if not sentry_sdk.get_client().is_active():
        return
    event: Event = {
        "level": "error",
        "logger": "weir.dead_letters",
        "message": f"Dead-lettered ({reason.classification}): {reason.cause}",
        "fingerprint": [reason.fingerprint],
        "tags": _tags(reason),
        "extra": _extra(reason),
    }
    exception = _exception_of(reason)
    if exception is not None:
        # The traceback, without the exception in the hint: Sentry's deduplication would drop
        # this event as a repeat of the attempt's (dropped) capture of the same exception.
        options = sentry_sdk.get_client().options
        captured, _ = event_from_exception(exception, options, {"type": "weir.dead_letter", "handled": True})
        event["exception"] = captured["exception"]
    report(event)


def is_attempt_failure(event: Event, hint: Hint) -> bool:
    """An actor's exception as Sentry's Dramatiq middleware or Dramatiq's worker report it."""
    record = hint.get("log_record")
    if record is not None:
        return record.name.startswith("dramatiq.worker") and str(record.msg).startswith("Failed to process message")
    values = (event.get("exception") or {}).get("values") or []
    return any((value.get("mechanism") or {}).get("type") == "dramatiq" for value in values)


def is_dead_letter_notice(event: Event, hint: Hint) -> bool:
    """The retry policy's log line for a dead letter, which :func:`report_dead_letter` replaces."""
    record = hint.get("log_record")
    return (
        record is not None
        and record.name == retry_policy.logger.name
        and record.levelno == logging.ERROR
        and "dead-lettered" in str(record.msg)
    )


#: The drop rules of worker processes, for :func:`weir.reporting.init_reporting`.
WORKER_DROPS: tuple[Drop, ...] = (is_attempt_failure, is_dead_letter_notice)


def _exception_of(reason: DeadLetterReason) -> BaseException | None:
    # The retry policy runs in Dramatiq's after-hook, inside the worker's ``except`` block for the
    # actor's exception, so the exception being handled is the one that killed the message.
    exception = sys.exc_info()[1]
    if exception is None or type(exception).__name__ != reason.error_class:
        return None
    return exception


def _tags(reason: DeadLetterReason) -> dict[str, Any]:
    tags = {
        "classification": reason.classification,
        "cause": reason.fingerprint,
        "lane": reason.lane,
        "channel": reason.channel,
        "topic": reason.topic,
        "correlation_id": reason.correlation_id,
        "event_id": reason.event_id,
    }
    return {name: value for name, value in tags.items() if value is not None}


def _extra(reason: DeadLetterReason) -> dict[str, Any]:
    return {
        "message_id": reason.message_id,
        "entity_id": reason.entity_id,
        "error": f"{reason.error_class}: {reason.error_message}",
        "attempts": reason.attempts,
        "erp_status": reason.erp_status,
        "erp_excerpt": reason.erp_excerpt,
        "history": [record.model_dump() for record in reason.history],
        "replays": reason.replays,
    }
