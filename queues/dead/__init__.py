"""Dead letters: why each died (kept in Redis), the messages (kept in RabbitMQ), and what
on-call does with them (replay, purge, quarantine), audited."""

from queues.dead.audit import AuditEntry, AuditLog, audit_log
from queues.dead.queue import DeadLetterQueue
from queues.dead.reason import Classification, DeadLetterReason, FailureRecord, State, cause_of, fingerprint_of
from queues.dead.replay import REPLAYS_OPTION, Outcome, Plan, Replayer
from queues.dead.settings import DeadLetterSettings
from queues.dead.store import CauseGroup, DeadLetterFilter, DeadLetterStore, ReasonStoreUnavailable, dead_letter_store

__all__ = [
    "REPLAYS_OPTION",
    "AuditEntry",
    "AuditLog",
    "CauseGroup",
    "Classification",
    "DeadLetterFilter",
    "DeadLetterQueue",
    "DeadLetterReason",
    "DeadLetterSettings",
    "DeadLetterStore",
    "FailureRecord",
    "Outcome",
    "Plan",
    "ReasonStoreUnavailable",
    "Replayer",
    "State",
    "audit_log",
    "cause_of",
    "dead_letter_store",
    "fingerprint_of",
]
