"""Reads of Tryton's reference data an order needs: products by SKU, currencies, countries.

Currencies and countries are cached for the life of the adapter, since they change only by
hand. :meth:`TrytonCatalog.products` looks products up on every call (stock, refunds and
shipments must see a catalogue edit at once); orders use :meth:`TrytonCatalog.sold`, which
keeps what it found: a SKU it has not seen is looked up (a product added since is found), and
an order whose sale Tryton refuses has its SKUs forgotten (:meth:`TrytonCatalog.forget`) before
it is tried again (a product deleted or no longer salable since is then reported unknown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from erp.errors import ErpRejected, UnknownSku
from erp.tryton.client import TrytonClient
from erp.tryton.memo import Memo

__all__ = ["Product", "TrytonCatalog"]

#: Products kept by :meth:`TrytonCatalog.sold`: a large catalogue's best sellers.
SOLD_MEMO_SIZE = 50_000


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
        self._sold = Memo[str, Product](SOLD_MEMO_SIZE)

    def sold(self, skus: Iterable[str]) -> dict[str, Product]:
        """The salable product of every SKU, as last found; those not seen yet in one call.

        Raises:
            UnknownSku: naming every SKU with no active, salable product.
        """
        wanted = set(skus)
        known = {sku: product for sku in wanted if (product := self._sold.get(sku)) is not None}
        if len(known) < len(wanted):
            found = self._lookup(wanted - known.keys())
            for sku, product in found.items():
                self._sold.put(sku, product)
            known.update(found)
        missing = wanted - known.keys()
        if missing:
            raise UnknownSku(missing)
        return known

    def forget(self, skus: Iterable[str]) -> None:
        """Look these SKUs up again next time (Tryton refused a sale that used them)."""
        self._sold.forget(skus)

    def products(self, skus: Iterable[str]) -> dict[str, Product]:
        """The salable product of every SKU, in one call.

        Raises:
            UnknownSku: naming every SKU with no active, salable product.
        """
        wanted = set(skus)
        found = self._lookup(wanted)
        missing = wanted - found.keys()
        if missing:
            raise UnknownSku(missing)
        return found

    def _lookup(self, skus: Iterable[str]) -> dict[str, Product]:
        """The salable products among ``skus``, in one call; the others are left out."""
        wanted = sorted(set(skus))
        rows = self._client.call(
            "model.product.product.search_read",
            [["code", "in", wanted], ["salable", "=", True]],
            0,
            None,
            None,
            ["code", "default_uom", "sale_uom"],
        )
        return {row["code"]: Product(row["id"], row["sale_uom"] or row["default_uom"]) for row in rows}

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
