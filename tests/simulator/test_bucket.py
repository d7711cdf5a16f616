"""The token bucket admits a burst, then one request per 1/rate seconds."""

from __future__ import annotations

import pytest

from simulator.bucket import TokenBucket


def test_a_full_bucket_admits_its_burst_then_says_how_long_to_wait() -> None:
    bucket = TokenBucket(per_second=4, burst=3, now=0.0)

    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(0.0) == pytest.approx(0.25)


def test_tokens_come_back_at_the_rate() -> None:
    bucket = TokenBucket(per_second=2, burst=1, now=0.0)
    bucket.take(0.0)

    assert bucket.take(0.2) == pytest.approx(0.3)
    assert bucket.take(0.5) == 0.0


def test_an_idle_bucket_never_holds_more_than_its_burst() -> None:
    bucket = TokenBucket(per_second=10, burst=2, now=0.0)

    assert [bucket.take(100.0) for _ in range(3)] == [0.0, 0.0, pytest.approx(0.1)]


def test_a_bucket_without_rate_is_refused() -> None:
    with pytest.raises(ValueError):
        TokenBucket(per_second=0, burst=1, now=0.0)
