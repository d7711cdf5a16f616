"""Dead letters: grouped by cause (``GET /groups``), a filtered list (``GET /letters``; one
group is ``/letters?cause=<id>``) and one dead letter (``GET /letters/{id}``)."""

from __future__ import annotations

from dataclasses import replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from console.context import context_of
from console.errors import NotFound
from console.filters import EVERYTHING, parse_filter, query
from console.formatting import payload_of, pretty_message
from console.views.params import bounded_int
from oncall.fleet import OnCall
from queues.dead import DeadLetterReason

__all__ = ["MAX_ID_LENGTH", "find_letter", "groups_page", "letter_page", "letters_page"]

#: Longer path segments are no message id Weir gives out.
MAX_ID_LENGTH = 200


async def groups_page(request: Request) -> Response:
    context = context_of(request)
    where = parse_filter(request.query_params)
    groups = await run_in_threadpool(context.oncall.store.groups, where)
    # Each group's link keeps the page's filter and adds the group's cause.
    rows = [(group, query(replace(where, fingerprint=group.fingerprint))) for group in groups]
    page = {"title": "Dead letters by cause", "where": where, "rows": rows, "filtered": where != EVERYTHING}
    return context.pages.render(request, "groups.html", page)


async def letters_page(request: Request) -> Response:
    context = context_of(request)
    where = parse_filter(request.query_params)
    limit = bounded_int(request.query_params, "limit", default=100, low=1, high=1_000)
    letters = await run_in_threadpool(context.oncall.store.select, where, limit)
    page = {"title": "Dead letters", "where": where, "letters": letters, "limit": limit}
    return context.pages.render(request, "letters.html", page)


async def letter_page(request: Request) -> Response:
    context = context_of(request)
    reason, body = await run_in_threadpool(find_letter, context.oncall, request.path_params["message_id"])
    page = {
        "title": f"Dead letter {reason.message_id}",
        "reason": reason,
        "fields": reason.model_dump(exclude={"history"}),
        "message": pretty_message(body),
        "payload": payload_of(body),
    }
    return context.pages.render(request, "letter.html", page)


def find_letter(oncall: OnCall, message_id: str) -> tuple[DeadLetterReason, bytes | None]:
    """The reason and the kept message of ``message_id``.

    Raises:
        NotFound: no such dead letter (replayed, purged, or never dead).
    """
    reason = oncall.store.get(message_id) if len(message_id) <= MAX_ID_LENGTH else None
    if reason is None:
        raise NotFound(f"no dead letter {message_id[:MAX_ID_LENGTH]!r}: replayed, purged, or never dead")
    return reason, oncall.store.body(message_id)
