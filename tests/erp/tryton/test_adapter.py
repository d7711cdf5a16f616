"""TrytonErp against the real embedded Tryton: orders become confirmed sales, exactly once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest

from erp.adapter import SaleLine, sale_reference
from erp.errors import ErpRejected, ErpTransient, UnknownSku
from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from erp.tryton.parties import party_code
from events.order import Address
from tests.erp.tryton.orders import CHANNEL, customer, order, unique


@pytest.fixture
def client(tryton: ErpSettings) -> Iterator[TrytonClient]:
    """A separate client to look at what the adapter left in Tryton."""
    client = TrytonClient.from_settings(tryton)
    try:
        yield client
    finally:
        client.close()


def count(client: TrytonClient, model: str, domain: list[object]) -> int:
    return int(client.call(f"model.{model}.search_count", domain))


def draft_sale(client: TrytonClient, reference: str, **values: object) -> int:
    """A draft sale with ``reference``, as a worker that crashed right after creating it leaves.

    It belongs to the golden database's demo customer (party 2, address 2) and sells SKU-0003.
    """
    (sale_id,) = client.call(
        "model.sale.sale.create",
        [
            {
                "party": 2,
                "invoice_address": 2,
                "shipment_address": 2,
                "currency": 1,
                "reference": reference,
                "lines": [
                    [
                        "create",
                        [{"type": "line", "product": 3, "unit": 1, "quantity": 1.0, "unit_price": Decimal("13.00")}],
                    ]
                ],
                **values,
            }
        ],
    )
    return int(sale_id)


def test_an_order_becomes_one_confirmed_sale_with_its_lines_and_total(
    tryton_erp: TrytonErp, client: TrytonClient
) -> None:
    placed = order()

    sale = tryton_erp.ensure_sale(CHANNEL, placed)

    assert sale.reference == sale_reference(CHANNEL, placed.id)
    assert sale.state == "processing"
    assert sale.number
    assert sale.total == Decimal("34.50")
    assert sale.lines == (
        SaleLine(sku="SKU-0001", quantity=Decimal("2"), unit_price=Decimal("11.00")),
        SaleLine(sku="SKU-0002", quantity=Decimal("1"), unit_price=Decimal("12.50")),
    )
    (shipments,) = client.call("model.sale.sale.read", [sale.erp_id], ["shipments"])
    assert len(shipments["shipments"]) == 1


def test_the_sale_belongs_to_the_customer_keyed_by_channel(tryton_erp: TrytonErp, client: TrytonClient) -> None:
    placed = order()

    sale = tryton_erp.ensure_sale(CHANNEL, placed)

    (read,) = client.call("model.sale.sale.read", [sale.erp_id], ["party.code", "shipment_address.city", "description"])
    assert read["party."]["code"] == party_code(CHANNEL, placed.customer.id)
    assert read["shipment_address."]["city"] == "Springfield"
    assert read["description"] == "#1001"


def test_an_unknown_sku_is_rejected_before_anything_is_written(tryton_erp: TrytonErp, client: TrytonClient) -> None:
    missing = unique("NOPE")
    placed = order(("SKU-0001", "1", "11.00"), (missing, "1", "5.00"))

    with pytest.raises(UnknownSku) as caught:
        tryton_erp.ensure_sale(CHANNEL, placed)

    assert caught.value.skus == (missing,)
    assert caught.value.permanent
    assert count(client, "party.party", [["code", "=", party_code(CHANNEL, placed.customer.id)]]) == 0
    assert tryton_erp.find_sale(sale_reference(CHANNEL, placed.id)) is None


def test_an_unknown_currency_is_rejected_before_anything_is_written(
    tryton_erp: TrytonErp, client: TrytonClient
) -> None:
    placed = order(currency="XTS")

    with pytest.raises(ErpRejected):
        tryton_erp.ensure_sale(CHANNEL, placed)

    assert count(client, "party.party", [["code", "=", party_code(CHANNEL, placed.customer.id)]]) == 0


def test_applying_the_same_order_twice_gives_one_sale(tryton_erp: TrytonErp, client: TrytonClient) -> None:
    placed = order()

    first = tryton_erp.ensure_sale(CHANNEL, placed)
    second = tryton_erp.ensure_sale(CHANNEL, placed)

    assert second == first
    assert count(client, "sale.sale", [["reference", "=", first.reference]]) == 1


def test_a_sale_left_in_draft_by_a_crashed_worker_is_confirmed_on_the_next_attempt(
    tryton_erp: TrytonErp, client: TrytonClient
) -> None:
    placed = order()
    sale_id = draft_sale(client, sale_reference(CHANNEL, placed.id))

    sale = tryton_erp.ensure_sale(CHANNEL, placed)

    assert sale.erp_id == sale_id
    assert sale.state == "processing"


def test_a_sale_another_worker_wrote_moments_ago_is_left_to_it_and_the_order_retried_later(
    tryton: ErpSettings, client: TrytonClient
) -> None:
    # Given a draft sale just written, as by a worker applying another copy of the same order
    placed = order()
    sale_id = draft_sale(client, sale_reference(CHANNEL, placed.id))
    erp = TrytonErp.from_settings(tryton.model_copy(update={"resume_after_seconds": 60.0}))

    # When this worker finds it, it backs off instead of driving the sale alongside the other
    try:
        with pytest.raises(ErpTransient, match="another worker"):
            erp.ensure_sale(CHANNEL, placed)
    finally:
        erp.close()

    # Then the sale is as the other worker left it
    (sale,) = client.call("model.sale.sale.read", [sale_id], ["state"])
    assert sale["state"] == "draft"


def test_a_sale_left_quoted_by_a_crashed_worker_is_confirmed_on_the_next_attempt(
    tryton_erp: TrytonErp, client: TrytonClient
) -> None:
    placed = order()
    sale_id = draft_sale(client, sale_reference(CHANNEL, placed.id))
    client.call("model.sale.sale.quote", [sale_id])

    assert tryton_erp.ensure_sale(CHANNEL, placed).state == "processing"


def test_an_order_whose_sale_was_cancelled_first_leaves_it_cancelled(
    tryton_erp: TrytonErp, client: TrytonClient
) -> None:
    # The order's cancellation can arrive before its creation; the creation must not revive
    # the sale, nor be dead-lettered (it would hold the order's later events behind it).
    placed = order()
    sale_id = draft_sale(client, sale_reference(CHANNEL, placed.id))
    client.call("model.sale.sale.cancel", [sale_id])

    sale = tryton_erp.ensure_sale(CHANNEL, placed)

    assert (sale.erp_id, sale.state, sale.cancelled) == (sale_id, "cancelled", True)


def test_a_sale_the_erp_cannot_process_is_rejected_with_the_erp_s_reason(
    tryton_erp: TrytonErp, client: TrytonClient
) -> None:
    # Given a sale that invoices on order, which needs accounts the demo ERP does not have:
    # its confirm "succeeds" but the processing queued behind it fails
    placed = order()
    draft_sale(client, sale_reference(CHANNEL, placed.id), invoice_method="order")

    with pytest.raises(ErpRejected, match="Account Category"):
        tryton_erp.ensure_sale(CHANNEL, placed)

    stuck = tryton_erp.find_sale(sale_reference(CHANNEL, placed.id))
    assert stuck is not None and stuck.state == "confirmed"


def test_an_order_without_any_address_is_still_confirmed(tryton_erp: TrytonErp) -> None:
    placed = order(customer=customer(address=None, email=None))

    assert tryton_erp.ensure_sale(CHANNEL, placed).state == "processing"


def test_orders_of_one_customer_at_one_address_share_that_address(tryton_erp: TrytonErp, client: TrytonClient) -> None:
    buyer = customer(address=None)
    home = Address(name="Jane at home", street="9 Oak Road", city="Shelbyville", postal_code="99999")
    first = tryton_erp.ensure_sale(CHANNEL, order(customer=buyer, shipping_address=home))
    second = tryton_erp.ensure_sale(CHANNEL, order(customer=buyer, shipping_address=home))

    both = client.call("model.sale.sale.read", [first.erp_id, second.erp_id], ["shipment_address", "party"])
    assert both[0]["shipment_address"] == both[1]["shipment_address"]
    assert count(client, "party.address", [["party", "=", both[0]["party"]]]) == 1


def test_upserting_a_known_customer_updates_the_name_and_adds_the_new_email(
    tryton_erp: TrytonErp, client: TrytonClient
) -> None:
    buyer = customer()
    party_id = tryton_erp.upsert_customer(CHANNEL, buyer)

    renamed = buyer.model_copy(update={"name": "Jane Roe", "email": "roe@example.com"})
    again = tryton_erp.upsert_customer(CHANNEL, renamed)

    (party,) = client.call("model.party.party.read", [party_id], ["name", "contact_mechanisms.value"])
    assert again == party_id
    assert party["name"] == "Jane Roe"
    assert {m["value"] for m in party["contact_mechanisms."]} == {"jane@example.com", "roe@example.com"}


def test_two_threads_racing_on_a_new_customer_give_one_party(tryton_erp: TrytonErp, client: TrytonClient) -> None:
    # Given eight workers that receive the same new customer at the same moment
    buyer = customer()
    start = threading.Barrier(8)
    ids: list[int] = []
    errors: list[BaseException] = []

    def upsert() -> None:
        start.wait(timeout=30)
        try:
            ids.append(tryton_erp.upsert_customer(CHANNEL, buyer))
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    # When they all upsert it
    threads = [threading.Thread(target=upsert) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then all of them get the one party there is
    assert not errors
    assert len(ids) == 8 and len(set(ids)) == 1
    assert count(client, "party.party", [["code", "=", party_code(CHANNEL, buyer.id)]]) == 1


def test_finding_an_unknown_reference_gives_none(tryton_erp: TrytonErp) -> None:
    assert tryton_erp.find_sale(sale_reference(CHANNEL, unique("never"))) is None


def test_finding_a_sale_reads_it_back_as_ensure_sale_returned_it(tryton_erp: TrytonErp) -> None:
    sale = tryton_erp.ensure_sale(CHANNEL, order())

    assert tryton_erp.find_sale(sale.reference) == sale


def test_two_workers_applying_the_same_new_order_give_one_confirmed_sale(
    tryton_erp: TrytonErp, client: TrytonClient
) -> None:
    # Given the overlap Weir cannot rule out: a redelivered order applied while the first
    # delivery is still in flight
    placed = order()
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def apply() -> None:
        start.wait(timeout=30)
        try:
            outcomes.append(tryton_erp.ensure_sale(CHANNEL, placed))
        except ErpTransient as exc:
            outcomes.append(exc)

    # When both apply it at once
    threads = [threading.Thread(target=apply) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Then each either got the sale or was told to retry, and a retry finds one settled sale
    # with one shipment: the loser never drove the sale alongside the winner
    assert len(outcomes) == 2
    retried = tryton_erp.ensure_sale(CHANNEL, placed)
    assert all(outcome == retried for outcome in outcomes if not isinstance(outcome, ErpTransient))
    assert retried.state == "processing"
    assert count(client, "sale.sale", [["reference", "=", retried.reference]]) == 1
    (sale,) = client.call("model.sale.sale.read", [retried.erp_id], ["shipments"])
    assert len(sale["shipments"]) == 1
