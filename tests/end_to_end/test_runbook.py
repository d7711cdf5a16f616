"""The README's runbook, as a new on-call engineer follows it: an order dies of an unknown SKU,
``weir status`` shows it, ``weir dlq`` says why, the catalogue is fixed, the replay lands the
sale once. The fleet runs as real processes on the real RabbitMQ, Redis and Tryton."""

from __future__ import annotations

import json
import random
import string

from typer.testing import CliRunner, Result

from cli import app
from erp.adapter import SaleRecord
from erp.settings import ErpSettings
from erp.tryton import TrytonClient, TrytonErp
from queues.lanes import Lane
from queues.topology import lane_queues, quarantine_queue
from samples.payloads import encode, shopify_headers, shopify_order
from tests.end_to_end.conftest import Fleet
from tests.support.net import eventually
from tests.support.rabbit import RabbitProbe

SHOP_SECRET = "weir-demo-shopify-secret-shop-us"


def weir(fleet: Fleet, *args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={**fleet.env, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result


def new_sku() -> str:
    # A SKU no other test run added to the shared Tryton; letters only, as a cause keeps short
    # codes but not runs of five digits or more (which a hex SKU sometimes had).
    return "SKU-T" + "".join(random.choices(string.ascii_uppercase, k=8))


def sale_count(tryton: ErpSettings, reference: str) -> int:
    client = TrytonClient.from_settings(tryton)
    try:
        return int(client.call("model.sale.sale.search_count", [["reference", "=", reference]]))
    finally:
        client.close()


def test_an_order_that_died_of_an_unknown_sku_lands_once_after_the_catalogue_is_fixed_and_it_is_replayed(
    fleet: Fleet, tryton_erp: TrytonErp, tryton: ErpSettings, rabbit: RabbitProbe, namespace: str
) -> None:
    # Given an order naming a SKU the ERP does not sell
    fleet.receiver()
    fleet.worker("critical")
    fleet.worker("replay")
    sku = new_sku()
    order_id = random.randrange(2**60, 2**62)
    body = encode(shopify_order(order_id, lines=[("SKU-0001", 1, "11.00"), (sku, 2, "5.00")]))
    assert fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET)).status_code == 202

    # When on-call looks: status shows the dead letter, groups and show say why
    eventually(
        lambda: rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 1, timeout=60, what="the dead letter"
    )
    status = json.loads(weir(fleet, "status", "--json").stdout)
    assert [lane["dead"] for lane in status["lanes"] if lane["lane"] == "critical"] == [1]
    assert any(alert.startswith("dead letters growing") for alert in status["alerts"])
    [group] = json.loads(weir(fleet, "dlq", "groups", "--json").stdout)
    assert group["cause"] == f"UnknownSku: unknown SKU {sku}"
    shown = json.loads(weir(fleet, "dlq", "show", group["newest"]["message_id"], "--json").stdout)
    assert (shown["reason"]["classification"], shown["reason"]["channel"]) == ("permanent", "shop-us")

    # And fixes the catalogue, then replays the group
    weir(fleet, "catalogue", "add", sku, "--price", "5.00")
    replayed = weir(fleet, "dlq", "replay", "--cause", group["fingerprint"], "--yes", "--why", f"{sku} added")
    assert "1 replayed." in replayed.stdout

    # Then the sale lands once, through the replay lane, and nothing is left dead
    reference = f"shop-us:{order_id}"

    def confirmed() -> SaleRecord | None:
        sale = tryton_erp.find_sale(reference)
        return sale if sale is not None and sale.state == "processing" else None

    sale = eventually(confirmed, timeout=60, interval=0.25, what=f"sale {reference}")
    assert sorted((line.sku, int(line.quantity)) for line in sale.lines) == sorted([("SKU-0001", 1), (sku, 2)])
    assert sale_count(tryton, reference) == 1
    assert rabbit.count(lane_queues(namespace, Lane.CRITICAL).dead) == 0
    assert rabbit.count(quarantine_queue(namespace)) == 0
    assert json.loads(weir(fleet, "dlq", "list", "--json").stdout) == []
    [entry] = json.loads(weir(fleet, "dlq", "audit", "--json").stdout)
    assert (entry["action"], entry["count"], entry["why"]) == ("replay", 1, f"{sku} added")


def test_an_order_that_dies_again_after_its_replays_is_quarantined(
    fleet: Fleet, tryton_erp: TrytonErp, rabbit: RabbitProbe, namespace: str
) -> None:
    # Given a replay limit of 1 and an order whose SKU nobody adds
    fleet.env["WEIR_DEAD_LETTER_REPLAY_LIMIT"] = "1"
    fleet.receiver()
    fleet.worker("critical")
    fleet.worker("replay")
    order_id = random.randrange(2**60, 2**62)
    body = encode(shopify_order(order_id, lines=[(new_sku(), 1, "5.00")]))
    assert fleet.post("shop-us", body, shopify_headers(body, SHOP_SECRET)).status_code == 202
    dead = lane_queues(namespace, Lane.CRITICAL).dead
    eventually(lambda: rabbit.count(dead) == 1, timeout=60, what="the dead letter")

    # When it is replayed once, dies again in the replay lane, and is replayed again
    weir(fleet, "dlq", "replay", "--all", "--yes", "--why", "first try")
    eventually(lambda: rabbit.count(lane_queues(namespace, Lane.REPLAY).dead) == 1, timeout=60, what="it to die again")
    again = json.loads(weir(fleet, "dlq", "replay", "--all", "--yes", "--why", "second try", "--json").stdout)

    # Then it is quarantined, not replayed
    assert (again["done"], again["quarantined"]) == (0, 1)
    assert rabbit.count(quarantine_queue(namespace)) == 1
    [listed] = json.loads(weir(fleet, "dlq", "list", "--state", "quarantined", "--json").stdout)
    assert listed["replays"] == 1
    assert tryton_erp.find_sale(f"shop-us:{order_id}") is None
