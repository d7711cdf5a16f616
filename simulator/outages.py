"""Makes the public port follow the ``refuse`` outages: closed while one holds, open otherwise."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from simulator.front import TcpFront
from simulator.policy import OutageMode
from simulator.schedule import Schedule

__all__ = ["OutageWatcher"]


class OutageWatcher:
    """Opens and closes ``front`` as the ``outages`` schedule says, at each window's edges.

    Call :meth:`sync` after changing the schedule: the front is right when it returns.
    """

    def __init__(
        self, front: TcpFront, outages: Schedule[OutageMode], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._front = front
        self._outages = outages
        self._clock = clock
        self._changed = asyncio.Event()

    async def sync(self) -> None:
        """Apply the schedule now, and have :meth:`run` look at it again."""
        await self._apply()
        self._changed.set()

    async def run(self) -> None:
        """Apply the schedule at every change and window edge, until cancelled."""
        while True:
            self._changed.clear()
            await self._apply()
            edge = self._outages.next_change(self._clock())
            timeout = None if edge is None else max(0.0, edge - self._clock())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)

    async def _apply(self) -> None:
        if "refuse" in self._outages.active(self._clock()):
            await self._front.refuse()
        else:
            await self._front.listen()
