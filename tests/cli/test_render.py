"""What ``weir`` prints at 80 columns, the width rich uses when standard output is no terminal:
every value whole, none cut to an ellipsis."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from rich.console import Console, RenderableType

from cli.render import audit_table, dead_letter_detail, dead_letters_table, groups_table, status_view
from oncall.status import ErpStatus, FleetStatus, LaneStatus
from queues.dead import AuditEntry, CauseGroup, DeadLetterReason, FailureRecord
from queues.lanes import Lane
from tests.cli.conftest import Weir
from tests.support.dead_letters import DeadLetterSeeder

AT = datetime(2026, 12, 7, 6, 30, 15, tzinfo=UTC)


def printed(renderable: RenderableType, width: int = 80) -> str:
    out = io.StringIO()
    Console(width=width, file=out, color_system=None).print(renderable)
    return out.getvalue()


def table_rows(text: str) -> list[list[str]]:
    """The cells of each line of a table's body, stripped."""
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]


def unspaced(text: str) -> str:
    return "".join(text.split())


def flowing(text: str) -> str:
    """``text`` with every run of whitespace made one space, so wrapped prose reads as one line."""
    return " ".join(text.split())


def lane(name: Lane, **figures: object) -> LaneStatus:
    values: dict[str, object] = {
        "lane": name.value,
        "consumers": 12,
        "ready": 1_234_567,
        "delayed": 707_070,
        "in_flight": 48,
        "dead": 12_345,
        "parked": 6_789,
        "oldest_age_seconds": 4_523.0,
        "throughput_per_second": 123.4,
        "drain_eta_seconds": 86_000.0,
        "slo_seconds": 1_800.0,
        "desired_workers": 16,
        "alerts": (),
    }
    return LaneStatus.model_validate({**values, **figures})


def reason(**fields: object) -> DeadLetterReason:
    values: dict[str, object] = {
        "message_id": "0f3c2a9e-5d41-4c7e-9b2a-7f1e3d5c8b60",
        "queue": "weir.critical",
        "lane": "critical",
        "channel": "shop-us-wholesale",
        "topic": "order.fulfilled",
        "entity_id": "100123456789",
        "event_id": "evt-4f0e9d1c2b3a",
        "correlation_id": "corr-8d7c6b5a4f3e",
        "error_class": "ErpRejected",
        "error_message": "the ERP refused line 3: unknown SKU SKU-0099-XL-BLUE for party 4711",
        "classification": "exhausted",
        "erp_status": 422,
        "erp_excerpt": '{"error": "unknown product SKU-0099-XL-BLUE"}',
        "attempts": 5,
        "history": (FailureRecord(at=1_796_000_000_000, error="ErpServerError: 503 from the ERP"),),
        "first_failure_at": AT,
        "last_failure_at": AT,
        "dead_lettered_at": AT,
        "replays": 2,
        "state": "quarantined",
    }
    return DeadLetterReason.grouped(**{**values, **fields})


def test_status_at_80_columns_shows_every_lane_s_figures_whole() -> None:
    status = FleetStatus(
        at=AT,
        lanes=tuple(lane(name, consumers=0 if name is Lane.REPLAY else 12) for name in Lane),
        erp=ErpStatus(
            breaker="half",
            blocked_for_seconds=0,
            calls_per_second=87.5,
            budget_per_second=100,
            allowed_per_second=50,
            average_latency_ms=412,
        ),
        quarantined=3,
        dead_letters_recent=17,
        alerts=("replay: 1941637 events wait and no worker consumes the lane",),
        critical_alerts=("replay: 1941637 events wait and no worker consumes the lane",),
    )

    text = printed(status_view(status))

    assert "…" not in text
    rows = table_rows(text)
    for name in Lane:
        consumers = "0" if name is Lane.REPLAY else "12"
        assert [name.value, consumers, "1234567", "707070", "48", "12345", "6789"] in rows
        assert [name.value, "75 min", "123.4", "23.9 h", "30 min", "16"] in rows
    assert "ERP: breaker half-open; average latency 412 ms" in text
    assert "ERP calls: 87.5/s (budget 100/s, allowed now 50/s)" in text
    assert "CRITICAL replay: 1941637 events wait and no worker consumes the lane" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_status_where_one_table_fits_shows_the_lanes_in_one() -> None:
    status = FleetStatus(
        at=AT,
        lanes=(lane(Lane.CRITICAL),),
        erp=ErpStatus(
            breaker="closed",
            blocked_for_seconds=0,
            calls_per_second=0,
            budget_per_second=0,
            allowed_per_second=0,
            average_latency_ms=None,
        ),
        quarantined=0,
        dead_letters_recent=0,
        alerts=(),
        critical_alerts=(),
    )

    rows = table_rows(printed(status_view(status), width=160))

    assert rows == [
        ["critical", "12", "1234567", "707070", "48", "12345", "6789", "75 min", "123.4", "23.9 h", "30 min", "16"]
    ]


