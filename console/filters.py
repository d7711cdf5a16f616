"""Which dead letters a page or an action is about: query parameters (or form fields) to a
:class:`~queues.dead.DeadLetterFilter`, and back.

Parameters: ``lane``, ``channel``, ``topic``, ``cause`` (a group's fingerprint), ``since``
(``15m``, ``2h``, ``3d`` ago, or an ISO 8601 time, UTC unless it names a zone), ``state``
(``dead`` or ``quarantined``) and ``id`` (repeated, message ids). Empty values mean "any", as an
empty form field does. A relative ``since`` is fixed to a time when parsed, so a plan and its
confirmation pick the same dead letters.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import get_args
from urllib.parse import urlencode

from starlette.datastructures import ImmutableMultiDict

from console.errors import BadRequest
from oncall.since import parse_since as since
from queues.dead import DeadLetterFilter, State
from queues.lanes import Lane

__all__ = ["EVERYTHING", "Params", "describe", "filter_pairs", "parse_filter", "parse_since", "query"]

#: The filter that picks every dead letter; actions need ``all=1`` to use it.
EVERYTHING = DeadLetterFilter()

_TEXT_LIMIT = 200
_MAX_IDS = 1_000
_CAUSE = re.compile(r"^[0-9a-f]{1,64}$")
_STATES: tuple[str, ...] = get_args(State)


#: Query parameters or form fields (Starlette's ``QueryParams`` and ``FormData``).
Params = ImmutableMultiDict[str, object]


def parse_filter(params: Params) -> DeadLetterFilter:
    """The filter ``params`` describe.

    Raises:
        BadRequest: naming the parameter that is invalid.
    """
    cause = _text(params, "cause")
    if cause is not None and not _CAUSE.match(cause):
        raise BadRequest(f"cause {cause!r}: expected a cause id, the hex digits the groups page shows")
    ids = [text for text in (_checked("id", value) for value in params.getlist("id")) if text]
    if len(ids) > _MAX_IDS:
        raise BadRequest(f"id: at most {_MAX_IDS} ids at once (got {len(ids)})")
    return DeadLetterFilter(
        lane=_choice(params, "lane", tuple(lane.value for lane in Lane)),
        channel=_text(params, "channel"),
        topic=_text(params, "topic"),
        fingerprint=cause,
        since=parse_since(_text(params, "since")),
        state=_choice(params, "state", _STATES),  # type: ignore[arg-type]
        ids=frozenset(ids) if ids else None,
    )


def parse_since(value: str | None, now: datetime | None = None) -> datetime | None:
    """``15m``, ``2h``, ``3d`` before ``now``, or an ISO 8601 time (UTC if it names no zone).

    Raises:
        BadRequest: the value is neither.
    """
    if value is None:
        return None
    try:
        return since(value, now)
    except ValueError as exc:
        raise BadRequest(f"since {exc}") from None


def filter_pairs(where: DeadLetterFilter) -> list[tuple[str, str]]:
    """``where`` as parameters that :func:`parse_filter` reads back to the same filter."""
    pairs = [
        (name, value)
        for name, value in (
            ("lane", where.lane),
            ("channel", where.channel),
            ("topic", where.topic),
            ("cause", where.fingerprint),
            ("since", where.since.isoformat() if where.since else None),
            ("state", where.state),
        )
        if value is not None
    ]
    return pairs + [("id", message_id) for message_id in sorted(where.ids or ())]


def query(where: DeadLetterFilter, **extra: str) -> str:
    """A query string for ``where`` and ``extra`` parameters, without the ``?``."""
    return urlencode(filter_pairs(where) + list(extra.items()))


def describe(where: DeadLetterFilter) -> str:
    """``where`` in words: ``lane critical, cause 3fa2b1c0d9e8``; ``every dead letter``."""
    if where == EVERYTHING:
        return "every dead letter"
    words = [f"{name} {value}" for name, value in filter_pairs(where) if name != "id"]
    if where.ids:
        shown = ", ".join(sorted(where.ids)[:3]) + (", ..." if len(where.ids) > 3 else "")
        words.append(f"{len(where.ids)} id(s): {shown}")
    return ", ".join(words)


def _text(params: Params, name: str) -> str | None:
    value = params.get(name)
    return None if value is None else (_checked(name, value) or None)


def _checked(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise BadRequest(f"{name}: expected text")
    if len(value) > _TEXT_LIMIT:
        raise BadRequest(f"{name}: at most {_TEXT_LIMIT} characters")
    return value.strip()


def _choice(params: Params, name: str, allowed: tuple[str, ...]) -> str | None:
    value = _text(params, name)
    if value is not None and value not in allowed:
        raise BadRequest(f"{name} {value!r}: expected one of {', '.join(allowed)}")
    return value
