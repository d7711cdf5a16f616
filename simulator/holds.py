"""Admitted requests waiting out their programmed latency.

The wait is a timer on the event loop, never a blocking sleep, so thousands of requests can
wait at once. :meth:`Holds.release` ends every current wait early: a test or a benchmark can
pile requests up behind a long latency, look at them, then let them all through.
"""

from __future__ import annotations

import asyncio

__all__ = ["Holds"]


class Holds:
    """The requests currently waiting; one event loop only."""

    def __init__(self) -> None:
        self._waiting: set[asyncio.Future[None]] = set()

    async def wait(self, seconds: float) -> None:
        """Return after ``seconds``, or sooner if released."""
        if seconds <= 0:
            return
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        timer = loop.call_later(seconds, _settle, done)
        self._waiting.add(done)
        try:
            await done
        finally:
            timer.cancel()
            self._waiting.discard(done)

    def release(self) -> int:
        """End every current wait now; return how many there were."""
        waiting = list(self._waiting)
        for done in waiting:
            _settle(done)
        return len(waiting)


def _settle(done: asyncio.Future[None]) -> None:
    if not done.done():
        done.set_result(None)
