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

#: Lanes are quorum queues: on this box's RabbitMQ 3.10, lazy classic queues held publisher
#: confirms back for 90 to 230 ms a few times every ten seconds, which became the receivers'
#: latency tail; quorum queues never held one over 45 ms (README, "Where the tail comes from").
#: They keep messages safe on disk like the lazy classic lanes did. Lanes declared as classic
#: queues by an earlier Weir are replaced at start-up (:mod:`queues.upgrade`).
_QUORUM: dict[str, Any] = {"x-queue-type": "quorum"}

#: Dead letters and the quarantine are quorum queues too: in a RabbitMQ cluster a classic
#: queue lives on one node and is lost with it, and a dead letter is an event nobody has
#: applied yet. Like the lanes they keep messages on disk. They carry no TTL, no length limit
#: and no delivery limit: they stay until someone replays or purges them. Dead-letter queues
#: declared as lazy classic queues by an earlier Weir are replaced when empty, and otherwise
#: stop start-up until someone has dealt with them (:mod:`queues.upgrade`).
DEAD_LETTER_ARGUMENTS: dict[str, Any] = dict(_QUORUM)


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
    return {**_QUORUM, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": xq_name(ready)}


def declarations(namespace: str, lane: Lane) -> list[tuple[str, dict[str, Any]]]:
    """Each queue of ``lane`` with the arguments it is declared with, dead letters first (so
    the others never reject into a queue that does not exist yet)."""
    queues = lane_queues(namespace, lane)
    arguments = ready_arguments(queues.ready)
    return [(queues.dead, DEAD_LETTER_ARGUMENTS), (queues.ready, arguments), (queues.delayed, arguments)]
