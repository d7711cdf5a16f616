"""How a long-running process learns it should stop."""

from __future__ import annotations

import signal
import threading
from types import FrameType

__all__ = ["stop_event"]


def stop_event() -> threading.Event:
    """An event set when the process receives SIGTERM (its process manager stopping it) or
    SIGINT (Ctrl-C), so its loop can finish the step in hand and return. Main thread only."""
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    return stopping
