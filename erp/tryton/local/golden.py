"""The golden database: a provisioned Tryton kept as a template and copied for each run.

A golden directory holds ``erp.sqlite``, a ``trytond.conf`` and ``erp.json``, the manifest
written last, so a directory with a current manifest is complete.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from erp.settings import ErpSettings
from erp.tryton.local.config import database_file

__all__ = [
    "MANIFEST_NAME",
    "PROVISION_VERSION",
    "GoldenManifest",
    "demo_credentials",
    "is_current",
    "read_manifest",
    "write_manifest",
]

#: Bump whenever provisioning changes what the golden database holds: older goldens are rebuilt.
PROVISION_VERSION = 2

MANIFEST_NAME = "erp.json"


class GoldenManifest(BaseModel):
    """The ids a provisioned database was given, for tools and tests that need them."""

    model_config = ConfigDict(frozen=True)

    provision_version: int
    database: str
    user: str
    company: int
    currencies: dict[str, int]
    warehouse: int
    locations: dict[str, int]
    products: dict[str, int]
    #: The service products of :data:`erp.money.MONEY_SKUS`, by code.
    services: dict[str, int] = {}
    demo_customer: int
    provisioned_at: datetime


def demo_credentials() -> tuple[str, str]:
    """The login and password of Weir's Tryton user: the shipped :class:`ErpSettings` defaults.

    The golden database is a demo artefact, so it always carries the demo credentials, whatever
    the environment says.
    """
    defaults = ErpSettings.model_construct()
    return defaults.user, defaults.password.get_secret_value()


def read_manifest(golden_dir: Path) -> GoldenManifest | None:
    """The manifest in ``golden_dir``, or ``None`` when it is missing or unreadable."""
    try:
        return GoldenManifest.model_validate_json((golden_dir / MANIFEST_NAME).read_text())
    except (OSError, ValidationError):
        return None


def write_manifest(golden_dir: Path, manifest: GoldenManifest) -> None:
    """Write the manifest atomically, so a reader never sees half of it."""
    staging = golden_dir / f".{MANIFEST_NAME}.tmp"
    staging.write_text(manifest.model_dump_json(indent=2) + "\n")
    staging.replace(golden_dir / MANIFEST_NAME)


def is_current(golden_dir: Path) -> bool:
    """Whether ``golden_dir`` holds a complete golden database of this provision version."""
    manifest = read_manifest(golden_dir)
    return (
        manifest is not None and manifest.provision_version == PROVISION_VERSION and database_file(golden_dir).is_file()
    )
