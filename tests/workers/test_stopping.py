"""A repeated SIGTERM taken as the same stop request: the handler's logic, called directly."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import pytest

from workers.stopping import absorb_repeated_stop


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def stops() -> Iterator[list[float]]:
    """Installs a SIGTERM handler that records each call, restoring the original afterwards."""
    received: list[float] = []
    original = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    yield received
    signal.signal(signal.SIGTERM, original)


def installed() -> Callable[[int, FrameType | None], Any]:
    handler = signal.getsignal(signal.SIGTERM)
    assert callable(handler)
    return handler


def test_a_repeat_within_the_window_is_the_same_stop(stops: list[float]) -> None:
    clock = Clock()
    absorb_repeated_stop(2.0, clock=clock)

    installed()(signal.SIGTERM, None)
    clock.now += 0.01
    installed()(signal.SIGTERM, None)

    assert len(stops) == 1


def test_a_stop_sent_again_later_still_reaches_the_handler(stops: list[float]) -> None:
    clock = Clock()
    absorb_repeated_stop(2.0, clock=clock)

    installed()(signal.SIGTERM, None)
    clock.now += 5
    installed()(signal.SIGTERM, None)

    assert len(stops) == 2
