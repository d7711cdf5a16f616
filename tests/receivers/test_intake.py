"""What the intake tells the logs: each accepted event, with the ids that follow it to the ERP."""

from __future__ import annotations

import logging

import httpx
import pytest

from samples.payloads import encode, shopify_headers, shopify_order
from tests.receivers.conftest import SHOP_SECRET
from tests.support.net import eventually
from weir.log_context import LogContextFilter


def accepted_line(caplog: pytest.LogCaptureFixture) -> logging.LogRecord | None:
    return next((record for record in caplog.records if record.getMessage().startswith("Accepted event")), None)


def test_an_accepted_webhook_is_logged_with_the_correlation_id_its_provider_sent(
    receiver: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="receivers.intake")
    caplog.handler.addFilter(LogContextFilter())
    body = encode(shopify_order(7))
    headers = {**shopify_headers(body, SHOP_SECRET, webhook_id="delivery-7"), "X-Correlation-Id": "order-7-trace"}

    response = receiver.post("/webhooks/shop-us", content=body, headers=headers)

    assert response.status_code == 202
    record = eventually(lambda: accepted_line(caplog), what="the accepted line")
    assert dict(record.log_context) == {  # type: ignore[attr-defined]
        "correlation_id": "order-7-trace",
        "channel": "shop-us",
        "event_id": response.json()["event_id"],
    }


def test_without_a_correlation_id_the_event_id_stands_for_one(
    receiver: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="receivers.intake")
    caplog.handler.addFilter(LogContextFilter())
    body = encode(shopify_order(8))

    response = receiver.post("/webhooks/shop-us", content=body, headers=shopify_headers(body, SHOP_SECRET))

    record = eventually(lambda: accepted_line(caplog), what="the accepted line")
    assert record.log_context["correlation_id"] == response.json()["event_id"]  # type: ignore[attr-defined]
