"""Reads of Tryton's reference data an order needs: products by SKU, currencies, countries.

Currencies and countries are cached for the life of the adapter, since they change only by
hand. Products are looked up per order: a catalogue edit must be seen at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from erp.errors import ErpRejected, UnknownSku
from erp.tryton.client import TrytonClient

__all__ = ["Product", "TrytonCatalog"]


@dataclass(frozen=True)
class Product:
    """A salable product variant: its id and the unit it is sold in."""

    id: int
    unit: int


class TrytonCatalog:
    """Looks up products, currencies and countries by their codes. Safe to share between threads."""

    def __init__(self, client: TrytonClient) -> None:
        self._client = client
        # Plain dicts are enough across threads: a race only costs a duplicate lookup.
        self._currencies: dict[str, int] = {}
        self._countries: dict[str, int | None] = {}

    def products(self, skus: Iterable[str]) -> dict[str, Product]:
        """The salable product of every SKU, in one call.

        Raises:
            UnknownSku: naming every SKU with no active, salable product.
        """
        wanted = sorted(set(skus))
        rows = self._client.call(
            "model.product.product.search_read",
            [["code", "in", wanted], ["salable", "=", True]],
            0,
            None,
            None,
            ["code", "default_uom", "sale_uom"],
        )
        found = {row["code"]: Product(row["id"], row["sale_uom"] or row["default_uom"]) for row in rows}
        missing = set(wanted) - found.keys()
        if missing:
            raise UnknownSku(missing)
        return found

    def currency(self, code: str) -> int:
        """The id of the currency with ISO code ``code`` (e.g. ``USD``).

        Raises:
            ErpRejected: the ERP has no such currency.
        """
        if code not in self._currencies:
            ids = self._client.call("model.currency.currency.search", [["code", "=", code.upper()]], 0, 1, None)
            if not ids:
                raise ErpRejected(f"the ERP has no currency {code}")
            self._currencies[code] = ids[0]
        return self._currencies[code]

    def country(self, code: str | None) -> int | None:
        """The id of the country with ISO 3166-1 alpha-2 ``code``, or ``None`` if it has none."""
        if not code:
            return None
        if code not in self._countries:
            ids = self._client.call("model.country.country.search", [["code", "=", code.upper()]], 0, 1, None)
            self._countries[code] = ids[0] if ids else None
        return self._countries[code]
