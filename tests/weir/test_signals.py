"""A long-running process's stop event."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from weir.signals import stop_event


@pytest.fixture(autouse=True)
def handlers_restored() -> Iterator[None]:
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_sigint_sets_the_event_instead_of_ending_the_process(signum: signal.Signals) -> None:
    stopping = stop_event()
    assert not stopping.is_set()

    os.kill(os.getpid(), signum)

    assert stopping.wait(5)
