"""Latency distributions draw delays in seconds from parameters in milliseconds."""

from __future__ import annotations

import random
import statistics

import pytest
from pydantic import TypeAdapter, ValidationError

from simulator.latency import FixedLatency, Latency, LogNormalLatency, UniformLatency


def quantile(samples: list[float], fraction: float) -> float:
    return sorted(samples)[int(fraction * len(samples))]


def test_a_fixed_latency_is_always_the_same() -> None:
    assert FixedLatency(ms=25).sample(random.Random()) == 0.025


def test_a_uniform_latency_stays_within_its_bounds() -> None:
    latency = UniformLatency(kind="uniform", min_ms=10, max_ms=30)
    rng = random.Random(3)

    samples = [latency.sample(rng) for _ in range(2000)]

    assert 0.010 <= min(samples) <= max(samples) <= 0.030


def test_a_lognormal_latency_has_the_median_and_p99_it_was_given() -> None:
    latency = LogNormalLatency(kind="lognormal", median_ms=40, p99_ms=400)
    rng = random.Random(5)

    samples = [latency.sample(rng) for _ in range(50_000)]

    assert statistics.median(samples) == pytest.approx(0.040, rel=0.05)
    assert quantile(samples, 0.99) == pytest.approx(0.400, rel=0.10)


def test_the_same_seed_draws_the_same_delays() -> None:
    latency = LogNormalLatency(kind="lognormal", median_ms=40, p99_ms=400)
    first, second = random.Random(9), random.Random(9)

    assert [latency.sample(first) for _ in range(5)] == [latency.sample(second) for _ in range(5)]


def test_the_kind_field_picks_the_distribution() -> None:
    parsed = TypeAdapter(Latency).validate_python({"kind": "uniform", "min_ms": 1, "max_ms": 2})

    assert isinstance(parsed, UniformLatency)


@pytest.mark.parametrize(
    "document",
    [
        {"kind": "uniform", "min_ms": 5, "max_ms": 1},
        {"kind": "lognormal", "median_ms": 50, "p99_ms": 10},
        {"kind": "fixed", "ms": -1},
        {"kind": "gaussian", "ms": 1},
    ],
)
def test_a_latency_that_makes_no_sense_is_refused(document: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(Latency).validate_python(document)
