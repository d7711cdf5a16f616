"""What every provider implements, and the request-reading helpers they share.

Header mappings are case-insensitive (Starlette's ``Headers``); providers look names up in
lower case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Literal, Protocol

import orjson

from receivers.errors import BadSignature, MalformedRequest

__all__ = [
    "MAX_ID_CHARS",
    "MAX_JSON_DEPTH",
    "Delivery",
    "Provider",
    "parse_json_object",
    "require_header",
    "require_id",
]

#: Longest delivery or entity id accepted, in characters; longer ones are malformed requests.
MAX_ID_CHARS = 200

#: Deepest nesting of arrays and objects accepted in a body; deeper ones are malformed requests.
#: No provider nests a tenth as deep, and the workers parse payloads with the standard library,
#: whose recursion stops near 1,000 levels.
MAX_JSON_DEPTH = 256

# 20 digits in a row may be an integer beyond 64 bits, which orjson would turn into a float.
_LONG_INTEGER = re.compile(rb"\d{20}")


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a verified request says about the event it carries.

    ``topic`` is canonical (``order.created``); ``source_topic`` is the provider's own name.
    """

    delivery_id: str
    source_topic: str
    topic: str
    entity_id: str
    occurred_at: datetime


class Provider(Protocol):
    """One webhook provider's signing scheme and delivery format.

    Providers subclass this protocol explicitly, so they inherit :meth:`is_handshake`,
    :meth:`is_ping` and ``transport``: ``http`` providers post signed webhooks to the receiver; ``sqs`` providers
    (Amazon) are polled from a queue that IAM protects, so they have no secrets and their
    channels are never served over HTTP.
    """

    name: ClassVar[str]
    transport: ClassVar[Literal["http", "sqs"]] = "http"

    def is_handshake(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Whether the request is the provider's unsigned handshake (WooCommerce's ping when a
        webhook is created), to answer 200 without verifying, claiming or enqueueing anything.
        Most providers have none."""
        return False

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Whether a request whose signature holds is the provider's test notification (a
        GitHub-style ``ping``, Square's ``webhooks.test_notification``): it reports no event, so
        it is answered 200 without claiming or enqueueing anything, and never reaches a lane or
        the dead letters. Most providers send none.

        Raises:
            MalformedRequest: the body is not what the provider sends (as :meth:`parse` would).
        """
        return False

    def signing_key(self, secret: str) -> bytes:
        """The HMAC key a configured secret stands for.

        Raises:
            ValueError: the secret is not in the provider's format.
        """
        ...

    def verify(self, headers: Mapping[str, str], body: bytes, keys: Sequence[bytes], now: float) -> None:
        """Check the request's signature over the exact ``body`` bytes against every key.

        ``now`` is the current Unix time in seconds, for providers that sign a timestamp.

        Raises:
            BadSignature: the signature is missing or matches no key.
            StaleTimestamp: the signed timestamp is too far from ``now``.
            MalformedRequest: a header the signature depends on is missing or malformed.
        """
        ...

    def parse(self, headers: Mapping[str, str], body: bytes, received_at: datetime) -> Delivery:
        """Read the delivery id, topic, entity and time from a verified request.

        Raises:
            MalformedRequest: a required header is missing or the body is not a JSON object.
        """
        ...


def require_header(headers: Mapping[str, str], name: str, *, signature: bool = False) -> str:
    """The value of header ``name``.

    Raises:
        BadSignature: when ``signature`` and the header is missing or empty.
        MalformedRequest: when not ``signature`` and the header is missing or empty.
    """
    value = headers.get(name, "").strip()
    if value:
        return value
    if signature:
        raise BadSignature(f"missing signature header {name}")
    raise MalformedRequest(f"missing required header {name}")


def require_id(value: object, what: str) -> str:
    """An id from a header or payload as text, exactly as sent (integers keep every digit).

    Raises:
        MalformedRequest: the id is missing, empty, not a string or integer, or too long.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise MalformedRequest(f"{what} is missing or not a string or integer")
    text = str(value)
    if not text or len(text) > MAX_ID_CHARS:
        raise MalformedRequest(f"{what} must be 1 to {MAX_ID_CHARS} characters")
    return text


def parse_json_object(body: bytes) -> dict[str, Any]:
    """The body parsed as a JSON object; integers stay exact, whatever their size.

    Raises:
        MalformedRequest: the body is not UTF-8 JSON, not an object, or nested deeper than
            :data:`MAX_JSON_DEPTH`.
    """
    if _LONG_INTEGER.search(body):
        data = _parse_slowly(body)
    else:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            data = _parse_slowly(body)
    if not isinstance(data, dict):
        raise MalformedRequest("the body must be a JSON object")
    # Each level opens a bracket, so a body with few brackets is shallow enough unread.
    if body.count(b"{") + body.count(b"[") > MAX_JSON_DEPTH and _depth(data) > MAX_JSON_DEPTH:
        raise MalformedRequest(f"the body is nested deeper than {MAX_JSON_DEPTH} levels")
    return data


def _parse_slowly(body: bytes) -> Any:
    # The standard library keeps integers of any size exact; orjson reads those beyond 64 bits
    # as floats (an id of 20 digits would lose its last ones) and refuses some other valid JSON.
    # It is laxer than JSON too: it reads NaN and Infinity, and lone UTF-16 surrogates ("\ud800")
    # that no UTF-8 text can hold, so those are refused here, as orjson refuses them.
    # Its parser recurses, so a body nested about 1,000 deep exhausts the stack instead of failing.
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except RecursionError:
        raise MalformedRequest(f"the body is nested deeper than {MAX_JSON_DEPTH} levels") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedRequest(f"the body is not valid JSON: {exc}") from None
    if not _encodable(data):
        raise MalformedRequest("the body is not valid JSON: a string holds a lone UTF-16 surrogate")
    return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _encodable(data: Any) -> bool:
    """Whether every string and key in ``data`` is valid Unicode (no lone surrogate), walked
    without recursion."""
    pending = [data]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return True


def _depth(data: Any) -> int:
    """How deeply arrays and objects nest in ``data`` (a scalar is 0), walked without recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest
