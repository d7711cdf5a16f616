"""One stop request, delivered twice, is still one stop.

Dramatiq's worker process takes its first SIGTERM as "finish what you hold, then exit" and a
second as "exit now", abandoning the messages in flight to redelivery. A stop sent to the whole
process group (``kill -- -<pgid>``, systemd's default ``KillMode=control-group``) reaches
the worker process twice within milliseconds: once directly, once forwarded by Dramatiq's
supervisor. Seen on ``make run`` stopped with ``kill -- -<pgid>``: two of its four worker
processes were killed mid-flight that way.
A second SIGTERM within ``window_seconds`` of the first is taken as the same request; one sent
later still kills.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from types import FrameType

__all__ = ["absorb_repeated_stop"]

logger = logging.getLogger(__name__)


def absorb_repeated_stop(window_seconds: float = 2.0, *, clock: Callable[[], float] = time.monotonic) -> None:
    """Wrap this process's SIGTERM handler (Dramatiq's, installed before the broker is built)
    so that repeats within ``window_seconds`` of the first SIGTERM are ignored. ``clock``
    (seconds) is for tests."""
    handler = signal.getsignal(signal.SIGTERM)
    if not callable(handler):
        return
    first: float | None = None

    def on_term(signum: int, frame: FrameType | None) -> None:
        nonlocal first
        now = clock()
        if first is not None and now - first < window_seconds:
            logger.info("Ignored a repeated stop request; finishing the messages in hand.")
            return
        first = first if first is not None else now
        handler(signum, frame)

    signal.signal(signal.SIGTERM, on_term)
