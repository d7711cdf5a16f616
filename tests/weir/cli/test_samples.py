"""``weir send-sample --event`` posting to a real receiver (uvicorn, real Redis and RabbitMQ)."""

from __future__ import annotations

import json

import httpx

from queues.lanes import Lane
from queues.topology import lane_queues
from tests.receivers.conftest import receiver, receiver_config, start_receiver  # noqa: F401 (fixtures)
from tests.support.rabbit import RabbitProbe
from tests.weir.cli.conftest import Weir


def test_a_sample_ping_is_acknowledged_and_names_no_sale(weir: Weir, receiver: httpx.Client) -> None:  # noqa: F811
    result = weir("send-sample", "--channel", "square-us", "--event", "ping", "--url", str(receiver.base_url), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"status": 200, "answer": {"status": "acknowledged"}, "reference": None}


def test_a_sample_shopify_inventory_level_is_accepted_into_the_bulk_lane(
    weir: Weir,
    receiver: httpx.Client,  # noqa: F811
    rabbit: RabbitProbe,
    namespace: str,
) -> None:
    url = str(receiver.base_url)
    result = weir("send-sample", "--event", "inventory-level", "--inventory-item", "77", "--url", url, "--json")

    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)["answer"]
    assert (answer["status"], answer["lane"]) == ("accepted", "bulk")
    assert rabbit.count(lane_queues(namespace, Lane.BULK).ready) == 1


def test_an_event_the_channel_s_provider_does_not_send_is_refused_before_posting(
    weir: Weir,
    receiver: httpx.Client,  # noqa: F811
) -> None:
    result = weir("send-sample", "--channel", "stripe-us", "--event", "ping", "--url", str(receiver.base_url))

    assert result.exit_code == 2
    assert "stripe channels send no ping sample" in result.output
