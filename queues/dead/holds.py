"""Per-entity lines behind dead letters: when an entity's event dies, its later events wait.

Each entity with something held has a *line* in Redis: the ids of its messages in the order
they must apply, the head first. While the head is a dead letter (the entity's *blocker*),
every later event of the entity joins the line and is parked (kept in its lane's dead letters
with a reason naming the blocker); other entities flow as usual. When on-call replays the
blocker, it is *released*: its followers are sent after it, and each waits until the message
ahead of it has applied. When the blocker is purged, it leaves the line and its followers go.

Keys (no TTL: a line lasts as long as the dead letter that blocks it):

* ``<prefix>line:<entity>``: list of message ids, the head first;
* ``<prefix>blocker:<entity>``: the id of the dead letter at the head, while it is dead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import redis

from queues.errors import QueueError

__all__ = ["EntityHolds", "HoldVerdict", "HoldsUnavailable", "entity_holds", "verdict_of"]


class HoldsUnavailable(QueueError):
    """Redis did not answer, so an entity's line could not be read or changed."""


@dataclass(frozen=True)
class HoldVerdict:
    """What a message of an entity may do now: ``free`` (nothing is held: run), ``head`` (run,
    then leave the line), ``wait`` (behind ``behind``, released and not applied yet) or ``park``
    (behind the dead letter ``behind``)."""

    action: Literal["free", "head", "wait", "park"]
    behind: str | None = None


_ACTIONS: tuple[Literal["free", "head", "wait", "park"], ...] = ("free", "head", "wait", "park")


def verdict_of(code: Any, behind: Any) -> HoldVerdict:
    """The verdict a line's script answered as ``{code, behind}`` (see ``hold_check.lua``)."""
    return HoldVerdict(_ACTIONS[int(code)], _text(behind) or None)


class EntityHolds:
    """The lines of one namespace, under ``prefix``.

    >>> holds = EntityHolds(client, prefix="weir:hold:")
    >>> holds.block("shop-us:order:1001", "m1")   # m1 was dead-lettered
    >>> holds.check("shop-us:order:1001", "m2")
    HoldVerdict(action='park', behind='m1')
    """

    def __init__(self, client: redis.Redis, *, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._check = client.register_script(_lua("hold_check"))
        self._leave = client.register_script(_lua("hold_leave"))
        self._block = client.register_script(_lua("hold_block"))
        self._release = client.register_script(_lua("hold_release"))

    def check(self, entity: str, message_id: str) -> HoldVerdict:
        """Whether ``message_id`` may run now; a held entity's new message joins its line.

        Raises:
            HoldsUnavailable: Redis did not answer.
        """
        code, behind = self._call(lambda: self._check(keys=self.keys(entity), args=[message_id]))
        return verdict_of(code, behind)

    def leave(self, entity: str, message_id: str) -> bool:
        """Take ``message_id`` out of the line (it applied, was skipped or purged); ``True``
        when it was the blocker, so its followers may go."""
        return bool(self._call(lambda: self._leave(keys=self.keys(entity), args=[message_id])))

    def block(self, entity: str, message_id: str) -> int:
        """``message_id`` was dead-lettered: it heads the line and blocks it. Returns the
        line's length (1 when nothing follows it yet)."""
        return int(self._call(lambda: self._block(keys=self.keys(entity), args=[message_id])))

    def release(self, entity: str, message_id: str) -> bool:
        """``message_id`` is sent back (replayed): its followers wait for it rather than park.
        ``False`` when it was not the entity's blocker."""
        return bool(self._call(lambda: self._release(keys=[self._key("blocker", entity)], args=[message_id])))

    def line(self, entity: str) -> list[str]:
        """The entity's line, the head first (empty when nothing is held)."""
        ids = self._call(lambda: self._client.lrange(self._key("line", entity), 0, -1))
        return [_text(message_id) for message_id in ids]

    def blocker(self, entity: str) -> str | None:
        """The dead letter blocking the entity, if any."""
        raw = self._call(lambda: self._client.get(self._key("blocker", entity)))
        return None if raw is None else _text(raw)

    def keys(self, entity: str) -> list[str]:
        """The entity's line and blocker keys, in the order the line's scripts take them."""
        return [self._key("line", entity), self._key("blocker", entity)]

    def _key(self, kind: str, entity: str) -> str:
        return f"{self._prefix}{kind}:{entity}"

    def _call(self, operation: Callable[[], Any]) -> Any:
        try:
            return operation()
        except redis.RedisError as exc:
            raise HoldsUnavailable(f"the entities' lines did not answer: {exc}") from exc


def entity_holds(client: redis.Redis, namespace: str) -> EntityHolds:
    """The lines of ``namespace`` (keys ``<namespace>:hold:*``)."""
    return EntityHolds(client, prefix=f"{namespace}:hold:")


@cache
def _lua(name: str) -> str:
    return files("queues.dead").joinpath("scripts", f"{name}.lua").read_text(encoding="utf-8")


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
