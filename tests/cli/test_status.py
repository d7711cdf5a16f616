"""``weir status`` on the real RabbitMQ and Redis."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli import app
from queues.lanes import Lane
from tests.cli.conftest import Weir
from tests.support.dead_letters import DeadLetterSeeder


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
    }
    assert status["erp"]["budget_per_second"] == 10
    assert status["dead_letters_recent"] == 1


def test_status_as_a_table_names_the_lanes_the_erp_and_the_alerts(weir: Weir, seeder: DeadLetterSeeder) -> None:
    seeder.seed()

    result = weir("status")

    assert result.exit_code == 0, result.output
    for text in ("critical", "standard", "bulk", "replay", "ERP: breaker", "ALERT dead letters growing: 1"):
        assert text in result.stdout


def test_strict_status_exits_1_when_an_alert_is_raised(weir: Weir, seeder: DeadLetterSeeder) -> None:
    assert weir("status", "--strict").exit_code == 0
    seeder.seed()
    assert weir("status", "--strict").exit_code == 1


def test_an_unreachable_rabbitmq_is_a_clear_error_not_a_traceback() -> None:
    result = CliRunner().invoke(app, ["status"], env={"WEIR_BROKER_URL": "amqp://guest:guest@127.0.0.1:1/%2F"})

    assert result.exit_code == 2
    assert "cannot reach RabbitMQ" in result.output
