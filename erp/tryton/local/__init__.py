"""The embedded Tryton: provisioning of the golden database and the server runner.

Importing this package imports neither trytond nor proteus; the functions that need them do.
The command-line modules (``provision``, ``server``) are not imported here, so that
``python -m`` runs them cleanly.
"""

from erp.tryton.local.golden import GoldenManifest, is_current, read_manifest
from erp.tryton.local.process import LocalTryton, seed_database

__all__ = ["GoldenManifest", "LocalTryton", "is_current", "read_manifest", "seed_database"]
