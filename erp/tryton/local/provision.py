"""Build the golden Tryton database from scratch: ``python -m erp.tryton.local.provision``.

Idempotent: a directory already holding a golden database of the current provision version is
left alone (``--reset`` rebuilds it). The build happens in a sibling staging directory that is
moved into place only once complete, so a crash never leaves a half-built golden behind.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from erp.tryton.local.config import DATABASE, database_file, tryton_script, write_config
from erp.tryton.local.golden import (
    PROVISION_VERSION,
    GoldenManifest,
    demo_credentials,
    is_current,
    write_manifest,
)

__all__ = ["UNIQUE_REFERENCE", "activate_sale", "main", "provision"]

#: Only used to create the database; nothing logs in as admin afterwards. 8 characters at least.
_ADMIN_PASSWORD = "weir-demo-admin-password"

# Tryton does not enforce a unique sale reference; this index makes a duplicate create fail
# atomically, which is what makes ensure_sale idempotent under races. Tryton leaves indexes it
# did not create alone, even across `trytond-admin --all`.
UNIQUE_REFERENCE = (
    "CREATE UNIQUE INDEX IF NOT EXISTS weir_sale_reference_uniq ON sale_sale (reference) WHERE reference IS NOT NULL"
)


def provision(golden_dir: Path) -> GoldenManifest:
    """Build a golden database in ``golden_dir``, replacing whatever is there; return its manifest.

    Takes about 20-30 s.

    Raises:
        subprocess.CalledProcessError: ``trytond-admin`` failed (its output is in the error).
    """
    golden_dir = golden_dir.resolve()
    staging = golden_dir.with_name(f".{golden_dir.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        manifest = _build(staging)
        _install(staging, golden_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _build(staging: Path) -> GoldenManifest:
    config_file = write_config(staging)
    # The SQLite backend refuses to create the file itself.
    database_file(staging).touch()
    _progress("Creating the database and activating the sale module (about 20 s)")
    activate_sale(config_file)
    _progress("Loading currencies, company, catalogue, stock and users")
    user, password = demo_credentials()
    from erp.tryton.local.masterdata import load_master_data

    data = load_master_data(config_file, user=user, password=password)
    _progress("Adding the unique index on sale references")
    _add_unique_reference(database_file(staging))
    manifest = GoldenManifest(
        provision_version=PROVISION_VERSION,
        database=DATABASE,
        user=user,
        provisioned_at=datetime.now(UTC),
        **data,
    )
    write_manifest(staging, manifest)
    return manifest


def activate_sale(config_file: Path, database: str = DATABASE) -> None:
    """Run ``trytond-admin`` to create ``database`` with the sale module and its dependencies.

    Raises:
        subprocess.CalledProcessError: ``trytond-admin`` failed (its output is in the error).
    """
    password_file = config_file.with_name("adminpass.txt")
    password_file.touch(mode=0o600)
    password_file.write_text(_ADMIN_PASSWORD + "\n")
    command = [
        str(tryton_script("trytond-admin")),
        "-c",
        str(config_file),
        "-d",
        database,
        "-u",
        "sale",
        "--activate-dependencies",
        # Without --email, trytond-admin stops at an interactive prompt on a new database.
        "--email",
        "admin@example.com",
    ]
    env = {**os.environ, "TRYTONPASSFILE": str(password_file)}
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    finally:
        password_file.unlink(missing_ok=True)


def _add_unique_reference(database: Path) -> None:
    """Add the unique sale-reference index and fold the write-ahead log into the file.

    After the checkpoint the ``.sqlite`` file alone is the whole database, so copying it is
    enough.
    """
    connection = sqlite3.connect(database)
    try:
        connection.execute(UNIQUE_REFERENCE)
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def _install(staging: Path, golden_dir: Path) -> None:
    if golden_dir.exists():
        shutil.rmtree(golden_dir)
    staging.replace(golden_dir)
    # The config names its data directory by absolute path: point it at the final place.
    write_config(golden_dir)


def _progress(message: str) -> None:
    print(f"provision: {message}", flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m erp.tryton.local.provision",
        description="Build the golden SQLite Tryton database that the embedded ERP starts from.",
    )
    parser.add_argument("--dir", type=Path, default=Path("var/tryton/golden"), help="golden directory")
    parser.add_argument("--reset", action="store_true", help="rebuild even if the golden is current")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Provision unless ``--dir`` already holds a current golden; return the exit status."""
    args = _parser().parse_args(argv)
    if is_current(args.dir) and not args.reset:
        _progress(f"{args.dir} already holds a golden database of version {PROVISION_VERSION}; nothing to do")
        return 0
    started = time.monotonic()
    try:
        provision(args.dir)
    except subprocess.CalledProcessError as exc:
        _progress(f"trytond-admin failed with status {exc.returncode}:\n{exc.stdout}{exc.stderr}")
        return 1
    _progress(f"golden database ready in {args.dir} after {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
