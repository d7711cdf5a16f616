"""The party and addresses of orders' sales, kept between orders so a returning customer costs
no call.

A customer not seen yet is read with all its addresses in one call (one call for a whole batch
of orders); those Tryton lacks are created, with their addresses, in one more, and read back in
a third. After that the party is known: its name and email are compared with what it held when
last seen (a change is written), and its addresses are matched here, an address it lacks
created in one call for the batch.

Whoever uses a buyer in a write Tryton refuses must :meth:`TrytonBuyers.forget` it: the party
or an address may have been deleted or merged in Tryton since it was read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from erp.tryton.client import TrytonClient
from erp.tryton.errors import DuplicateKey
from erp.tryton.memo import Memo
from erp.tryton.parties import TrytonParties
from events.order import Address, Customer, Order

__all__ = ["Buyer", "TrytonBuyers", "Wanted"]

logger = logging.getLogger(__name__)

#: Parties kept between orders.
MEMO_SIZE = 20_000

# The address fields an address is matched on, as TrytonParties.address_values gives them.
_ADDRESS_FIELDS = ("party_name", "street_unstructured", "postal_code", "city", "country")
_PARTY_FIELDS = [
    "code",
    "name",
    "contact_mechanisms.type",
    "contact_mechanisms.value",
    *(f"addresses.{name}" for name in _ADDRESS_FIELDS),
]

_AddressKey = tuple[Any, ...]


@dataclass(frozen=True)
class Buyer:
    """What a sale needs of its customer: the party and its two addresses."""

    party: int
    invoice_address: int
    shipment_address: int


@dataclass(frozen=True)
class Wanted:
    """An order's customer, under its party code, with the addresses its sale ships and bills to."""

    code: str
    customer: Customer
    shipping: Address | None
    billing: Address | None

    @classmethod
    def of(cls, code: str, order: Order) -> Wanted:
        # The same fallbacks as ever: a sale always has both addresses, however few were sent.
        shipping = order.shipping_address or order.customer.address or order.billing_address
        return cls(code, order.customer, shipping, order.billing_address or shipping)


@dataclass(frozen=True)
class _Party:
    """A party as last seen: its id, name, emails, and address ids by their matched fields."""

    id: int
    name: str
    emails: frozenset[str]
    addresses: dict[_AddressKey, int] = field(default_factory=dict)


class TrytonBuyers:
    """Finds or creates the parties and addresses of orders. Safe to share between threads."""

    def __init__(self, client: TrytonClient, parties: TrytonParties) -> None:
        self._client = client
        self._parties = parties
        self._known = Memo[str, _Party](MEMO_SIZE)

    def of(self, wanted: Sequence[Wanted]) -> list[Buyer]:
        """The buyer of each order, in order: created, brought up to date or taken as known."""
        parties = self._parties_of(wanted)
        for item in wanted:
            parties[item.code] = self._up_to_date(parties[item.code], item.customer)
        self._add_addresses(wanted, parties)
        for code, party in parties.items():
            self._known.put(code, party)
        return [self._buyer(item, parties[item.code]) for item in wanted]

    def forget(self, codes: Iterable[str]) -> None:
        """Read these parties afresh next time (Tryton refused a sale that used them)."""
        self._known.forget(codes)

    def _parties_of(self, wanted: Sequence[Wanted]) -> dict[str, _Party]:
        parties: dict[str, _Party] = {}
        for item in wanted:
            if item.code not in parties and (known := self._known.get(item.code)) is not None:
                parties[item.code] = known
        unknown = {item.code for item in wanted} - parties.keys()
        if unknown:
            parties.update(self._read(unknown))
        new = [item for item in _first_per_code(wanted) if item.code not in parties]
        if new:
            parties.update(self._create(new))
        return parties

    def _read(self, codes: Iterable[str]) -> dict[str, _Party]:
        rows = self._client.call(
            "model.party.party.search_read", [["code", "in", sorted(codes)]], 0, None, None, _PARTY_FIELDS
        )
        return {row["code"]: _party(row) for row in rows}

    def _create(self, new: Sequence[Wanted]) -> dict[str, _Party]:
        """Create the parties with every address their orders need; read them back."""
        try:
            created = self._client.call("model.party.party.create", [self._party_values(item) for item in new])
        except DuplicateKey:
            if len(new) == 1:
                logger.info("Party %s was created by another worker meanwhile; using it.", new[0].code)
                return self._read([new[0].code])
            # Another worker created one of them meanwhile: each on its own, to find which.
            return {code: party for item in new for code, party in self._create([item]).items()}
        logger.info("Created Tryton parties %s for customers %s.", created, ", ".join(item.code for item in new))
        return self._read(item.code for item in new)

    def _party_values(self, item: Wanted) -> dict[str, Any]:
        addresses = {_key(values): values for values in self._address_values(item)}
        values: dict[str, Any] = {"name": item.customer.name, "code": item.code}
        if item.customer.email:
            values["contact_mechanisms"] = [["create", [{"type": "email", "value": item.customer.email}]]]
        # Without them, Tryton gives a new party one empty address by default.
        values["addresses"] = [["create", list(addresses.values())]]
        return values

    def _address_values(self, item: Wanted) -> list[dict[str, Any]]:
        kept = [item.customer.address] if item.customer.address is not None else []
        return [self._parties.address_values(address) for address in (*kept, item.shipping, item.billing)]

    def _up_to_date(self, party: _Party, customer: Customer) -> _Party:
        if party.name != customer.name:
            self._client.call("model.party.party.write", [party.id], {"name": customer.name})
            party = replace(party, name=customer.name)
        if customer.email and customer.email not in party.emails:
            self._client.call(
                "model.party.contact_mechanism.create", [{"party": party.id, "type": "email", "value": customer.email}]
            )
            party = replace(party, emails=party.emails | {customer.email})
        return party

    def _add_addresses(self, wanted: Sequence[Wanted], parties: dict[str, _Party]) -> None:
        """Create, in one call, every address the orders need and their parties lack."""
        lacking: dict[tuple[str, _AddressKey], dict[str, Any]] = {}
        for item in wanted:
            party = parties[item.code]
            for values in self._address_values(item)[-2:]:
                if _key(values) not in party.addresses:
                    lacking[(item.code, _key(values))] = {"party": party.id, **values}
        if not lacking:
            return
        created = self._client.call("model.party.address.create", list(lacking.values()))
        for (code, key), address_id in zip(lacking, created, strict=True):
            party = parties[code]
            parties[code] = replace(party, addresses={**party.addresses, key: int(address_id)})

    def _buyer(self, item: Wanted, party: _Party) -> Buyer:
        invoice, shipment = (_key(self._parties.address_values(address)) for address in (item.billing, item.shipping))
        return Buyer(party.id, party.addresses[invoice], party.addresses[shipment])


def _first_per_code(wanted: Sequence[Wanted]) -> list[Wanted]:
    return list({item.code: item for item in reversed(wanted)}.values())


def _party(row: dict[str, Any]) -> _Party:
    emails = frozenset(m["value"] for m in row["contact_mechanisms."] if m["type"] == "email")
    addresses = {_key(address): int(address["id"]) for address in row["addresses."]}
    return _Party(int(row["id"]), row["name"], emails, addresses)


def _key(values: dict[str, Any]) -> _AddressKey:
    # Tryton may keep an empty text as NULL: both match an address part the channel left out.
    return tuple(values.get(name) or None for name in _ADDRESS_FIELDS)
