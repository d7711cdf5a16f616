"""The canonical events' JSON Schema: the contract in-house systems write to, and the record of
what each ``schema_version`` means."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from events.canonical import EVENT_MODELS, SCHEMA_VERSION, canonical_event_adapter

__all__ = ["json_schemas", "write_schemas"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schemas() -> dict[str, dict[str, Any]]:
    """Each family's schema by file name (``order.created.v1.schema.json``), and the union of
    them all (``canonical-event.v1.schema.json``), told apart by ``family``."""
    schemas = {
        f"{model.model_fields['family'].default}.v{SCHEMA_VERSION}.schema.json": model.model_json_schema()
        for model in EVENT_MODELS
    }
    schemas[f"canonical-event.v{SCHEMA_VERSION}.schema.json"] = {
        "title": "CanonicalEvent",
        **canonical_event_adapter.json_schema(),
    }
    return {name: {"$schema": _DIALECT, **schema} for name, schema in schemas.items()}


def write_schemas(directory: Path) -> list[Path]:
    """Write :func:`json_schemas` into ``directory`` (created if missing); return the files written.

    Raises:
        OSError: the directory or a file cannot be written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = directory / name
        path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
