"""``weir schema export``: the canonical events' JSON Schema, written where asked."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app


def test_export_writes_one_schema_per_family_into_the_output_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schema", "export", "--output", str(tmp_path / "out")])

    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert "refund.created.v1.schema.json" in written
    assert json.loads((tmp_path / "out" / "customer.updated.v1.schema.json").read_text())["title"] == "CustomerUpdated"


def test_an_output_that_cannot_be_written_is_refused_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")

    result = CliRunner().invoke(app, ["schema", "export", "--output", str(blocker / "out")])

    assert result.exit_code == 2
    assert "cannot write the schemas" in result.output
