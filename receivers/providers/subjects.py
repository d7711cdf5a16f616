"""Which entity a subject of Weir's canonical JSON is about (Standard Webhooks' ``data``, a generic
HMAC body), so that the workers lock, fence and hold it with the other events of that entity.

A cancellation, a refund and a fulfillment name their order by ``order_id``: they belong to it
(:func:`events.topics.entity_type`), so their entity is the order, not the delivery. Stock
levels have no id: their entity is the SKUs they count (``SKU@location`` when counted per
location), so an older count of the same SKUs is stale. Anything else is its ``id``.
"""

from __future__ import annotations

from typing import Any

from events.topics import entity_type
from receivers.providers.base import MAX_ID_CHARS, require_id

__all__ = ["subject_entity_id"]


def subject_entity_id(topic: str, subject: dict[str, Any]) -> str | None:
    """The entity id of ``subject`` under ``topic``, or ``None`` when it names none (the caller
    falls back to the delivery id).

    Raises:
        MalformedRequest: an ``order_id`` or ``id`` that is not an id (see :func:`require_id`).
    """
    if entity_type(topic) == "order" and "order_id" in subject:
        return require_id(subject["order_id"], "the subject's order_id")
    if "id" in subject:
        return require_id(subject["id"], "the subject's id")
    return _counted(subject.get("levels"))


def _counted(levels: object) -> str | None:
    if not isinstance(levels, list) or not levels:
        return None
    names = set()
    for level in levels:
        sku = level.get("sku") if isinstance(level, dict) else None
        if not isinstance(sku, str) or not sku:
            return None
        location = level.get("location")
        names.add(f"{sku}@{location}" if isinstance(location, str) and location else sku)
    entity = ",".join(sorted(names))
    # Too many SKUs for one id: each such event stands alone, unfenced, rather than refused.
    return entity if len(entity) <= MAX_ID_CHARS else None
