"""One listed order against what Weir applied and what the ERP holds: what to do about it.

* No sale in the ERP: the order is **missing**; its creation (or, cancelled in the channel, its
  cancellation, which makes the sale cancelled) is enqueued.
* A sale whose total or status differs from the channel's is a **drift** finding, with both
  values. If Weir has not applied the order's version yet (its stale-write mark is older, or gone),
  the channel's change is enqueued as an update too; the finding clears once a run sees them agree.
* Otherwise nothing: the sale follows the channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from erp.adapter import SaleRecord, sale_reference
from events.currency import minor_unit
from oncall.reconciliation import DriftFinding
from reconcile.listing import Change, ListedOrder

__all__ = ["Verdict", "judge"]


@dataclass(frozen=True)
class Verdict:
    """What to enqueue for an order (``None``: nothing), whether it was missing from the ERP, and
    its drift finding (``None``: the sale agrees with the channel, or there is no sale)."""

    change: Change | None
    missing: bool
    finding: DriftFinding | None


def judge(channel: str, order: ListedOrder, sale: SaleRecord | None, applied_ms: int | None) -> Verdict:
    """The verdict on ``order`` of ``channel``, given its ``sale`` in the ERP and the version of
    it Weir applied last (``applied_ms``, Unix milliseconds; ``None`` when unknown)."""
    if sale is None:
        return Verdict("cancelled" if order.cancelled else "created", missing=True, finding=None)
    finding = _drift(channel, order, sale)
    behind = applied_ms is None or applied_ms < int(order.updated_at.timestamp() * 1000)
    if finding is None or not behind:
        return Verdict(None, missing=False, finding=finding)
    change: Change = "cancelled" if order.cancelled and not sale.cancelled else "updated"
    return Verdict(change, missing=False, finding=finding)


def _drift(channel: str, order: ListedOrder, sale: SaleRecord) -> DriftFinding | None:
    def finding(field: str, channel_value: str, erp_value: str) -> DriftFinding:
        return DriftFinding.model_validate(
            {
                "channel": channel,
                "order_id": order.order_id,
                "reference": sale_reference(channel, order.order_id),
                "field": field,
                "channel_value": channel_value,
                "erp_value": erp_value,
                "found_at": datetime.now(UTC),
            }
        )

    if order.cancelled != sale.cancelled:
        return finding("status", _status(order.cancelled), _status(sale.cancelled))
    totals = order.sale_totals | ({order.total} if order.total is not None else set())
    if totals and all(abs(total - sale.total) >= _half_cent(order.currency) for total in totals):
        shown = order.total if order.total is not None else min(totals)
        return finding("total", str(shown), str(sale.total))
    return None


def _status(cancelled: bool) -> str:
    return "cancelled" if cancelled else "open"


def _half_cent(currency: str | None) -> Decimal:
    """Half the currency's minor unit: totals closer than that agree."""
    return minor_unit(currency or "USD") / 2
