"""An Amazon order change becomes a confirmed sale in the real Tryton, through the real fleet; a
seller whose authorization LWA refuses gets its order changes dead-lettered saying so; and the
cancellation of an order that never became a sale is done, with nothing to cancel.

The notification is polled from a local SQS (moto) by ``python -m receivers.sqs``; ``python -m
workers <lane>`` fetches the order from a real local server standing in for SP-API, with access
tokens a real local server standing in for Login with Amazon issues for the seller's refresh
token, and writes it into Tryton. RabbitMQ and Redis are the real ones.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import redis

from erp.adapter import sale_reference
from erp.tryton import TrytonErp
from queues.dead import dead_letter_store
from queues.tally import OutcomeTally, tally_key
from samples.payloads import amazon_order_change, encode, sp_api_order, sp_api_order_item
from tests.end_to_end.conftest import Fleet
from tests.end_to_end.test_webhook_to_sale import confirmed_sale
from tests.support.lwa import LWA_CLIENT_ID, LWA_CLIENT_SECRET, LWA_REFRESH_TOKEN, FakeLwa
from tests.support.net import eventually
from tests.support.sp_api import FakeSpApi
from tests.support.sqs import SqsProbe

CHANNEL = "amazon-e2e"


def new_amazon_order_id() -> str:
    # Amazon's 3-7-7 form, unique per test run against the shared Tryton.
    return f"902-{random.randrange(10**7):07d}-{random.randrange(10**7):07d}"


def amazon_channel(
    fleet: Fleet,
    tmp_path: Path,
    sqs: tuple[str, str],
    sp_api: FakeSpApi,
    lwa: FakeLwa,
    refresh_token: str = LWA_REFRESH_TOKEN,
) -> None:
    """Give the fleet an Amazon channel on the local SQS queue ``sqs`` (endpoint, queue URL), whose
    SP-API is the fake, read with the tokens the fake LWA issues for ``refresh_token``."""
    endpoint, queue = sqs
    channels = tmp_path / "channels.toml"
    channels.write_text(
        f'[channels.{CHANNEL}]\nprovider = "amazon"\n[channels.{CHANNEL}.options]\n'
        f'queue_url = "{queue}"\nendpoint_url = "{endpoint}"\nwait_seconds = 1\n'
        f'api_base_url = "{sp_api.url}"\nlwa_token_url = "{lwa.url}"\nlwa_client_id = "{LWA_CLIENT_ID}"\n'
        'lwa_client_secret_env = "AMAZON_E2E_LWA_SECRET"\nrefresh_token_env = "AMAZON_E2E_REFRESH_TOKEN"\n'
    )
    fleet.env.update(
        {
            "WEIR_CHANNELS_FILE": str(channels),
            "AMAZON_E2E_LWA_SECRET": LWA_CLIENT_SECRET,
            "AMAZON_E2E_REFRESH_TOKEN": refresh_token,
        }
    )


def test_an_amazon_order_change_polled_from_sqs_becomes_a_confirmed_sale_priced_per_unit(
    fleet: Fleet,
    tryton_erp: TrytonErp,
    sp_api: FakeSpApi,
    lwa: FakeLwa,
    sqs_endpoint: str,
    sqs_queue: str,
    aws_env: dict[str, str],
    tmp_path: Path,
) -> None:
    # Given an Amazon channel on a local SQS queue, whose SP-API and LWA are the fakes
    fleet.env.update(aws_env)
    amazon_channel(fleet, tmp_path, (sqs_endpoint, sqs_queue), sp_api, lwa)
    # and an order of three items (two pages of them), one of whose line prices does not divide evenly
    order_id = new_amazon_order_id()
    items = [
        sp_api_order_item("SKU-0001", 2, "22.00"),
        sp_api_order_item("SKU-0002", 1, "12.00"),
        sp_api_order_item("SKU-0003", 3, "40.00"),
    ]
    sp_api.add(sp_api_order(order_id), items)
    fleet.sqs_receiver()
    fleet.worker("standard")

    # When Amazon says the order is paid for and waits to be shipped
    SqsProbe(sqs_endpoint, sqs_queue).send(encode(amazon_order_change(order_id, status="Unshipped")))

    # Then it is one confirmed sale, its lines priced per unit and adding up to Amazon's prices
    sale = confirmed_sale(tryton_erp, f"{CHANNEL}:{order_id}")
    assert sorted((line.sku, line.quantity, line.unit_price) for line in sale.lines) == [
        ("SKU-0001", Decimal(2), Decimal("11.00")),
        ("SKU-0002", Decimal(1), Decimal("12.00")),
        ("SKU-0003", Decimal(1), Decimal("13.34")),
        ("SKU-0003", Decimal(2), Decimal("13.33")),
    ]
    assert sale.total == Decimal("74.00")
    # read with the one access token the worker got from LWA
    assert {call.token for call in sp_api.calls} == set(lwa.issued) and len(lwa.issued) == 1


def test_a_refresh_token_lwa_refuses_dead_letters_the_order_change_at_once_naming_the_credentials(
    fleet: Fleet,
    sp_api: FakeSpApi,
    lwa: FakeLwa,
    sqs_endpoint: str,
    sqs_queue: str,
    aws_env: dict[str, str],
    tmp_path: Path,
    namespace: str,
    redis_client: redis.Redis,
) -> None:
    # Given a seller whose refresh token LWA no longer knows (the seller revoked the app)
    fleet.env.update(aws_env)
    amazon_channel(fleet, tmp_path, (sqs_endpoint, sqs_queue), sp_api, lwa, refresh_token="Atzr|revoked")
    order_id = new_amazon_order_id()
    sp_api.add(sp_api_order(order_id), [sp_api_order_item("SKU-0001", 1, "11.00")])
    fleet.sqs_receiver()
    fleet.worker("standard")

    SqsProbe(sqs_endpoint, sqs_queue).send(encode(amazon_order_change(order_id, status="Unshipped")))

    # Then the change is dead-lettered at once, its reason saying what on-call must fix
    store = dead_letter_store(redis_client, namespace)
    [reason] = eventually(store.select, timeout=60, what="the dead letter")
    assert (reason.classification, reason.error_class, reason.attempts) == ("permanent", "ChannelApiRejected", 1)
    assert (reason.channel, reason.entity_id) == (CHANNEL, order_id)
    assert reason.error_message.startswith(f"Login with Amazon refused channel {CHANNEL}'s credentials (HTTP 400")
    assert "invalid_grant" in reason.error_message and "refresh_token" in reason.error_message
    assert len(lwa.forms) == 1 and sp_api.calls == []


def test_an_amazon_order_cancelled_before_it_became_a_sale_is_done_with_nothing_to_cancel(
    fleet: Fleet,
    tryton_erp: TrytonErp,
    sp_api: FakeSpApi,
    lwa: FakeLwa,
    sqs_endpoint: str,
    sqs_queue: str,
    aws_env: dict[str, str],
    tmp_path: Path,
    namespace: str,
    redis_client: redis.Redis,
) -> None:
    # Given an Amazon channel, and an order that never became a sale (Pending: payment never
    # went through)
    fleet.env.update(aws_env)
    amazon_channel(fleet, tmp_path, (sqs_endpoint, sqs_queue), sp_api, lwa)
    order_id = new_amazon_order_id()
    fleet.sqs_receiver()
    fleet.worker("critical")

    # When Amazon says it is cancelled
    SqsProbe(sqs_endpoint, sqs_queue).send(encode(amazon_order_change(order_id, status="Canceled")))

    # Then the cancellation is done at once, with nothing to cancel: no sale, no wait, no dead letter
    tally = OutcomeTally(redis_client, tally_key(namespace))
    eventually(lambda: tally.read().get("skipped:nothing-to-cancel") == 1, timeout=60, what="the cancellation")
    assert [name for name in tally.read() if name.startswith(("deferrals", "dead", "retries"))] == []
    assert dead_letter_store(redis_client, namespace).select() == []
    assert tryton_erp.find_sale(sale_reference(CHANNEL, order_id)) is None
    assert sp_api.calls == [] and lwa.forms == []
