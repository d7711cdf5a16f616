"""JSON answers, encoded with orjson (Decimal amounts are strings before they get here)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

__all__ = ["json_response"]


def json_response(content: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """``content`` as an ``application/json`` response."""
    return Response(orjson.dumps(content), status_code=status, headers=headers, media_type="application/json")
