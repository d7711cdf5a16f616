"""The golden database: provisioned once, recognised as current, copied but never overwritten."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from erp.settings import ErpSettings
from erp.tryton.local import is_current, read_manifest, seed_database
from erp.tryton.local.config import database_file
from erp.tryton.local.golden import PROVISION_VERSION
from erp.tryton.local.provision import main as provision
from tests.fixtures.tryton import GOLDEN_DIR, REPO
from weir.errors import ConfigError


@pytest.fixture
def golden(tryton: ErpSettings) -> Path:
    """The golden directory, provisioned by the session's ``tryton`` fixture."""
    return GOLDEN_DIR


def test_the_golden_database_records_its_version_and_ids(golden: Path) -> None:
    manifest = read_manifest(golden)

    assert manifest is not None
    assert manifest.provision_version == PROVISION_VERSION
    assert manifest.user == "weir"
    assert set(manifest.currencies) == {"USD", "EUR"}
    assert sorted(manifest.products)[0] == "SKU-0001" and len(manifest.products) == 20
    assert set(manifest.services) == {"DISCOUNT", "FEE", "SHIPPING", "TAX"}


def test_provisioning_a_current_golden_leaves_it_untouched(golden: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = database_file(golden).stat().st_mtime_ns

    assert provision(["--dir", str(golden)]) == 0

    assert "nothing to do" in capsys.readouterr().out
    assert database_file(golden).stat().st_mtime_ns == before


def test_a_directory_without_a_manifest_is_not_a_golden(tmp_path: Path) -> None:
    database_file(tmp_path).touch()

    assert not is_current(tmp_path)


def test_seeding_copies_the_golden_once_and_then_keeps_the_data(golden: Path, tmp_path: Path) -> None:
    assert seed_database(golden, tmp_path) is True
    with sqlite3.connect(database_file(tmp_path)) as connection:
        connection.execute("CREATE TABLE demo_marker (id INTEGER)")
    connection.close()

    assert seed_database(golden, tmp_path) is False

    with sqlite3.connect(database_file(tmp_path)) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE name = 'demo_marker'").fetchall()
    connection.close()
    assert tables == [("demo_marker",)]


def test_seeding_without_a_golden_says_how_to_provision_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"erp\.tryton\.local\.provision"):
        seed_database(tmp_path / "nowhere", tmp_path / "data")


@pytest.mark.slow
def test_provisioning_from_scratch_builds_a_current_golden_with_the_unique_reference_index(tmp_path: Path) -> None:
    # A child process, as the fixture does: provisioning configures trytond globally.
    golden = tmp_path / "golden"
    command = [sys.executable, "-m", "erp.tryton.local.provision", "--dir", str(golden)]

    subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True, timeout=110)

    assert is_current(golden)
    assert not list(tmp_path.glob(".golden.building-*"))
    with sqlite3.connect(database_file(golden)) as connection:
        index = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'weir_sale_reference_uniq'").fetchone()
    connection.close()
    assert "UNIQUE" in index[0]