def test_dead_letters_at_80_columns_show_every_fact_whole() -> None:
    letters = [reason(), reason(message_id="7b1d0c4e-2f6a-4e8b-a3c9-d5e7f9a1b2c3", replays=0, state="dead")]

    text = printed(dead_letters_table(letters))

    assert "…" not in text
    for letter in letters:
        for value in (
            letter.message_id,
            "2026-12-07 06:30:15 UTC",
            letter.lane,
            letter.channel,
            letter.topic,
            letter.entity_id,
            letter.classification,
            f"{letter.fingerprint} {letter.error_message}",
        ):
            assert str(value) in flowing(text)
    assert "replays 2 (quarantined)" in flowing(text)
    assert max(len(line) for line in text.splitlines()) <= 80


def test_one_dead_letter_at_80_columns_shows_every_field_and_the_message_whole() -> None:
    # An ERP's answer may hold a word longer than the column: a URL, a token
    letter = reason(
        erp_excerpt="see https://erp.example.com/api/v2/sale/lines?sku=SKU-0099-XL-BLUE&party=4711&warehouse=eu-west"
    )
    body = json.dumps({"args": [{"payload": json.dumps({"id": 5001})}], "message_id": letter.message_id}).encode()

    text = printed(dead_letter_detail(letter, body))

    assert "…" not in text
    fields: dict[str, str] = {}
    field = ""
    for cells in table_rows(text):
        if len(cells) == 2:  # the fields' table; a value that wraps goes on under an empty field
            field = cells[0] or field
            fields[field] = fields.get(field, "") + cells[1]
    for field, value in letter.model_dump(mode="json", exclude={"history"}).items():
        shown = "2026-12-07 06:30:15 UTC" if field.endswith("_at") else str(value)
        assert unspaced(fields[field]) == unspaced(shown), field
    assert "ErpServerError: 503 from the ERP" in text
    assert f'"message_id": "{letter.message_id}"' in text


def test_causes_and_the_audit_log_at_80_columns_show_every_value_whole() -> None:
    letter = reason()
    group = CauseGroup(
        fingerprint=letter.fingerprint,
        cause=letter.cause,
        count=2_144,
        lanes=("critical", "standard"),
        channels=("shop-us-wholesale",),
        newest=letter,
    )
    entry = AuditEntry(
        at=AT,
        who="alice@oncall-host-01.eu-west.example",
        action="replay",
        count=2_144,
        selection={"cause": letter.fingerprint, "lane": "critical"},
        why="SKU-0099-XL-BLUE added to the catalogue",
    )

    causes, audit = printed(groups_table([group])), printed(audit_table([entry]))

    assert "…" not in causes + audit
    assert f"2144 x {letter.cause}" in flowing(causes)
    assert f"cause id {letter.fingerprint}, lanes critical, standard, newest 2026-12-07 06:30:15 UTC" in flowing(causes)
    assert "2026-12-07 06:30:15 UTC alice@oncall-host-01.eu-west.example: replay 2144" in audit
    assert f"selection cause={letter.fingerprint}, lane=critical" in audit
    assert "why SKU-0099-XL-BLUE added to the catalogue" in audit


def test_weir_piped_at_80_columns_cuts_no_value(weir: Weir, seeder: DeadLetterSeeder) -> None:
    letter = seeder.seed(lane=Lane.STANDARD, channel="shop-us-wholesale", entity_id="100123456789")

    status = weir("status", columns=80)
    listed = weir("dlq", "list", columns=80)
    shown = weir("dlq", "show", letter.message_id, columns=80)

    for result in (status, listed, shown):
        assert result.exit_code == 0, result.output
        assert "…" not in result.stdout
        assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert ["standard", "0", "0", "0", "0", "1", "0"] in table_rows(status.stdout)
    for value in (letter.message_id, "shop-us-wholesale", "100123456789", letter.error_message):
        assert value in flowing(listed.stdout)
    assert letter.message_id in shown.stdout


def test_status_shows_the_orders_whose_total_does_not_reconcile_with_the_last_one_s_figures() -> None:
    status = FleetStatus(
        at=AT,
        lanes=(lane(Lane.CRITICAL),),
        erp=ErpStatus(
            breaker="closed",
            blocked_for_seconds=0,
            calls_per_second=0,
            budget_per_second=0,
            allowed_per_second=0,
            average_latency_ms=None,
        ),
        quarantined=0,
        dead_letters_recent=2,
        alerts=(),
        critical_alerts=(),
        total_mismatches=2,
        last_total_mismatch="shop-us: order #1001's total does not reconcile: channel 41.34 USD, computed 41.30 USD",
    )

    text = " ".join(printed(status_view(status), width=200).split())

    assert (
        "Orders whose total does not reconcile: 2 (last: shop-us: order #1001's total does not reconcile: "
        "channel 41.34 USD, computed 41.30 USD)" in text
    )


def test_status_shows_each_channels_outbound_notices_sent_and_spared() -> None:
    status = FleetStatus(
        at=AT,
        lanes=(lane(Lane.OUTBOUND),),
        erp=ErpStatus(
            breaker="closed",
            blocked_for_seconds=0,
            calls_per_second=0,
            budget_per_second=0,
            allowed_per_second=0,
            average_latency_ms=None,
        ),
        quarantined=0,
        dead_letters_recent=0,
        alerts=(),
        critical_alerts=(),
        outbound={"shop-us": {"sent": 12, "superseded": 3, "not_listed": 1}},
    )

    text = " ".join(printed(status_view(status), width=200).split())

    assert "Outbound shop-us: 12 sent; 1 not listed; 3 superseded" in text
