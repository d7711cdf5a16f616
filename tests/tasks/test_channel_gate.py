"""A channel API call's gate slot is settled by what came of the call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tasks.channel_gate import call_admitted
from tasks.errors import ChannelApiDeferred, ChannelApiError, ChannelApiRejected, ChannelApiTransient
from throttling import Admission

ADMITTED = Admission(granted=True, wait_ms=0, cause="ok", ticket="t-1")


class Settled:
    """Records each settle as (outcome, pause_ms, whether a latency was given)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, bool]] = []

    def __call__(
        self, admission: Admission, outcome: Any, *, pause_ms: int = 0, latency_ms: float | None = None
    ) -> object:
        assert admission is ADMITTED
        self.calls.append((outcome, pause_ms, latency_ms is not None))
        return "closed"


def raising(error: ChannelApiError) -> Callable[[], None]:
    def send() -> None:
        raise error

    return send


def test_an_answer_is_returned_and_settled_ok_with_its_latency() -> None:
    settled = Settled()

    assert call_admitted(ADMITTED, lambda: {"order": 1}, settled) == {"order": 1}
    assert settled.calls == [("ok", 0, True)]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ChannelApiDeferred("429", delay_ms=2_000), ("throttled", 2_000, False)),
        (ChannelApiTransient("503"), ("failure", 0, False)),
        (ChannelApiRejected("404"), ("ok", 0, True)),
    ],
    ids=["a 429 pauses the channel", "a 5xx counts for the breaker", "a 4xx is an answer"],
)
def test_an_error_is_settled_by_its_kind_and_raised_again(
    error: ChannelApiError, expected: tuple[str, int, bool]
) -> None:
    settled = Settled()

    with pytest.raises(type(error)):
        call_admitted(ADMITTED, raising(error), settled)

    assert settled.calls == [expected]
