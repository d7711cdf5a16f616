"""The RabbitMQ queues behind each lane, declared identically by every process.

A lane ``critical`` in namespace ``weir`` is three durable queues, named the way Dramatiq names
them: ``weir.critical`` (ready), ``weir.critical.DQ`` (delayed: retries and deferrals wait here)
and ``weir.critical.XQ`` (dead letters). Queue arguments cannot change once a queue exists, so
this module is the one place that states them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dramatiq.common import dq_name, xq_name

from queues.lanes import Lane

__all__ = [
    "DEAD_LETTER_ARGUMENTS",
    "LaneQueues",
    "declarations",
    "lane_of",
    "lane_queues",
    "quarantine_queue",
    "ready_arguments",
]

#: Lanes are lazy: RabbitMQ writes their messages straight to disk and keeps few in memory, as
#: lanes must hold backlogs of hundreds of thousands of events while the ERP is slow or down.
#: On this box's RabbitMQ 3.10 it also cut the tail of publisher-confirm latency several-fold
#: (``bench/ingest.py``). RabbitMQ 3.12+ ignores the mode (every classic queue behaves so).
_LAZY: dict[str, Any] = {"x-queue-mode": "lazy"}

#: Dead letters carry no TTL and no length limit: they stay until someone replays or purges them.
DEAD_LETTER_ARGUMENTS: dict[str, Any] = {**_LAZY}


@dataclass(frozen=True)
class LaneQueues:
    """The three queue names of one lane."""

    lane: Lane
    ready: str
    delayed: str
    dead: str


def lane_queues(namespace: str, lane: Lane) -> LaneQueues:
    """The queues of ``lane`` in ``namespace`` (``weir`` unless tests isolate themselves)."""
    ready = f"{namespace}.{lane.value}"
    return LaneQueues(lane=lane, ready=ready, delayed=dq_name(ready), dead=xq_name(ready))


def quarantine_queue(namespace: str) -> str:
    """Where dead letters replayed too often wait, declared like a dead-letter queue."""
    return f"{namespace}.quarantine"


def lane_of(queue_name: str) -> Lane | None:
    """The lane a queue belongs to (``weir.bulk.DQ`` -> bulk), or ``None`` for other queues."""
    name = queue_name.removesuffix(".DQ").removesuffix(".XQ")
    try:
        return Lane(name.rpartition(".")[2])
    except ValueError:
        return None


def ready_arguments(ready: str) -> dict[str, Any]:
    """Arguments of a lane's ready and delayed queues: rejected messages go to its dead letters."""
    return {**_LAZY, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": xq_name(ready)}


def declarations(namespace: str, lane: Lane) -> list[tuple[str, dict[str, Any]]]:
    """Each queue of ``lane`` with the arguments it is declared with, dead letters first (so
    the others never reject into a queue that does not exist yet)."""
    queues = lane_queues(namespace, lane)
    arguments = ready_arguments(queues.ready)
    return [(queues.dead, DEAD_LETTER_ARGUMENTS), (queues.ready, arguments), (queues.delayed, arguments)]
