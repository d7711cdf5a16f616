"""The demo catalogue, stock and customer of the golden database, loaded with proteus.

Called by :mod:`erp.tryton.local.masterdata` once proteus is configured and the company exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

__all__ = [
    "SKU_COUNT",
    "create_countries",
    "create_demo_customer",
    "create_products",
    "create_services",
    "sku",
    "stock_up",
]

#: The catalogue is SKU-0001 .. SKU-0020.
SKU_COUNT = 20

#: On-hand quantity of every SKU after provisioning, in units.
INITIAL_STOCK = 1000

# The currency module ships no countries and importing them needs pycountry: a few are enough
# for demo addresses.
_COUNTRIES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany", "FR": "France"}


def sku(n: int) -> str:
    """The n-th demo SKU, e.g. ``sku(1) == "SKU-0001"``."""
    return f"SKU-{n:04d}"


def create_products() -> dict[str, int]:
    """Create the salable goods SKU-0001.. priced 10 + n; return product id by SKU.

    ``product.code`` is the template's code (none) followed by the variant's suffix, the SKU.
    """
    from proteus import Model

    Template = Model.get("product.template")
    (unit,) = Model.get("product.uom").find([("name", "=", "Unit")])
    templates = [_template(Template, unit, n) for n in range(1, SKU_COUNT + 1)]
    Template.save(templates)
    return {template.products[0].code: template.products[0].id for template in templates}


def _template(Template: Any, unit: Any, n: int) -> Any:  # proteus models are untyped
    template = Template(
        name=f"Demo product {n}",
        type="goods",
        salable=True,
        default_uom=unit,
        list_price=Decimal(10 + n),
    )
    template.products[0].suffix_code = sku(n)
    return template


def create_services(codes: Iterable[str]) -> dict[str, int]:
    """Create a salable service product for each code (the money lines of :mod:`erp.money`:
    shipping, fees, taxes, discounts); return product id by code. Services ship nothing, and
    every sale line gives its own price, so the list price is 0."""
    from proteus import Model

    Template = Model.get("product.template")
    (unit,) = Model.get("product.uom").find([("name", "=", "Unit")])
    templates = []
    for code in sorted(codes):
        template = Template(
            name=code.capitalize(), type="service", salable=True, default_uom=unit, list_price=Decimal(0)
        )
        template.products[0].suffix_code = code
        templates.append(template)
    Template.save(templates)
    return {template.products[0].code: template.products[0].id for template in templates}


def stock_up(products: dict[str, int], storage_id: int, company_id: int) -> None:
    """Count every product at :data:`INITIAL_STOCK` units in the storage location, confirmed."""
    from proteus import Model

    Inventory = Model.get("stock.inventory")
    inventory = Inventory(location=Model.get("stock.location")(storage_id))
    inventory.company = Model.get("company.company")(company_id)
    for product_id in products.values():
        inventory.lines.new(product=product_id, quantity=INITIAL_STOCK)
    inventory.save()
    inventory.click("confirm")


def create_countries() -> None:
    """Create the handful of countries demo addresses use, by ISO code."""
    from proteus import Model

    Country = Model.get("country.country")
    Country.save([Country(code=code, name=name) for code, name in _COUNTRIES.items()])


def create_demo_customer() -> int:
    """Create the walk-in customer ``CUST-DEMO`` with one address; return its party id."""
    from proteus import Model

    Party = Model.get("party.party")
    party = Party(name="Demo Customer", code="CUST-DEMO")
    (address,) = party.addresses
    address.street_unstructured = "1 Demo Street"
    address.city = "Springfield"
    address.postal_code = "12345"
    party.contact_mechanisms.new(type="email", value="demo.customer@example.com")
    party.save()
    return int(party.id)
