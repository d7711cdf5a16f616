"""What the simulator saw of the ERP traffic, for ``GET /_admin/stats``.

Admin requests are never counted. Seconds are Unix seconds (``int(time.time())``): a request
counts in ``received_per_second`` under the second it arrived, and in ``succeeded_per_second``
(a 2xx answer) under the second it was answered.
"""

from __future__ import annotations

import time
from collections import Counter

from pydantic import BaseModel, ConfigDict

from simulator.refusals import Reason

__all__ = ["Stats", "StatsSnapshot"]


class StatsSnapshot(BaseModel):
    """The counters at one moment.

    ``in_flight``/``max_in_flight`` count every ERP request between its arrival and its answer;
    ``admitted``/``max_concurrency`` only those the limits let through (what the concurrency
    limit bounds), their latency included. ``writes`` counts order writes (``PUT /orders``) that
    reached the ERP; ``rewrites`` maps each reference written more than once to its writes.
    ``refused_per_second`` counts refusals by reason (``rate_limit``, ``storm``, ``outage``,
    ``concurrency``, ``failure``) and Unix second.
    """

    model_config = ConfigDict(frozen=True)

    requests: int
    received_per_second: dict[int, int]
    succeeded_per_second: dict[int, int]
    by_status: dict[int, int]
    refused: dict[str, int]
    refused_per_second: dict[str, dict[int, int]] = {}
    throttled: int
    limit_errors: int
    in_flight: int
    max_in_flight: int
    admitted: int
    max_concurrency: int
    writes: int
    references_written: int
    references_written_more_than_once: int
    rewrites: dict[str, int]
    orders: int
    customers: int


class Stats:
    """Counters of ERP traffic; one event loop only."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.admitted = 0
        self.writes: Counter[str] = Counter()
        self.reset()

    def reset(self) -> None:
        """Zero every counter. Requests in progress stay counted in the gauges until answered."""
        self._received: Counter[int] = Counter()
        self._succeeded: Counter[int] = Counter()
        self._statuses: Counter[int] = Counter()
        self._refused: Counter[str] = Counter()
        self._refused_per_second: dict[str, Counter[int]] = {}
        self.writes = Counter()
        self._rewritten = 0
        self._max_in_flight = self.in_flight
        self._max_admitted = self.admitted

    def arrived(self, second: int) -> None:
        self._received[second] += 1
        self.in_flight += 1
        self._max_in_flight = max(self._max_in_flight, self.in_flight)

    def entered(self) -> None:
        """A request was admitted: it now counts against the concurrency limit."""
        self.admitted += 1
        self._max_admitted = max(self._max_admitted, self.admitted)

    def left(self) -> None:
        self.admitted -= 1

    def refused(self, reason: Reason) -> None:
        self._refused[reason] += 1
        self._refused_per_second.setdefault(reason, Counter())[int(time.time())] += 1

    def answered(self, second: int, status: int) -> None:
        self.in_flight -= 1
        self._statuses[status] += 1
        if 200 <= status < 300:
            self._succeeded[second] += 1

    def wrote(self, reference: str) -> None:
        """An order write for ``reference`` reached the ERP (created, found, or refused)."""
        self.writes[reference] += 1
        if self.writes[reference] == 2:
            self._rewritten += 1

    def snapshot(self, *, orders: int, customers: int) -> StatsSnapshot:
        return StatsSnapshot(
            requests=sum(self._received.values()),
            received_per_second=dict(self._received),
            succeeded_per_second=dict(self._succeeded),
            by_status=dict(self._statuses),
            refused=dict(self._refused),
            refused_per_second={reason: dict(seconds) for reason, seconds in self._refused_per_second.items()},
            throttled=self._statuses[429],
            limit_errors=self._refused["concurrency"],
            in_flight=self.in_flight,
            max_in_flight=self._max_in_flight,
            admitted=self.admitted,
            max_concurrency=self._max_admitted,
            writes=sum(self.writes.values()),
            references_written=len(self.writes),
            references_written_more_than_once=self._rewritten,
            rewrites={reference: count for reference, count in self.writes.items() if count > 1},
            orders=orders,
            customers=customers,
        )
