"""Customers as Tryton parties, keyed on ``party.code`` = ``<channel>:<customer id>``.

``party.code`` is unique in Tryton, so two workers creating the same customer end with one
party: the loser's create fails with "The code on party must be unique." and it reads the
winner's instead.
"""

from __future__ import annotations

import logging
from typing import Any

from erp.tryton.catalog import TrytonCatalog
from erp.tryton.client import TrytonClient
from erp.tryton.errors import DuplicateKey
from events.order import Address, Customer

__all__ = ["TrytonParties", "party_code"]

logger = logging.getLogger(__name__)

_PARTY_FIELDS = ["name", "contact_mechanisms.type", "contact_mechanisms.value"]


def party_code(channel: str, customer_id: str) -> str:
    """The party code under which a channel's customer lives in Tryton."""
    return f"{channel}:{customer_id}"


class TrytonParties:
    """Creates, updates and finds parties and their addresses."""

    def __init__(self, client: TrytonClient, catalog: TrytonCatalog) -> None:
        self._client = client
        self._catalog = catalog

    def upsert(self, code: str, customer: Customer) -> int:
        """Create the party ``code`` or bring its name and email up to date; return its id.

        A new party also gets the customer's address. Existing addresses are never changed:
        past sales point at them.
        """
        party = self._find(code)
        if party is None:
            try:
                return self._create(code, customer)
            except DuplicateKey:
                logger.info("Party %s was created by another worker meanwhile; using it.", code)
                party = self._find(code)
                if party is None:
                    raise
        self._update(party, customer)
        return int(party["id"])

    def address(self, party_id: int, address: Address | None) -> int:
        """The id of the party's address equal to ``address``, created if missing.

        ``None`` stands for an address with nothing filled in (Tryton still needs one to quote).
        """
        values = self.address_values(address)
        domain = [["party", "=", party_id], *([name, "=", value] for name, value in values.items())]
        ids = self._client.call("model.party.address.search", domain, 0, 1, None)
        if ids:
            return int(ids[0])
        created = self._client.call("model.party.address.create", [{"party": party_id, **values}])
        return int(created[0])

    def matches(self, address_id: int, address: Address | None) -> bool:
        """Whether Tryton's address ``address_id`` holds what ``address`` says (the same test
        :meth:`address` uses to find one)."""
        values = self.address_values(address)
        (stored,) = self._client.call("model.party.address.read", [address_id], list(values))
        return all(stored[name] == value for name, value in values.items())

    def _find(self, code: str) -> dict[str, Any] | None:
        rows = self._client.call("model.party.party.search_read", [["code", "=", code]], 0, 1, None, _PARTY_FIELDS)
        return rows[0] if rows else None

    def _create(self, code: str, customer: Customer) -> int:
        values: dict[str, Any] = {"name": customer.name, "code": code}
        if customer.email:
            values["contact_mechanisms"] = [["create", [{"type": "email", "value": customer.email}]]]
        if customer.address is not None:
            # Without this, Tryton gives a new party one empty address by default.
            values["addresses"] = [["create", [self.address_values(customer.address)]]]
        created = self._client.call("model.party.party.create", [values])
        logger.info("Created Tryton party %s for customer %s.", created[0], code)
        return int(created[0])

    def _update(self, party: dict[str, Any], customer: Customer) -> None:
        if party["name"] != customer.name:
            self._client.call("model.party.party.write", [party["id"]], {"name": customer.name})
        emails = {m["value"] for m in party["contact_mechanisms."] if m["type"] == "email"}
        if customer.email and customer.email not in emails:
            self._client.call(
                "model.party.contact_mechanism.create",
                [{"party": party["id"], "type": "email", "value": customer.email}],
            )

    def address_values(self, address: Address | None) -> dict[str, Any]:
        """The fields of a Tryton address holding ``address`` (``None``: all of them empty)."""
        # The channel's region has no free-text field in Tryton (subdivisions are coded records).
        address = address or Address()
        return {
            "party_name": address.name,
            "street_unstructured": address.street,
            "postal_code": address.postal_code,
            "city": address.city,
            "country": self._catalog.country(address.country_code),
        }
