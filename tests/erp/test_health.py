"""Judging an ERP's health from its raw answer."""

from __future__ import annotations

import pytest

from erp.health import ThrottleSignature, assess, retry_after_ms

SIGNATURES = [
    ThrottleSignature.parse("400:SSS_REQUEST_LIMIT_EXCEEDED"),
    ThrottleSignature.parse("503:database is locked"),
]


@pytest.mark.parametrize(
    ("status", "body", "retry_after", "expected"),
    [
        (200, "{}", None, ("ok", 0)),
        (422, '{"error": "unknown_sku"}', None, ("ok", 0)),
        (429, "", "7", ("throttled", 7000)),
        (429, "", None, ("throttled", 0)),
        (400, '{"error": {"code": "SSS_REQUEST_LIMIT_EXCEEDED"}}', None, ("throttled", 0)),
        (400, '{"error": "bad request"}', None, ("ok", 0)),
        (503, "<p>database is locked</p>", "2", ("throttled", 2000)),
        (503, "maintenance", None, ("failure", 0)),
        (500, "boom", None, ("failure", 0)),
    ],
)
def test_an_answer_shows_the_erps_health(
    status: int, body: str, retry_after: str | None, expected: tuple[str, int]
) -> None:
    assert assess(status, body, retry_after, SIGNATURES) == expected


def test_retry_after_reads_seconds_and_ignores_nonsense() -> None:
    assert retry_after_ms("1.5") == 1500
    assert retry_after_ms("soon") == 0


@pytest.mark.parametrize("text", ["SSS_REQUEST_LIMIT_EXCEEDED", "abc:def", "400:"])
def test_a_malformed_signature_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        ThrottleSignature.parse(text)
