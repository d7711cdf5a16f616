"""The console's HTML pages: Jinja templates under ``templates/``, autoescaped.

Every value a page shows is escaped by Jinja (no template marks anything safe), so a message
carrying ``<script>`` shows as text. Every page gets ``operator`` (who is logged in, ``None`` on
the login page), ``csrf`` (their forms' token) and ``namespace`` (which Weir this is).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from console import filters, formatting
from console.guard import current_operator

__all__ = ["Pages"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


class Pages:
    """Renders the console's templates for the fleet of ``namespace``."""

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        environment.filters.update(
            duration=formatting.duration,
            moment=formatting.moment,
            unix_ms=formatting.unix_ms,
            query=filters.query,
            filter_pairs=filters.filter_pairs,
            describe=filters.describe,
        )
        self._templates = Jinja2Templates(env=environment, context_processors=[self._common])

    def render(self, request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
        """The page ``name`` with ``context``, answered with ``status_code``."""
        return self._templates.TemplateResponse(request, name, context, status_code=status_code)

    def _common(self, request: Request) -> dict[str, Any]:
        operator = current_operator(request)
        return {"operator": operator, "csrf": operator.csrf if operator else None, "namespace": self._namespace}
