"""The master data a fresh Tryton needs before it can take Weir's orders, loaded with proteus.

Runs in-process against the database file (no server), as the ``admin`` user, on a database that
``trytond-admin`` has just created: it creates, it never looks for what is already there. proteus
and trytond are imported inside the functions, because importing them configures trytond globally.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from erp.money import MONEY_SKUS
from erp.tryton.local.catalog import (
    create_countries,
    create_demo_customer,
    create_products,
    create_services,
    stock_up,
)
from erp.tryton.local.config import DATABASE

__all__ = ["COMPANY_NAME", "MasterData", "load_master_data"]

COMPANY_NAME = "Demo Retail Inc."

#: Units of each currency per U.S. dollar, valid from the earliest date so any sale date has one.
_CURRENCIES = {
    "USD": ("U.S. Dollar", "$", Decimal("1")),
    "EUR": ("Euro", "€", Decimal("0.92")),
}

MasterData = dict[str, Any]


def load_master_data(config_file: Path, *, user: str, password: str, database: str = DATABASE) -> MasterData:
    """Load currencies, the company, sale settings, catalogue (goods, and the services money lines
    are sold as), stock and users; return their ids.

    ``user``/``password`` are the login Weir will use; it gets every group and the company.
    The keys of the result match :class:`~erp.tryton.local.golden.GoldenManifest`'s fields.
    """
    from proteus import config

    config.set_trytond(database, config_file=str(config_file))
    currencies = _create_currencies()
    company = _create_company(currencies["USD"])
    _configure_sale()
    create_countries()
    products = create_products()
    locations = _locations()
    stock_up(products, locations["STO"], company)
    _create_user(user, password, company)
    return {
        "company": company,
        "currencies": currencies,
        "warehouse": locations["WH"],
        "locations": locations,
        "products": products,
        "services": create_services(MONEY_SKUS),
        "demo_customer": create_demo_customer(),
    }


def _create_currencies() -> dict[str, int]:
    from proteus import Model

    Currency = Model.get("currency.currency")
    ids = {}
    for code, (name, symbol, rate) in _CURRENCIES.items():
        currency = Currency(name=name, code=code, symbol=symbol, digits=2, rounding=Decimal("0.01"))
        currency.rates.new(date=dt.date.min, rate=rate)
        currency.save()
        ids[code] = currency.id
    return ids


def _create_company(currency_id: int) -> int:
    """Run the company wizard; it also gives every user without a company (admin) this one."""
    from proteus import Model, Wizard
    from proteus.config import get_config

    Party, User = Model.get("party.party"), Model.get("res.user")
    wizard = Wizard("company.company.config")
    wizard.execute("company")
    party = Party(name=COMPANY_NAME)
    party.save()
    wizard.form.party = party
    wizard.form.currency = Model.get("currency.currency")(currency_id)
    wizard.execute("add")
    # Reload the context so that company-dependent fields (list prices) are stored for it.
    get_config()._context = User.get_preferences(True, {})
    (company,) = Model.get("company.company").find([])
    return int(company.id)


def _configure_sale() -> None:
    """Invoice by hand (there is no chart of accounts), ship as soon as a sale is confirmed."""
    from proteus import Model

    configuration = Model.get("sale.configuration")(1)
    configuration.sale_invoice_method = "manual"
    configuration.sale_shipment_method = "order"
    configuration.save()


def _locations() -> dict[str, int]:
    """The stock module's own locations by code: WH (warehouse), STO (storage), CUS, SUP, ..."""
    from proteus import Model

    locations = Model.get("stock.location").find([("code", "!=", None)])
    return {location.code: location.id for location in locations}


def _create_user(login: str, password: str, company_id: int) -> None:
    """Weir's own login, in every group, so no access rule ever blocks an order."""
    from proteus import Model

    User, Group = Model.get("res.user"), Model.get("res.group")
    user = User(name="Weir", login=login, password=password)
    user.groups.extend(Group.find([]))
    user.companies.append(Model.get("company.company")(company_id))
    user.company = user.companies[0]
    user.save()
