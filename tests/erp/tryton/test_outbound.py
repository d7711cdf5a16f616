"""What the outbound leg reads of Tryton: the SKUs whose stock moved, and the shipments done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from erp.tryton import TrytonClient, TrytonErp
from erp.tryton.outbound import TrytonOutbound
from events.fulfillment import FulfilledLine, Fulfillment
from events.outbound import ShippedLine
from events.stock import StockLevel
from tests.erp.tryton.orders import CHANNEL, order


def now() -> datetime:
    # Tryton's timestamps are naive UTC.
    return datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)


def test_a_stock_change_is_read_with_the_skus_quantity_now_and_moves_the_cursor(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    reader = TrytonOutbound(looker)
    since = now()

    tryton_erp.set_stock([StockLevel(sku="SKU-0017", available=Decimal(41))])
    tryton_erp.set_stock([StockLevel(sku="SKU-0017", available=Decimal(40))])
    read = reader.stock_since(since)

    assert read.levels["SKU-0017"] == 40
    assert read.cursor >= since
    assert "SKU-0017" not in reader.stock_since(read.cursor + timedelta(seconds=1)).levels


def test_nothing_moved_reads_nothing_and_keeps_the_cursor(looker: TrytonClient) -> None:
    since = now() + timedelta(hours=1)

    read = TrytonOutbound(looker).stock_since(since)

    assert (read.levels, read.cursor) == ({}, since)


def test_a_done_shipment_is_read_with_its_sales_reference_and_lines(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    reader = TrytonOutbound(looker)
    since = now()
    placed = order(("SKU-0018", "2", "11.00"))
    tryton_erp.ensure_sale(CHANNEL, placed)
    fulfillment = Fulfillment(
        order_id=placed.id, fulfillment_id="f1", lines=(FulfilledLine(sku="SKU-0018", quantity=Decimal(2)),)
    )

    tryton_erp.fulfill_sale(CHANNEL, fulfillment)
    read = reader.shipments_since(since)

    (shipment,) = [found for found in read.shipments if found.sale_reference == f"{CHANNEL}:{placed.id}"]
    assert shipment.lines == (ShippedLine(sku="SKU-0018", quantity=2),)
    assert shipment.tracking_number is None
    # The shipment took stock: the stock cursor sees the SKU too.
    assert "SKU-0018" in reader.stock_since(since).levels


def test_a_tracking_number_written_as_the_shipments_reference_is_read_as_its_tracking(
    tryton_erp: TrytonErp, looker: TrytonClient
) -> None:
    reader = TrytonOutbound(looker)
    since = now()
    placed = order(("SKU-0018", "1", "11.00"))
    sale = tryton_erp.ensure_sale(CHANNEL, placed)
    (read,) = looker.call("model.sale.sale.read", [sale.erp_id], ["shipments"])
    looker.call("model.stock.shipment.out.write", read["shipments"], {"reference": "1Z999AA10123456784"})
    line = FulfilledLine(sku="SKU-0018", quantity=Decimal(1))

    tryton_erp.fulfill_sale(CHANNEL, Fulfillment(order_id=placed.id, fulfillment_id="f1", lines=(line,)))

    (shipment,) = [
        found for found in reader.shipments_since(since).shipments if found.sale_reference.endswith(placed.id)
    ]
    assert shipment.tracking_number == "1Z999AA10123456784"
