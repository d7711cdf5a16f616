"""``weir dlq``: list, group, show, replay, purge, export and audit dead letters, on the real
RabbitMQ and Redis."""

from __future__ import annotations

import json

from queues.dead import DeadLetterStore
from queues.lanes import Lane
from queues.topology import lane_queues
from tests.cli.conftest import Weir
from tests.support.dead_letters import DeadLetterSeeder
from tests.support.rabbit import RabbitProbe


def test_list_filters_dead_letters_and_shows_their_cause(weir: Weir, seeder: DeadLetterSeeder) -> None:
    wanted = seeder.seed(channel="pos-eu")
    seeder.seed()

    listed = json.loads(weir("dlq", "list", "--channel", "pos-eu", "--json").stdout)
    table = weir("dlq", "list").stdout

    assert [found["message_id"] for found in listed] == [wanted.message_id]
    assert listed[0]["cause"] == "UnknownSku: unknown SKU SKU-0099"
    assert "2 dead letter(s)" in table
    assert wanted.fingerprint in table


def test_groups_make_one_line_of_many_orders_with_one_cause(weir: Weir, seeder: DeadLetterSeeder) -> None:
    for n in range(3):
        seeder.seed(entity_id=str(820_982_911_946_154_508 + n))
    seeder.seed(error_message="unknown SKU SKU-0042")

    groups = json.loads(weir("dlq", "groups", "--json").stdout)
    table = weir("dlq", "groups").stdout

    assert [(group["count"], group["cause"]) for group in groups] == [
        (3, "UnknownSku: unknown SKU SKU-0099"),
        (1, "UnknownSku: unknown SKU SKU-0042"),
    ]
    assert "UnknownSku: unknown SKU SKU-0099" in table


def test_show_tells_why_a_dead_letter_died_and_shows_its_message(weir: Weir, seeder: DeadLetterSeeder) -> None:
    reason = seeder.seed()

    shown = json.loads(weir("dlq", "show", reason.message_id, "--json").stdout)
    table = weir("dlq", "show", reason.message_id).stdout

    assert shown["reason"]["error_message"] == "unknown SKU SKU-0099"
    assert json.loads(shown["message"])["message_id"] == reason.message_id
    assert "classification" in table and "permanent" in table and "apply_event" in table


def test_show_of_an_unknown_id_exits_1(weir: Weir) -> None:
    result = weir("dlq", "show", "nope")

    assert result.exit_code == 1
    assert "no dead letter nope" in result.output


def test_replay_wants_ids_a_filter_or_all(weir: Weir, seeder: DeadLetterSeeder) -> None:
    seeder.seed()

    result = weir("dlq", "replay", "--yes", "--why", "x")

    assert result.exit_code == 2
    assert "--all" in result.output


def test_a_dry_run_prints_the_plan_and_moves_nothing(
    weir: Weir, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe
) -> None:
    for _ in range(3):
        seeder.seed()

    result = weir("dlq", "replay", "--all", "--dry-run")

    assert result.exit_code == 0, result.output
    assert "Replay 3 dead letter(s) through the replay lane" in result.stdout
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 3


def test_replay_asks_first_and_declining_moves_nothing(
    weir: Weir, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe
) -> None:
    seeder.seed()

    result = weir("dlq", "replay", "--all", "--why", "SKU added", stdin="n\n")

    assert "Replay them?" in result.stdout
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1


def test_acting_without_a_reason_for_the_audit_log_is_refused(weir: Weir, seeder: DeadLetterSeeder) -> None:
    seeder.seed()

    result = weir("dlq", "replay", "--all", "--yes")

    assert result.exit_code == 2
    assert "--why" in result.output


def test_replay_by_cause_moves_those_dead_letters_to_the_replay_lane_and_audits_it(
    weir: Weir, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe, store: DeadLetterStore
) -> None:
    chosen = [seeder.seed() for _ in range(2)]
    other = seeder.seed(error_message="unknown SKU SKU-0042")

    result = weir("dlq", "replay", "--cause", chosen[0].fingerprint, "--why", "SKU-0099 added", stdin="y\n")

    assert result.exit_code == 0, result.output
    assert "2 replayed." in result.stdout
    replayed = rabbit.messages(lane_queues(namespace, Lane.REPLAY).ready)
    assert sorted(message["message_id"] for message in replayed) == sorted(reason.message_id for reason in chosen)
    assert store.get(other.message_id) is not None
    [entry] = json.loads(weir("dlq", "audit", "--json").stdout)
    assert (entry["action"], entry["count"], entry["why"]) == ("replay", 2, "SKU-0099 added")
    assert entry["selection"] == {"fingerprint": chosen[0].fingerprint}


def test_replay_as_json_reports_its_outcome(weir: Weir, seeder: DeadLetterSeeder) -> None:
    reason = seeder.seed()

    result = weir("dlq", "replay", reason.message_id, "--yes", "--why", "retry", "--json")

    assert json.loads(result.stdout) == {"done": 1, "quarantined": 0, "missing": [], "released": 0}


def test_purge_by_id_deletes_it_after_confirmation_and_audits_it(
    weir: Weir, seeder: DeadLetterSeeder, namespace: str, rabbit: RabbitProbe, store: DeadLetterStore
) -> None:
    doomed, kept = seeder.seed(), seeder.seed()

    result = weir("dlq", "purge", doomed.message_id, "--yes", "--why", "a test order")

    assert result.exit_code == 0, result.output
    assert "1 purged." in result.stdout
    assert [m["message_id"] for m in rabbit.messages(lane_queues(namespace, Lane.CRITICAL).dead)] == [kept.message_id]
    assert store.get(doomed.message_id) is None
    assert "a test order" in weir("dlq", "audit").stdout


def test_export_writes_one_dead_letter_a_line_with_reason_and_message(weir: Weir, seeder: DeadLetterSeeder) -> None:
    reasons = [seeder.seed(), seeder.seed(lane=Lane.BULK)]

    result = weir("dlq", "export", "--format", "jsonl")

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["reason"]["message_id"] for line in lines] == [reasons[1].message_id, reasons[0].message_id]
    assert json.loads(lines[0]["message"])["message_id"] == reasons[1].message_id


def test_a_bad_since_is_a_clear_error(weir: Weir) -> None:
    result = weir("dlq", "list", "--since", "yesterday")

    assert result.exit_code == 2
    assert "--since 'yesterday'" in result.output
