"""The status page shows what RabbitMQ holds in each lane, the ERP, and alerts."""

from __future__ import annotations

import re

import httpx
import pika
import pytest
import redis

from console import build_config, create_app
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.console.conftest import TOKEN, DeadLetters
from tests.support.net import free_port
from tests.support.rabbit import RABBITMQ_URL
from tests.support.reconciliation import record_run
from tests.support.servers import AppServer


def cell(page: str, cell_id: str) -> str:
    match = re.search(rf'id="{cell_id}">(.*?)</td>', page, re.S)
    assert match, f"no cell {cell_id}"
    return re.sub(r"<[^>]+>", "", match[1]).strip()


def test_the_status_page_shows_the_lane_depths_rabbitmq_holds(
    browser_session: httpx.Client, dead_letters: DeadLetters
) -> None:
    # Given events waiting in two lanes and a dead letter in critical
    dead_letters.waiting(Lane.CRITICAL, 3)
    dead_letters.waiting(Lane.BULK, 2)
    dead_letters.add(lane=Lane.CRITICAL)

    # When on-call opens the status page
    page = browser_session.get("/").text

    # Then it shows RabbitMQ's counts, per lane
    assert cell(page, "critical-ready") == "3"
    assert cell(page, "bulk-ready") == "2"
    assert cell(page, "standard-ready") == "0"
    assert cell(page, "critical-dead") == "1"


def test_the_status_page_shows_each_lane_s_consumers_and_alerts_on_a_backlog_nobody_consumes(
    browser_session: httpx.Client, dead_letters: DeadLetters, namespace: str
) -> None:
    # Given a consumer on the critical lane, and events waiting in bulk, which nobody consumes
    dead_letters.waiting(Lane.CRITICAL, 1)
    dead_letters.waiting(Lane.BULK, 2)
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    connection.channel().basic_consume(lane_queues(namespace, Lane.CRITICAL).ready, lambda *delivery: None)
    try:
        # When on-call opens the status page
        page = browser_session.get("/").text
    finally:
        connection.close()

    # Then it shows who consumes each lane, and the lane nobody drains
    assert (cell(page, "critical-consumers"), cell(page, "bulk-consumers")) == ("1", "0")
    assert '<li class="alert">bulk: 2 events wait and no worker consumes the lane</li>' in page


def test_fresh_dead_letters_raise_a_highlighted_alert(browser_session: httpx.Client, dead_letters: DeadLetters) -> None:
    dead_letters.add()

    page = browser_session.get("/").text

    assert re.search(r'<li class="alert">dead letters growing: 1 in the last 15 minutes</li>', page)


def test_the_status_page_shows_the_erp_breaker_and_rate_against_the_budget(browser_session: httpx.Client) -> None:
    page = browser_session.get("/").text

    assert 'id="breaker">closed<' in page
    assert "calls/s of a budget of" in page


def test_the_status_api_answers_what_weir_status_json_does(script: httpx.Client, dead_letters: DeadLetters) -> None:
    dead_letters.waiting(Lane.STANDARD, 4)

    status = script.get("/api/status").json()

    lanes = {lane["lane"]: lane for lane in status["lanes"]}
    assert lanes["standard"]["ready"] == 4
    assert status["erp"]["breaker"] == "closed"


def test_an_unreachable_rabbitmq_is_a_503_page_not_a_crash(
    console_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEIR_BROKER_URL", f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F")
    headers = {"Authorization": f"Bearer {TOKEN}"}

    with AppServer(create_app(build_config())) as server:
        page = httpx.get(f"{server.url}/", headers=headers, timeout=30)
        api = httpx.get(f"{server.url}/api/status", headers=headers, timeout=30)

    assert page.status_code == 503
    assert "RabbitMQ or Redis did not answer" in page.text
    assert (api.status_code, api.json()["error"]) == (503, "unavailable")


REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+)">')


def test_the_status_page_reloads_itself_every_ten_seconds(browser_session: httpx.Client) -> None:
    page = browser_session.get("/").text

    assert REFRESH.findall(page) == ["10"]
    assert "refreshes every 10 s" in page


def test_pages_with_forms_never_reload_themselves(browser_session: httpx.Client, dead_letters: DeadLetters) -> None:
    message_id = dead_letters.add()

    for path in ("/groups", "/letters", f"/letters/{message_id}", f"/replay?id={message_id}", "/audit"):
        assert REFRESH.findall(browser_session.get(path).text) == [], path
    assert REFRESH.findall(httpx.get(f"{browser_session.base_url}/login").text) == []


def test_the_status_page_shows_each_channel_s_reconciliation_and_its_drift_with_both_values(
    browser_session: httpx.Client, redis_client: redis.Redis, namespace: str
) -> None:
    # Given a run that enqueued 3 missing orders of shop-us and found one sale drifting
    record_run(redis_client, namespace, "shop-us", missing=3, drifting=1)

    # When on-call opens the status page
    page = browser_session.get("/").text

    # Then the channel's row, the finding's two totals and an alert are there
    assert (cell(page, "shop-us-missing"), cell(page, "shop-us-drift")) == ("3", "1")
    assert "<td>shop-us:1</td><td>total</td>\n    <td>11.00</td><td>1.00</td>" in page
    assert re.search(r'<li class="alert">1 order\(s\) of shop-us drift from their sale', page)
