"""Replay and purge as the console runs them: a plan first, then the action, only while the
plan still holds. The same semantics as ``weir dlq replay`` and ``weir dlq purge``.

These functions block (Redis and a RabbitMQ connection of their own); views run them in a
thread.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum

from console.errors import PlanChanged
from oncall.fleet import OnCall, calls_per_event
from queues.dead import DeadLetterFilter, DeadLetterReason, Outcome, Plan, Replayer

__all__ = ["SAMPLE_SIZE", "Action", "Proposal", "act", "propose"]

#: How many of the chosen dead letters a plan lists.
SAMPLE_SIZE = 20


class Action(StrEnum):
    REPLAY = "replay"
    PURGE = "purge"


@dataclass(frozen=True)
class Proposal:
    """What an action would do to the dead letters ``where`` picks: the ``plan``, how many it
    touches in all, the newest few of them, and the first few of the parked events that follow
    them (``plan.released`` in all)."""

    plan: Plan
    total: int
    sample: list[DeadLetterReason]
    followers: list[DeadLetterReason]


def propose(oncall: OnCall, action: Action, where: DeadLetterFilter, *, force: bool = False) -> Proposal:
    """The plan of ``action`` on ``where``; ``force`` replays even those replayed too often.

    Raises:
        QueueError: RabbitMQ or Redis did not answer.
    """
    with _replayer(oncall, action) as replayer:
        plan = _plan(replayer, action, where, force)
        followers = replayer.followers(where, force=force or action is Action.PURGE) if plan.released else []
    return Proposal(
        plan=plan,
        total=plan.replay + plan.quarantine,
        sample=oncall.store.select(where, SAMPLE_SIZE),
        followers=followers[:SAMPLE_SIZE],
    )


def act(
    oncall: OnCall, action: Action, where: DeadLetterFilter, *, who: str, why: str, force: bool, expected: int
) -> Outcome:
    """Take ``action`` on ``where``, audited with ``who`` and ``why``, if its plan still touches
    ``expected`` dead letters.

    Raises:
        PlanChanged: the selection changed since the plan; nothing was done.
        QueueError: RabbitMQ or Redis did not answer.
    """
    with _replayer(oncall, action) as replayer:
        plan = _plan(replayer, action, where, force)
        if plan.replay + plan.quarantine != expected:
            raise PlanChanged(
                f"the selection changed since it was planned: it now picks {plan.replay + plan.quarantine}"
            )
        if action is Action.PURGE:
            return replayer.purge(where, who=who, why=why)
        return replayer.replay(where, who=who, why=why, force=force)


def _replayer(oncall: OnCall, action: Action) -> AbstractContextManager[Replayer]:
    # The replay plan's ETA needs the ERP calls an event costs lately; a purge calls no ERP.
    per_event = calls_per_event(oncall.status()) if action is Action.REPLAY else 1.0
    return oncall.replayer(per_event)


def _plan(replayer: Replayer, action: Action, where: DeadLetterFilter, force: bool) -> Plan:
    # A purge deletes quarantined dead letters too, so its plan counts them all, as the CLI's does.
    return replayer.plan(where, force=force or action is Action.PURGE)
