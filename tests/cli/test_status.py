"""``weir status`` on the real RabbitMQ and Redis."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pika
import pytest
from typer.testing import CliRunner

from cli import app
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.cli.conftest import Weir
from tests.end_to_end.conftest import Fleet, simulator_env
from tests.fixtures.simulator import RunningSimulator
from tests.support.dead_letters import DeadLetterSeeder
from tests.support.net import eventually
from tests.support.rabbit import RABBITMQ_URL

#: One worker process for all the lanes but the outbound one, which runs in a process of its own.
EVERY_LANE = ",".join(lane.value for lane in Lane if lane != Lane.OUTBOUND)


@pytest.fixture
def fleet(namespace: str, simulator: RunningSimulator, tmp_path: Path) -> Iterator[Fleet]:
    fleet = Fleet(env=simulator_env(namespace, simulator.url), logs=tmp_path)
    yield fleet
    fleet.stop()


def consumers(weir: Weir) -> list[int]:
    """Each lane's consumers, as ``weir status --json`` shows them."""
    return [lane["consumers"] for lane in json.loads(weir("status", "--json").stdout)["lanes"]]


def publish(queue: str, count: int) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
    channel = connection.channel()
    channel.confirm_delivery()
    for n in range(count):
        channel.basic_publish("", queue, f'{{"n": {n}}}'.encode(), pika.BasicProperties(delivery_mode=2))
    connection.close()


def test_status_as_json_lists_every_lane_with_its_dead_letters(weir: Weir, seeder: DeadLetterSeeder) -> None:
    seeder.seed(lane=Lane.BULK)

    result = weir("status", "--json")

    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert {lane["lane"]: lane["dead"] for lane in status["lanes"]} == {
        "critical": 0,
        "standard": 0,
        "bulk": 1,
        "replay": 0,
        "reconcile": 0,
        "outbound": 0,
    }
    assert status["erp"]["budget_per_second"] == 10
    assert status["dead_letters_recent"] == 1


def test_status_as_a_table_names_the_lanes_the_erp_and_the_alerts(weir: Weir, seeder: DeadLetterSeeder) -> None:
    seeder.seed()

    result = weir("status")

    assert result.exit_code == 0, result.output
    for text in ("critical", "standard", "bulk", "replay", "ERP: breaker", "ALERT dead letters growing: 1"):
        assert text in result.stdout


def test_strict_status_exits_1_when_an_alert_is_raised(weir: Weir, seeder: DeadLetterSeeder, fleet: Fleet) -> None:
    fleet.worker(EVERY_LANE, threads=1)
    fleet.worker(Lane.OUTBOUND.value, threads=1)
    eventually(lambda: weir("status", "--strict").exit_code == 0, what="a worker on every lane, and no alert")
    seeder.seed()
    assert weir("status", "--strict").exit_code == 1


def test_status_shows_each_lane_s_workers_and_strict_status_fails_once_they_have_all_exited(
    weir: Weir, seeder: DeadLetterSeeder, fleet: Fleet, namespace: str
) -> None:
    # Given a worker process consuming every lane
    worker = fleet.worker(EVERY_LANE, threads=1)
    outbound = fleet.worker(Lane.OUTBOUND.value, threads=1)
    eventually(lambda: consumers(weir) == [1] * len(Lane), what="the worker consuming every lane")

    # When it exits, and events arrive in the bulk lane
    worker.stop()
    outbound.stop()
    publish(lane_queues(namespace, Lane.BULK).ready, 3)

    # Then no lane has a consumer, the bulk backlog is a critical alert, and --strict fails
    eventually(lambda: consumers(weir) == [0] * len(Lane), what="RabbitMQ to see the worker gone")
    result = weir("status", "--strict")
    assert result.exit_code == 1
    assert "CRITICAL bulk: 3 events wait and no worker consumes the lane" in result.stdout
    assert "ALERT replay: no worker consumes the lane" in result.stdout


def test_an_unreachable_rabbitmq_is_a_clear_error_not_a_traceback() -> None:
    result = CliRunner().invoke(app, ["status"], env={"WEIR_BROKER_URL": "amqp://guest:guest@127.0.0.1:1/%2F"})

    assert result.exit_code == 2
    assert "cannot reach RabbitMQ" in result.output
