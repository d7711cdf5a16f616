"""Dead letters are grouped by a cause that leaves out what varies between occurrences."""

from __future__ import annotations

from queues.dead import cause_of, fingerprint_of


def test_orders_that_died_of_the_same_missing_sku_share_one_cause() -> None:
    first = cause_of("UnknownSku", None, "order 820982911946154508: unknown SKU SKU-0099")
    second = cause_of("UnknownSku", None, "order 450789469: unknown SKU SKU-0099")

    assert first == second == "UnknownSku: order #: unknown SKU SKU-0099"
    assert fingerprint_of(first) == fingerprint_of(second)


def test_different_skus_are_different_causes() -> None:
    assert cause_of("UnknownSku", None, "unknown SKU SKU-0099") != cause_of("UnknownSku", None, "unknown SKU SKU-0042")


def test_the_erp_status_is_part_of_the_cause() -> None:
    assert cause_of("ErpRejected", 422, "invalid") == "ErpRejected (ERP 422): invalid"
    assert cause_of("ErpRejected", 400, "invalid") != cause_of("ErpRejected", 422, "invalid")


def test_uuids_and_long_hex_ids_are_left_out() -> None:
    message = "event 3f2504e0-4f89-11d3-9a0c-0305e82c3301 failed, trace 9f86d081884c7d659a2feaa0c55ad015"

    assert cause_of("Boom", None, message) == "Boom: event # failed, trace #"


def test_a_fingerprint_is_twelve_hex_digits() -> None:
    fingerprint = fingerprint_of("UnknownSku: unknown SKU SKU-0099")

    assert len(fingerprint) == 12
    int(fingerprint, 16)
