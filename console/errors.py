"""What the console answers when a request cannot be served as asked.

Each error carries the HTTP status it is answered with; the application renders it as a page
(or as JSON under ``/api/``), so bad input never becomes a 500::

    WeirError
    └── ConsoleError            a request the console refuses (its ``status_code``)
        ├── BadRequest          400: a filter, a form field or a parameter is invalid
        ├── Forbidden           403: an action without a valid CSRF token
        ├── NotFound            404: no such dead letter or page
        └── PlanChanged         409: the selection changed between the plan and the confirmation
"""

from __future__ import annotations

from typing import ClassVar

from weir.errors import WeirError

__all__ = ["BadRequest", "ConsoleError", "Forbidden", "NotFound", "PlanChanged"]


class ConsoleError(WeirError):
    """A request the console refuses; ``str(error)`` says why, to the person who asked."""

    status_code: ClassVar[int] = 400


class BadRequest(ConsoleError):
    status_code = 400


class Forbidden(ConsoleError):
    status_code = 403


class NotFound(ConsoleError):
    status_code = 404


class PlanChanged(ConsoleError):
    status_code = 409
