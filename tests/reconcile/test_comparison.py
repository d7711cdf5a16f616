"""What reconciliation makes of one listed order, given its sale and the version Weir applied."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from erp.adapter import SaleRecord
from reconcile.comparison import judge
from reconcile.listing import ListedOrder

UPDATED = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
VERSION_MS = int(UPDATED.timestamp() * 1000)


def listed(*, total: str = "41.34", cancelled: bool = False, sale_totals: tuple[str, ...] = ()) -> ListedOrder:
    return ListedOrder(
        order_id="1001",
        updated_at=UPDATED,
        total=Decimal(total),
        currency="USD",
        cancelled=cancelled,
        sale_totals=frozenset(Decimal(value) for value in sale_totals),
    )


def sale(total: str, *, cancelled: bool = False) -> SaleRecord:
    return SaleRecord(
        erp_id=1,
        reference="shop-us:1001",
        number="S1",
        state="processing",
        total=Decimal(total),
        lines=(),
        cancelled=cancelled,
    )


def test_an_order_without_a_sale_is_missing_and_enqueued_as_created_or_cancelled() -> None:
    assert (judge("shop-us", listed(), None, None).change, judge("shop-us", listed(), None, None).missing) == (
        "created",
        True,
    )
    assert judge("shop-us", listed(cancelled=True), None, None).change == "cancelled"


def test_a_sale_holding_any_total_the_erp_may_keep_for_the_order_agrees() -> None:
    verdict = judge("shop-us", listed(sale_totals=("41.34", "35.00")), sale("35.00"), VERSION_MS)

    assert (verdict.change, verdict.finding) == (None, None)


def test_a_total_within_half_a_cent_agrees() -> None:
    assert judge("shop-us", listed(total="41.34"), sale("41.344"), VERSION_MS).finding is None


def test_a_differing_total_already_applied_is_a_finding_with_both_values_and_nothing_enqueued() -> None:
    verdict = judge("shop-us", listed(sale_totals=("41.34", "35.00")), sale("29.00"), VERSION_MS)

    assert verdict.change is None
    assert verdict.finding is not None
    assert (verdict.finding.field, verdict.finding.channel_value, verdict.finding.erp_value) == (
        "total",
        "41.34",
        "29.00",
    )
    assert verdict.finding.reference == "shop-us:1001"


def test_a_differing_sale_behind_the_channel_s_version_is_enqueued_as_an_update_and_a_finding() -> None:
    verdict = judge("shop-us", listed(), sale("29.00"), VERSION_MS - 1)

    assert (verdict.change, verdict.missing, verdict.finding is not None) == ("updated", False, True)


def test_a_cancellation_the_sale_did_not_follow_is_a_status_finding_and_a_cancellation_enqueued() -> None:
    verdict = judge("shop-us", listed(cancelled=True), sale("41.34"), None)

    assert verdict.change == "cancelled"
    assert verdict.finding is not None
    assert (verdict.finding.field, verdict.finding.channel_value, verdict.finding.erp_value) == (
        "status",
        "cancelled",
        "open",
    )
