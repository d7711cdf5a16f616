"""Filters from query parameters: what each means, and a clear refusal of anything else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.datastructures import QueryParams

from console.errors import BadRequest
from console.filters import EVERYTHING, describe, parse_filter, parse_since, query
from queues.dead import DeadLetterFilter

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_empty_parameters_pick_every_dead_letter() -> None:
    where = parse_filter(QueryParams("lane=&channel=&since=&state="))

    assert where == EVERYTHING
    assert describe(where) == "every dead letter"


def test_a_filter_survives_the_round_trip_through_a_query() -> None:
    where = DeadLetterFilter(
        lane="critical",
        channel="shop-us",
        topic="order.created",
        fingerprint="0123456789ab",
        since=NOW,
        state="dead",
        ids=frozenset({"m1", "m2"}),
    )

    assert parse_filter(QueryParams(query(where))) == where


def test_a_relative_since_is_fixed_to_a_time() -> None:
    assert parse_since("15m", NOW) == NOW - timedelta(minutes=15)
    assert parse_since("3d", NOW) == NOW - timedelta(days=3)
    assert parse_since("2026-11-23T08:00") == datetime(2026, 11, 23, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ("lane=fast", "lane"),
        ("state=alive", "state"),
        ("since=yesterday", "since"),
        ("since=999999d", "since"),
        ("cause=not-a-fingerprint", "cause"),
        ("channel=" + "x" * 201, "channel"),
    ],
)
def test_a_bad_value_is_refused_naming_its_parameter(params: str, named: str) -> None:
    with pytest.raises(BadRequest, match=named):
        parse_filter(QueryParams(params))
