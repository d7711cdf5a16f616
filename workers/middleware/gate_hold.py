"""While the ERP's gate is closed to everyone, workers stop taking messages.

An open breaker or a fleet-wide pause (Retry-After) admits no ERP call for a while. Rather than
take message after message only to park each one, a worker thread holds the message it has
before running it: with every thread holding one, the consumer's prefetch fills and RabbitMQ
stops delivering, so the backlog waits in RabbitMQ, in order. A hold that outlasts
``max_hold_ms`` parks its message instead (a deferral, spending no retry).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from dramatiq import Broker, Middleware, Worker
from dramatiq.broker import MessageProxy

from throttling import GateState, GateUnavailable
from workers.errors import GateClosed

__all__ = ["GateHold"]

logger = logging.getLogger(__name__)


class GateHold(Middleware):
    """Holds messages while ``read_state`` says the gate admits nothing.

    The state is read at most once per ``cache_ms`` per process, and re-checked every
    ``poll_ms`` while holding; all in milliseconds.
    """

    def __init__(
        self,
        read_state: Callable[[], GateState],
        *,
        max_hold_ms: int = 600_000,
        poll_ms: int = 500,
        cache_ms: int = 250,
    ) -> None:
        self._read_state = read_state
        self._max_hold_ms = max_hold_ms
        self._poll_ms = poll_ms
        self._cache_ms = cache_ms
        self._guard = threading.Lock()
        self._cached: tuple[float, float] = (0.0, 0.0)
        self._stopping = threading.Event()

    def before_worker_shutdown(self, broker: Broker, worker: Worker) -> None:
        self._stopping.set()

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        held = 0
        while (blocked := self._blocked_ms()) > 0:
            if held >= self._max_hold_ms or self._stopping.is_set():
                raise GateClosed(f"the ERP's gate stays closed for {blocked} ms", delay_ms=blocked)
            if held == 0:
                logger.info("Holding message %s: the ERP's gate is closed for %d ms.", message.message_id, blocked)
            step = min(blocked, self._poll_ms)
            self._stopping.wait(step / 1000)
            held += step

    def _blocked_ms(self) -> int:
        with self._guard:
            read_at, blocked_until = self._cached
            now = time.monotonic()
            if (now - read_at) * 1000 >= self._cache_ms:
                blocked_until = self._refresh(now)
        return max(0, int((blocked_until - time.monotonic()) * 1000))

    def _refresh(self, now: float) -> float:
        try:
            blocked_ms = self._read_state().blocked_for_ms
        except GateUnavailable:
            # Without Redis there is no fleet state to honour; the ERP gate's fallback limits calls.
            blocked_ms = 0
        blocked_until = now + blocked_ms / 1000
        self._cached = (now, blocked_until)
        return blocked_until
