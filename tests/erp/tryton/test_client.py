"""The client against the real embedded Tryton: sessions, context and real error answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from erp.errors import ErpRejected, ErpUnavailable
from erp.settings import ErpSettings
from erp.tryton import DuplicateKey, TrytonClient
from tests.fixtures.tryton import free_port


@pytest.fixture
def client(tryton: ErpSettings) -> Iterator[TrytonClient]:
    client = TrytonClient.from_settings(tryton)
    try:
        yield client
    finally:
        client.close()


def test_logging_in_puts_the_user_s_company_in_the_context(client: TrytonClient) -> None:
    assert client.context["company"] == 1
    assert client.context["language"] == "en"


def test_decimals_come_back_as_decimals(client: TrytonClient) -> None:
    (product,) = client.call(
        "model.product.product.search_read", [["code", "=", "SKU-0001"]], 0, 1, None, ["list_price_used"]
    )

    assert product["list_price_used"] == Decimal("11")


def test_a_session_ended_on_the_server_is_renewed_transparently(client: TrytonClient) -> None:
    client.call("common.db.logout")

    assert client.call("model.currency.currency.search", [["code", "=", "USD"]], 0, 1, None) == [1]


def test_a_validation_error_is_rejected_with_tryton_s_message(client: TrytonClient) -> None:
    with pytest.raises(ErpRejected) as caught:
        client.call("model.sale.sale.create", [{"reference": f"test:{uuid.uuid4()}"}])

    assert str(caught.value).startswith('A value is required for field "Party"')
    assert caught.value.status == 200


def test_a_method_tryton_does_not_expose_is_rejected_as_forbidden(client: TrytonClient) -> None:
    with pytest.raises(ErpRejected) as caught:
        client.call("model.sale.sale.no_such_method", [])

    assert caught.value.status == 403


def test_a_second_party_with_the_same_code_is_a_duplicate_key(client: TrytonClient) -> None:
    code = f"test:{uuid.uuid4()}"
    client.call("model.party.party.create", [{"name": "First", "code": code}])

    with pytest.raises(DuplicateKey):
        client.call("model.party.party.create", [{"name": "Second", "code": code}])


def test_a_second_sale_with_the_same_reference_is_a_duplicate_key(client: TrytonClient) -> None:
    # The unique index that provisioning adds: Tryton itself does not enforce it.
    sale = {"party": 2, "currency": 1, "reference": f"test:{uuid.uuid4()}"}
    client.call("model.sale.sale.create", [sale])

    with pytest.raises(DuplicateKey) as caught:
        client.call("model.sale.sale.create", [sale])

    assert "sale_sale.reference" in str(caught.value)


def test_a_refused_password_is_unavailable_rather_than_rejected(tryton: ErpSettings) -> None:
    # A login of its own: failed logins throttle that login name for a while.
    client = TrytonClient(str(tryton.url), tryton.database, f"nobody-{uuid.uuid4().hex[:8]}", "wrong-password")
    try:
        with pytest.raises(ErpUnavailable) as caught:
            client.login()
    finally:
        client.close()

    assert caught.value.status == 401


def test_an_erp_nobody_listens_for_is_unavailable() -> None:
    client = TrytonClient(f"http://127.0.0.1:{free_port()}/", "erp", "weir", "password", timeout_seconds=5)
    try:
        with pytest.raises(ErpUnavailable) as caught:
            client.call("model.sale.sale.search", [])
    finally:
        client.close()

    assert caught.value.status is None
