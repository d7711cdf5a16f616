"""A channel API call through its channel's fleet-wide gate, settled by what came of it.

The workers' lookups, reconciliation's listings and the outbound writers share one gate per
channel API, so they settle their calls by one rule:

* a 429 (:class:`~tasks.errors.ChannelApiDeferred`) pauses the whole fleet's calls to the
  channel for its Retry-After;
* a failure of the channel's own (a 5xx, no answer) counts towards its breaker;
* an answer, or a refusal of this one call (a 4xx: a 404 for an order the channel does not
  know), is an answer: it says nothing of the channel's health, and counted as a failure, a run
  of refunds for unknown orders would open the breaker and hold back every other call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, TypeVar

from tasks.errors import ChannelApiDeferred, ChannelApiError, ChannelApiRejected
from throttling import Admission
from throttling.gate import Outcome

__all__ = ["Settle", "call_admitted"]

T = TypeVar("T")


class Settle(Protocol):
    """:meth:`throttling.FleetGate.settle`, or a wrapper of it."""

    def __call__(
        self, admission: Admission, outcome: Outcome, *, pause_ms: int = 0, latency_ms: float | None = None
    ) -> object: ...


def call_admitted(admission: Admission, send: Callable[[], T], settle: Settle) -> T:
    """What ``send()`` returns, the call ``admission`` let go; its slot settled with ``settle``.

    Raises:
        ChannelApiError: as ``send`` raised it, once the slot is settled.
    """
    started = time.monotonic()
    try:
        answer = send()
    except ChannelApiDeferred as exc:
        settle(admission, "throttled", pause_ms=exc.delay_ms or 0)
        raise
    except ChannelApiRejected:
        settle(admission, "ok", latency_ms=(time.monotonic() - started) * 1000)
        raise
    except ChannelApiError:
        settle(admission, "failure")
        raise
    settle(admission, "ok", latency_ms=(time.monotonic() - started) * 1000)
    return answer
