"""The audit log of on-call's actions, in the real Redis."""

from __future__ import annotations

import redis

from queues.dead import audit_log


def test_entries_read_back_newest_first_with_who_what_and_why(redis_client: redis.Redis, namespace: str) -> None:
    log = audit_log(redis_client, namespace)
    log.append(who="ana@host", action="replay", count=3, selection={"lane": "critical"}, why="SKU added")
    log.append(who="bo@host", action="purge", count=1, selection={"ids": ["m1"]}, why="test order")

    entries = log.read()

    assert [(entry.who, entry.action, entry.count, entry.why) for entry in entries] == [
        ("bo@host", "purge", 1, "test order"),
        ("ana@host", "replay", 3, "SKU added"),
    ]
    assert entries[1].selection == {"lane": "critical"}


def test_an_empty_log_reads_as_no_entries(redis_client: redis.Redis, namespace: str) -> None:
    assert audit_log(redis_client, namespace).read() == []
