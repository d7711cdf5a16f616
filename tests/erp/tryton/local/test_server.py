"""The embedded server runner: where it listens, and how it fails when it cannot start."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from erp.errors import ErpUnavailable
from erp.settings import ErpSettings
from erp.tryton.local import LocalTryton
from erp.tryton.local.config import CONFIG_NAME
from erp.tryton.local.server import main as serve
from tests.fixtures.tryton import GOLDEN_DIR


class ExecCalled(Exception):
    """Raised by the stand-in for os.execv, carrying the command it was given."""


def test_the_server_command_listens_on_the_port_of_the_erp_url(
    tryton: ErpSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given WEIR_ERP_URL naming port 8765 and no --port
    monkeypatch.setenv("WEIR_ERP_URL", "http://127.0.0.1:8765/")

    def execv(path: str, argv: list[str]) -> None:
        raise ExecCalled(argv)

    monkeypatch.setattr(os, "execv", execv)

    # When the server command runs
    with pytest.raises(ExecCalled) as caught:
        serve(["--golden", str(GOLDEN_DIR), "--data", str(tmp_path)])

    # Then it hands over to trytond on the seeded database, listening there
    assert caught.value.args[0][-2:] == ["-d", "erp"]
    assert "listen = 127.0.0.1:8765" in (tmp_path / CONFIG_NAME).read_text()
    assert (tmp_path / "erp.sqlite").is_file()


def test_a_server_that_cannot_listen_fails_to_start_with_its_log(tryton: ErpSettings, tmp_path: Path) -> None:
    # Given the port taken by a socket that never answers
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        server = LocalTryton(GOLDEN_DIR, tmp_path, squatter.getsockname()[1])

        # When the server starts on it, then it reports trytond's own complaint
        with pytest.raises(ErpUnavailable) as caught:
            server.start(ready_within_seconds=60)

    assert "exited" in str(caught.value)
    assert "Address already in use" in (caught.value.excerpt or "")
