"""What happens to a message whose actor raised: wait, retry, or dead-letter with its reason.

This replaces Dramatiq's ``Retries`` middleware, which counts every exception (throttling
included) against one budget and dead-letters without saying why:

* a **deferral** (``exc.deferral``: a busy entity, a closed gate) goes back to the lane's delay
  queue and spends no retry;
* a **permanent** error (``exc.permanent``: unknown SKU, invalid payload) is dead-lettered at
  once, its reason kept in the :class:`~queues.dead.DeadLetterStore`;
* anything else is a **real failure**: retried with jittered exponential backoff, and
  dead-lettered as *exhausted* after the actor's ``max_failures``.

A **parked** message (``exc.parked``: an earlier event of its entity is a dead letter) is kept
with the dead letters the same way, classified ``parked``, with the blocker's id; it is no
failure, so it is neither reported nor counted as dead.

Whatever the cause, a message older than its lane's maximum age is dead-lettered as *expired*
instead of waiting again: deferrals are free, but not endless.

The delayed copy is confirmed by RabbitMQ before the original is acked, and a reason is kept
before its message is rejected into the XQ; if the reason cannot be kept (Redis down) the
message waits and tries again instead of dying without one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy
from dramatiq.common import compute_backoff

from queues.dead import (
    REPLAYS_OPTION,
    Classification,
    DeadLetterReason,
    DeadLetterStore,
    FailureRecord,
    ReasonStoreUnavailable,
)
from queues.tally import OutcomeTally

__all__ = ["RetryPolicy"]

logger = logging.getLogger(__name__)

#: Failures remembered per message for its dead-letter reason (the newest ones).
HISTORY_LENGTH = 5

#: How much of an error's text a failure record keeps, in characters.
ERROR_CHARS = 300

_STATE = "weir"


class RetryPolicy(Middleware):
    """Retries, deferrals and dead letters for every actor on the broker.

    ``describe`` returns what a reason should say about a message (lane, channel, topic,
    entity_id, entity_key, event_id, correlation_id; missing keys are ``None``); ``max_age_ms`` the age past
    which a message stops waiting (``None``: no limit); ``on_dead`` hears of each dead letter once
    its reason is kept (error reporting). A deferral that names no delay waits
    ``deferral_delay_ms`` at first, doubling up to ``max_deferral_ms``. Delays and ages are
    milliseconds.
    """

    def __init__(
        self,
        reasons: DeadLetterStore,
        *,
        describe: Callable[[MessageProxy], Mapping[str, str | None]],
        max_age_ms: Callable[[MessageProxy], int | None] = lambda message: None,
        tally: OutcomeTally | None = None,
        on_dead: Callable[[DeadLetterReason], None] | None = None,
        deferral_delay_ms: int = 1_000,
        max_deferral_ms: int = 300_000,
        reason_retry_delay_ms: int = 5_000,
    ) -> None:
        self._max_deferral_ms = max_deferral_ms
        self._reasons = reasons
        self._tally = tally
        self._on_dead = on_dead
        self._describe = describe
        self._max_age_ms = max_age_ms
        self._deferral_delay_ms = deferral_delay_ms
        self._reason_retry_delay_ms = reason_retry_delay_ms

    @property
    def actor_options(self) -> set[str]:
        # "throws" lists the exceptions an actor expects (Dramatiq then logs them without a
        # traceback, and Sentry ignores them); this policy decides their fate either way.
        return {"max_failures", "min_backoff_ms", "max_backoff_ms", "throws", REPLAYS_OPTION}

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        if exception is None:
            return
        try:
            self._decide(broker, message, exception)
        except Exception:
            # Dramatiq would swallow this and ack the message: reject it instead, so RabbitMQ
            # keeps it in the dead letters even though its reason could not be kept.
            logger.exception("Could not retry or dead-letter message %s; rejecting it.", message.message_id)
            message.fail()

    def _decide(self, broker: Broker, message: MessageProxy, exception: BaseException) -> None:
        if getattr(exception, "parked", False):
            self._dead_letter(broker, message, exception, "parked")
        elif getattr(exception, "permanent", False):
            self._count(message, exception)
            self._dead_letter(broker, message, exception, "permanent")
        elif self._expired(message):
            self._dead_letter(broker, message, exception, "expired")
        elif getattr(exception, "deferral", False):
            self._defer(broker, message, exception)
        else:
            self._retry(broker, message, exception)

    def _expired(self, message: MessageProxy) -> bool:
        max_age = self._max_age_ms(message)
        return max_age is not None and _now_ms() - int(message.message_timestamp) > max_age

    def _defer(self, broker: Broker, message: MessageProxy, exception: BaseException) -> None:
        state = message.options.setdefault(_STATE, {})
        state["deferrals"] = state.get("deferrals", 0) + 1
        delay = getattr(exception, "delay_ms", None)
        if not delay:
            # A wait nobody named (a down ERP) grows, so a long outage is not polled every second.
            state["open_waits"] = state.get("open_waits", 0) + 1
            _, delay = compute_backoff(
                state["open_waits"] - 1, factor=self._deferral_delay_ms, max_backoff=self._max_deferral_ms
            )
        logger.info("Message %s deferred for %d ms: %s", message.message_id, delay, exception)
        broker.enqueue(message.copy(), delay=delay)
        self._record("deferrals", f"deferrals:{type(exception).__name__}")

    def _retry(self, broker: Broker, message: MessageProxy, exception: BaseException) -> None:
        failures = self._count(message, exception)
        options = self._actor_options(broker, message)
        if failures > options["max_failures"]:
            self._dead_letter(broker, message, exception, "exhausted")
            return
        _, delay = compute_backoff(failures, factor=options["min_backoff_ms"], max_backoff=options["max_backoff_ms"])
        logger.warning(
            "Message %s failed (%d of %d): %s; retrying in %d ms.",
            message.message_id,
            failures,
            options["max_failures"],
            _describe_error(exception),
            delay,
        )
        try:
            broker.enqueue(message.copy(), delay=delay)
        except Exception as exc:
            self._dead_letter(broker, message, exc, "unschedulable")
            return
        self._record("retries")

    def _dead_letter(
        self, broker: Broker, message: MessageProxy, exception: BaseException, why: Classification
    ) -> None:
        reason = self._reason(message, exception, why)
        try:
            self._reasons.record(reason, message.encode())
        except ReasonStoreUnavailable as exc:
            logger.warning("Message %s waits: its dead-letter reason cannot be kept (%s).", message.message_id, exc)
            broker.enqueue(message.copy(), delay=self._reason_retry_delay_ms)
            return
        message.fail()
        if why == "parked":
            logger.info("Message %s parked: it %s.", message.message_id, exception)
            self._record("parked")
            return
        logger.error(
            "Message %s dead-lettered (%s) after %d attempt(s): %s",
            message.message_id,
            why,
            reason.attempts,
            _describe_error(exception),
        )
        self._record(f"dead:{why}", f"dead_cause:{reason.fingerprint}")
        if self._on_dead is not None:
            self._on_dead(reason)

    def _record(self, *fields: str) -> None:
        if self._tally is not None:
            self._tally.count(*fields)

    def _count(self, message: MessageProxy, exception: BaseException) -> int:
        state = message.options.setdefault(_STATE, {})
        now = _now_ms()
        state["failures"] = state.get("failures", 0) + 1
        state.setdefault("first_failure_at", now)
        history = state.setdefault("history", [])
        history.append({"at": now, "error": _describe_error(exception)})
        del history[:-HISTORY_LENGTH]
        return int(state["failures"])

    def _actor_options(self, broker: Broker, message: MessageProxy) -> dict[str, int]:
        actor = broker.get_actor(message.actor_name)
        return {name: int(actor.options[name]) for name in ("max_failures", "min_backoff_ms", "max_backoff_ms")}

    def _reason(self, message: MessageProxy, exception: BaseException, why: Classification) -> DeadLetterReason:
        state = message.options.get(_STATE, {})
        history = tuple(FailureRecord(**record) for record in state.get("history", ()))
        now = datetime.now(UTC)
        return DeadLetterReason.grouped(
            message_id=message.message_id,
            queue=message.queue_name,
            error_class=type(exception).__name__,
            error_message=str(exception)[:ERROR_CHARS],
            classification=why,
            erp_status=getattr(exception, "status", None),
            erp_excerpt=getattr(exception, "excerpt", None),
            attempts=max(int(state.get("failures", 0)), 1),
            history=history,
            first_failure_at=_moment(state.get("first_failure_at")) or now,
            last_failure_at=_moment(history[-1].at if history else None) or now,
            dead_lettered_at=now,
            replays=int(message.options.get(REPLAYS_OPTION, 0)),
            blocked_by=getattr(exception, "blocked_by", None),
            **{key: self._describe(message).get(key) for key in _FACTS},
        )


_FACTS = ("lane", "channel", "topic", "entity_id", "entity_key", "event_id", "correlation_id")


def _describe_error(exception: BaseException) -> str:
    return f"{type(exception).__name__}: {exception}"[:ERROR_CHARS]


def _now_ms() -> int:
    return int(time.time() * 1000)


def _moment(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)
