"""``weir dlq``: find dead letters, see why they died, and replay, purge or export them.

Replay and purge act on ids or filters (``--all`` when neither is given), print their plan
first, ask before acting (``--yes`` does not), and write who, what and ``--why`` to the audit
log.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.progress import Progress

from cli.common import console, emit_json, fail, open_oncall, operator, parse_since
from cli.render import (
    audit_table,
    dead_letter_detail,
    dead_letters_table,
    groups_table,
    plan_text,
)
from oncall.fleet import calls_per_event
from queues.dead import DeadLetterFilter, Outcome, Plan, State

__all__ = ["app"]

app = typer.Typer(help="Dead letters: why each died; replay, purge, export.", no_args_is_help=True)

Ids = Annotated[list[str] | None, typer.Argument(help="message ids (from 'weir dlq list')", show_default=False)]
LaneOption = Annotated[str | None, typer.Option("--lane", help="critical, standard, bulk or replay")]
ChannelOption = Annotated[str | None, typer.Option("--channel", help="a channel, e.g. shop-us")]
TopicOption = Annotated[str | None, typer.Option("--topic", help="a canonical topic, e.g. order.created")]
CauseOption = Annotated[str | None, typer.Option("--cause", help="a cause id (from 'weir dlq groups')")]
SinceOption = Annotated[str | None, typer.Option("--since", help="died since: 15m, 2h, 3d or an ISO time")]
StateOption = Annotated[State | None, typer.Option("--state", help="dead or quarantined")]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="act without asking")]
WhyOption = Annotated[str | None, typer.Option("--why", help="why, for the audit log (required to act)")]
AllOption = Annotated[bool, typer.Option("--all", help="every dead letter, when no id or filter is given")]


def _where(
    *,
    ids: list[str] | None = None,
    lane: str | None = None,
    channel: str | None = None,
    topic: str | None = None,
    cause: str | None = None,
    since: str | None = None,
    state: State | None = None,
) -> DeadLetterFilter:
    return DeadLetterFilter(
        lane=lane,
        channel=channel,
        topic=topic,
        fingerprint=cause,
        since=parse_since(since),
        state=state,
        ids=frozenset(ids) if ids else None,
    )


@app.command("list")
def list_dead_letters(
    *,
    lane: LaneOption = None,
    channel: ChannelOption = None,
    topic: TopicOption = None,
    cause: CauseOption = None,
    since: SinceOption = None,
    state: StateOption = None,
    limit: Annotated[int, typer.Option(help="at most this many")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Dead letters, newest first, with their cause."""
    where = _where(lane=lane, channel=channel, topic=topic, cause=cause, since=since, state=state)
    with open_oncall() as oncall:
        reasons = oncall.store.select(where, limit=limit)
    if as_json:
        emit_json(reasons)
    else:
        console().print(dead_letters_table(reasons))


@app.command("groups")
def groups(
    *,
    lane: LaneOption = None,
    channel: ChannelOption = None,
    topic: TopicOption = None,
    since: SinceOption = None,
    state: StateOption = None,
    as_json: JsonOption = False,
) -> None:
    """Dead letters grouped by cause, the largest group first."""
    where = _where(lane=lane, channel=channel, topic=topic, since=since, state=state)
    with open_oncall() as oncall:
        found = oncall.store.groups(where)
    if as_json:
        emit_json(found)
    else:
        console().print(groups_table(found))


@app.command("show")
def show(
    message_id: Annotated[str, typer.Argument(help="the dead letter's message id")],
    as_json: JsonOption = False,
) -> None:
    """One dead letter: why it died, its failures, and the message."""
    with open_oncall() as oncall:
        reason = oncall.store.get(message_id)
        body = oncall.store.body(message_id)
    if reason is None:
        fail(f"no dead letter {message_id} (replayed, purged, or never dead)", code=1)
    if as_json:
        emit_json({"reason": reason, "message": (body or b"").decode("utf-8", "replace")})
    else:
        console().print(dead_letter_detail(reason, body))


@app.command("replay")
def replay(
    ids: Ids = None,
    *,
    lane: LaneOption = None,
    channel: ChannelOption = None,
    topic: TopicOption = None,
    cause: CauseOption = None,
    since: SinceOption = None,
    state: StateOption = None,
    every: AllOption = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print the plan, do nothing")] = False,
    force: Annotated[bool, typer.Option(help="replay quarantined ones too, past the replay limit")] = False,
    why: WhyOption = None,
    yes: YesOption = False,
    as_json: JsonOption = False,
) -> None:
    """Send dead letters back through the replay lane, under the ERP's budget."""
    chosen = _where(ids=ids, lane=lane, channel=channel, topic=topic, cause=cause, since=since, state=state)
    where = _chosen(chosen, every)
    with open_oncall() as oncall:
        per_event = calls_per_event(oncall.status())
        with oncall.replayer(per_event) as replayer:
            plan = replayer.plan(where, force=force)
            if not _confirmed(plan, "replay", dry_run=dry_run, yes=yes, as_json=as_json, why=why):
                return
            with _progress(plan.replay + plan.quarantine, "Replaying", as_json) as tick:
                outcome = replayer.replay(where, who=operator(), why=why or "", force=force, progress=tick)
    _report(outcome, "replayed", as_json)


