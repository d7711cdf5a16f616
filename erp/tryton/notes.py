"""Exceptions Weir records on a Tryton sale, as notes attached to it (``ir.note``).

A note is what an ERP user sees on the sale: the channel changed something Weir could not
apply (a confirmed sale's lines, a cancellation after shipping). Each note starts with its key
in brackets, ``[weir <key>]``, so the same change is recorded once however often it arrives.
"""

from __future__ import annotations

import logging

from erp.tryton.client import TrytonClient

__all__ = ["TrytonNotes"]

logger = logging.getLogger(__name__)


class TrytonNotes:
    """Reads and writes Weir's notes on sales."""

    def __init__(self, client: TrytonClient) -> None:
        self._client = client

    def record(self, sale_id: int, key: str, text: str) -> bool:
        """Attach ``text`` to the sale under ``key``, unless a note with that key is there;
        return whether it was written now."""
        marker = f"[weir {key}]"
        resource = f"sale.sale,{sale_id}"
        # LIKE treats % and _ as wildcards: the exact prefix is checked on what it finds.
        found = self._client.call(
            "model.ir.note.search_read",
            [["resource", "=", resource], ["message", "like", f"{marker}%"]],
            0,
            None,
            None,
            ["message"],
        )
        if any(str(note["message"]).startswith(marker) for note in found):
            return False
        self._client.call("model.ir.note.create", [{"resource": resource, "message": f"{marker} {text}"}])
        logger.warning("Recorded on Tryton sale %s: %s", sale_id, text)
        return True

    def of(self, sale_id: int) -> tuple[str, ...]:
        """Weir's notes on the sale, oldest first."""
        found = self._client.call(
            "model.ir.note.search_read",
            [["resource", "=", f"sale.sale,{sale_id}"], ["message", "like", "[weir %"]],
            0,
            None,
            [["id", "ASC"]],
            ["message"],
        )
        return tuple(str(note["message"]) for note in found)
