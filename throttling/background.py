"""Redis writes nobody needs to wait for, sent by one thread in batches.

Settling a gate's ticket and giving a lock back must happen, but the caller has nothing to learn
from them; a worker thread that waited for each round trip (and for the interpreter lock after
it) spent more time on them than on its message. Queued here, they leave in batches, a few
milliseconds later, in one write each. What is still queued when the process exits is flushed
then; what is lost with a crashed process is recovered by the leases that bound every lock and
ticket.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from collections.abc import Sequence

from redis.exceptions import RedisError

from throttling.lean_redis import LeanRedis, LuaScript

__all__ = ["BackgroundWrites"]

logger = logging.getLogger(__name__)

_Write = tuple[LuaScript, Sequence[str], Sequence[str | int | float]]


class BackgroundWrites:
    """Runs submitted scripts from a daemon thread, up to ``max_batch`` per round trip.

    Once a write arrives, the thread waits ``linger_ms`` for others to join its batch (as a
    Kafka producer's ``linger.ms`` does): in a busy process every round trip the thread saves is
    a write and a read on the socket, and a turn at the interpreter lock it need not wait for.
    """

    def __init__(self, client: LeanRedis, *, max_batch: int = 500, linger_ms: float = 0) -> None:
        if linger_ms < 0:
            raise ValueError("linger_ms must not be negative")
        self._client = client
        self._max_batch = max_batch
        self._linger = linger_ms / 1000
        self._queue: queue.SimpleQueue[_Write | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="weir-redis-writes", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def submit(self, script: LuaScript, keys: Sequence[str], args: Sequence[str | int | float]) -> None:
        """Queue one script call; returns at once."""
        self._queue.put((script, keys, args))

    def close(self, timeout: float = 5.0) -> None:
        """Send what is queued, then stop the thread."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            if self._linger:
                time.sleep(self._linger)
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._send(batch)
                    return
                batch.append(item)
            self._send(batch)

    def _send(self, batch: list[_Write]) -> None:
        try:
            replies = self._client.run_many(batch)
        except RedisError as exc:
            logger.warning("%d Redis writes were lost (leases will end what they held): %s", len(batch), exc)
            return
        failures = [reply for reply in replies if isinstance(reply, Exception)]
        if failures:
            logger.warning("%d of %d Redis writes failed: %s", len(failures), len(batch), failures[0])