@app.command("purge")
def purge(
    ids: Ids = None,
    *,
    lane: LaneOption = None,
    channel: ChannelOption = None,
    topic: TopicOption = None,
    cause: CauseOption = None,
    since: SinceOption = None,
    state: StateOption = None,
    every: AllOption = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print the plan, do nothing")] = False,
    why: WhyOption = None,
    yes: YesOption = False,
    as_json: JsonOption = False,
) -> None:
    """Delete dead letters for good: the messages and their reasons."""
    chosen = _where(ids=ids, lane=lane, channel=channel, topic=topic, cause=cause, since=since, state=state)
    where = _chosen(chosen, every)
    with open_oncall() as oncall, oncall.replayer() as replayer:
        plan = replayer.plan(where, force=True)
        if not _confirmed(plan, "purge", dry_run=dry_run, yes=yes, as_json=as_json, why=why):
            return
        with _progress(plan.replay, "Purging", as_json) as tick:
            outcome = replayer.purge(where, who=operator(), why=why or "", progress=tick)
    _report(outcome, "purged", as_json)


@app.command("export")
def export(
    *,
    lane: LaneOption = None,
    channel: ChannelOption = None,
    topic: TopicOption = None,
    cause: CauseOption = None,
    since: SinceOption = None,
    state: StateOption = None,
    output_format: Annotated[
        Literal["jsonl"], typer.Option("--format", help="jsonl: one dead letter a line")
    ] = "jsonl",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write (default: stdout)")] = None,
) -> None:
    """Write dead letters, reason and message, one JSON document a line."""
    where = _where(lane=lane, channel=channel, topic=topic, cause=cause, since=since, state=state)
    stream = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        with open_oncall() as oncall:
            for reason in oncall.store.select(where):
                body = oncall.store.body(reason.message_id) or b""
                line = {"reason": reason.model_dump(mode="json"), "message": body.decode("utf-8", "replace")}
                stream.write(json.dumps(line) + "\n")
    finally:
        if output:
            stream.close()


@app.command("audit")
def audit(
    limit: Annotated[int, typer.Option(help="at most this many entries")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Who replayed and purged what, when, and why; newest first."""
    with open_oncall() as oncall:
        entries = oncall.audit.read(limit)
    if as_json:
        emit_json(entries)
    else:
        console().print(audit_table(entries))


def _chosen(where: DeadLetterFilter, every: bool) -> DeadLetterFilter:
    if where == DeadLetterFilter() and not every:
        fail("name ids or a filter (--lane, --channel, --topic, --cause, --since, --state), or --all")
    return where


def _confirmed(plan: Plan, action: str, *, dry_run: bool, yes: bool, as_json: bool, why: str | None) -> bool:
    """Show the plan; whether to go on (never for a dry run; asked unless ``yes``). With
    ``--json`` nothing is asked: without ``--yes`` the plan is printed as a dry run's."""
    if as_json and (dry_run or not yes):
        emit_json({"plan": plan, "dry_run": True})
        return False
    if not as_json:
        console().print(plan_text(plan, action))
    if dry_run or not (plan.replay or plan.quarantine):
        return False
    if not why:
        fail("say why with --why, for the audit log (e.g. --why 'SKU-0099 added to the catalogue')")
    return yes or typer.confirm(f"{action.capitalize()} them?", default=False)


@contextmanager
def _progress(total: int, label: str, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar over ``total`` messages (silent for ``--json``); yields its tick."""
    with Progress(console=console(), disable=quiet) as progress:
        task = progress.add_task(label, total=total)
        yield lambda count: progress.advance(task, count)


def _report(outcome: Outcome, done: str, as_json: bool) -> None:
    if as_json:
        emit_json(outcome)
        return
    console().print(f"{outcome.done} {done}.")
    if outcome.released:
        console().print(f"{outcome.released} parked event(s) released behind them, to apply in their order.")
    if outcome.quarantined:
        console().print(f"{outcome.quarantined} quarantined: replayed too often already (purge them, or --force).")
    if outcome.missing:
        console().print(f"{len(outcome.missing)} were gone from their queue already: {', '.join(outcome.missing[:10])}")
