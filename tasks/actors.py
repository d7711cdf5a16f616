"""The one actor every event message is addressed to, whatever its lane, and its retry policy."""

from __future__ import annotations

from typing import Any

import dramatiq
from dramatiq import Actor, Broker
from pydantic import ValidationError

from erp.adapter import ErpAdapter
from events.envelope import EventEnvelope
from events.errors import PayloadError, validation_summary
from tasks.handlers import apply
from tasks.resources import ChannelResources, ResourceFetcher
from tasks.skips import SkipCounter
from weir.errors import WeirError

__all__ = ["RETRY_POLICY", "TIME_LIMIT_MS", "declare_event_actor"]

#: Real failures (ERP down, timeouts, bugs) retry with jittered exponential backoff from 2 s up
#: to 10 min, at most 12 times (about an hour in all) before the event is dead-lettered as
#: exhausted. Permanent failures are dead-lettered at once; deferrals spend nothing. Weir's own
#: errors are expected outcomes, logged in one line; anything else is a bug and keeps its traceback.
RETRY_POLICY: dict[str, Any] = {
    "max_failures": 12,
    "min_backoff_ms": 2_000,
    "max_backoff_ms": 600_000,
    "throws": (WeirError,),
}

#: One event may hold a worker thread this long, in milliseconds, before it is interrupted and
#: counted as a failure. Tryton's slowest call seen under load took about 10 s.
TIME_LIMIT_MS = 120_000


def declare_event_actor(
    broker: Broker,
    erp: ErpAdapter,
    *,
    actor_name: str,
    queue_name: str,
    resources: ResourceFetcher | None = None,
    tally: SkipCounter | None = None,
) -> Actor[Any, None]:
    """Declare the event actor as ``actor_name`` on ``broker``, applying events to ``erp`` (fetching what thin
    payloads name through ``resources``; without it, no channel API is configured), counting
    events it acknowledges without an ERP write in ``tally``.

    ``queue_name`` is where the actor is declared; event messages name their own lane's queue
    and reach the same actor from any of them.
    """
    fetcher = resources or ChannelResources()

    def apply_event(envelope: dict[str, Any]) -> None:
        try:
            event = EventEnvelope.model_validate(envelope)
        except ValidationError as exc:
            raise PayloadError(f"the message does not carry an event envelope: {validation_summary(exc)}") from exc
        apply(event, erp, fetcher, tally=tally)

    declare = dramatiq.actor(
        actor_name=actor_name, queue_name=queue_name, broker=broker, time_limit=TIME_LIMIT_MS, **RETRY_POLICY
    )
    return declare(apply_event)
