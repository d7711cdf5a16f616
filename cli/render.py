"""How ``weir`` shows the fleet and its dead letters to a person (``--json`` shows them to tools).

Every value is shown whole at any width: tables too wide for it (standard output that is no
terminal is 80 columns) give way to fewer columns or one block per row (:mod:`weir.cli.fitting`).
"""

from __future__ import annotations

import json
from datetime import datetime

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from cli.fitting import Fitted, table
from oncall.durations import duration
from oncall.status import FleetStatus, LaneStatus
from queues.dead import AuditEntry, CauseGroup, DeadLetterReason, Plan

__all__ = ["audit_table", "dead_letter_detail", "dead_letters_table", "groups_table", "plan_text", "status_view"]


#: The lanes' columns: what each lane holds (the first seven), then how it drains.
_LANE_COLUMNS = (
    "lane",
    "consumers",
    "ready",
    "delayed",
    "in flight",
    "dead",
    "parked",
    "oldest",
    "done/s",
    "drain ETA",
    "SLO",
    "wanted",
)
_HOLDS = 7


def status_view(status: FleetStatus) -> RenderableType:
    """Lanes, then the ERP, the dead letters (and orders held there whose total does not
    reconcile), reconciliation and the outbound notices per channel, then alerts (red; critical
    ones reversed), as ``weir status`` prints them. Where one table of the lanes is too wide,
    two: what they hold, and how they drain."""
    title = f"Weir at {status.at:%Y-%m-%d %H:%M:%S} UTC"
    rows = [_lane_row(lane) for lane in status.lanes]
    wide = _filled(table(title, _LANE_COLUMNS), rows)
    # These fit 80 columns whole; narrower, their values fold (every column may wrap) rather than crop.
    holds, drains = _LANE_COLUMNS[:_HOLDS], ("lane", *_LANE_COLUMNS[_HOLDS:])
    holding = _filled(table(title, holds, prose=holds), [row[:_HOLDS] for row in rows])
    draining = _filled(table("How they drain", drains, prose=drains), [(row[0], *row[_HOLDS:]) for row in rows])
    erp = status.erp
    budget = "unlimited" if not erp.budget_per_second else f"{erp.budget_per_second:.0f}/s"
    latency = "-" if erp.average_latency_ms is None else f"{erp.average_latency_ms:.0f} ms"
    breaker = {"closed": "[green]closed[/]", "open": "[red]open[/]", "half": "[yellow]half-open[/]"}[erp.breaker]
    blocked = f" (blocked for {erp.blocked_for_seconds:.0f} s)" if erp.blocked_for_seconds else ""
    # Two short lines rather than one that an 80-column terminal breaks mid-phrase.
    erp_lines = (
        Text.from_markup(f"ERP: breaker {breaker}{blocked}; average latency {latency}"),
        Text(f"ERP calls: {erp.calls_per_second:.1f}/s (budget {budget}, allowed now {erp.allowed_per_second:.0f}/s)"),
    )
    dead = Text(f"Dead letters in the last 15 minutes: {status.dead_letters_recent}; quarantined: {status.quarantined}")
    mismatches = []
    if status.total_mismatches:
        last = f" (last: {status.last_total_mismatch})" if status.last_total_mismatch else ""
        shown = f"Orders whose total does not reconcile: {status.total_mismatches}{last}"
        mismatches.append(Text(shown, style="bold red"))
    alerts = [
        Text(f"CRITICAL {alert}", style="bold reverse red")
        if alert in status.critical_alerts
        else Text(f"ALERT {alert}", style="bold red")
        for alert in status.alerts
    ] or [Text("No alerts.", style="green")]
    return Group(
        Fitted(wide, Group(holding, draining)),
        *erp_lines,
        dead,
        *mismatches,
        *_reconciled(status),
        *_outbound(status),
        *alerts,
    )


def _reconciled(status: FleetStatus) -> list[Text]:
    """A line per reconciled channel: its last run, cursor, missing orders enqueued, drift."""
    lines = []
    for channel in status.reconciliation:
        cursor = "none yet" if channel.cursor is None else moment(channel.cursor)
        ran = f"last run {moment(channel.last_run_at)}" + (" (dry run)" if channel.dry_run else "")
        lines.append(
            Text(
                f"Reconcile {channel.channel}: {ran}, cursor {cursor}; {channel.listed} listed, "
                f"{channel.missing} missing enqueued ({channel.missing_total} ever); {channel.drift} drifting"
                + ("; stopped early" if channel.error else "")
            )
        )
    return lines


def _outbound(status: FleetStatus) -> list[Text]:
    """A line per channel the outbound workers told: notices sent, and those spared a call."""
    lines = []
    for channel, outcomes in sorted(status.outbound.items()):
        spared = [
            f"{count} {outcome.replace('_', ' ')}" for outcome, count in sorted(outcomes.items()) if outcome != "sent"
        ]
        lines.append(
            Text(f"Outbound {channel}: {outcomes.get('sent', 0)} sent" + "".join(f"; {text}" for text in spared))
        )
    return lines


def _lane_row(lane: LaneStatus) -> tuple[str, ...]:
    return (
        lane.lane,
        str(lane.consumers) if lane.consumers else "[bold red]0[/]",
        str(lane.ready),
        str(lane.delayed),
        str(lane.in_flight),
        str(lane.dead),
        str(lane.parked),
        duration(lane.oldest_age_seconds),
        f"{lane.throughput_per_second:.1f}",
        "never" if lane.drain_eta_seconds is None else duration(lane.drain_eta_seconds),
        duration(lane.slo_seconds),
        str(lane.desired_workers),
    )


def _filled(shown: Table, rows: list[tuple[str, ...]]) -> Table:
    """``shown`` with ``rows``; numbers are right-aligned, names left."""
    for column in shown.columns[1:]:
        column.justify = "right"
    for row in rows:
        shown.add_row(*row)
    return shown


def dead_letters_table(reasons: list[DeadLetterReason]) -> RenderableType:
    """One row per dead letter where the width allows, else one block each."""
    title = f"{len(reasons)} dead letter(s), newest first"
    wide = table(
        title, ("id", "died", "lane", "channel", "topic", "entity", "class", "cause", "replays"), prose=("cause",)
    )
    for reason in reasons:
        wide.add_row(
            reason.message_id,
            moment(reason.dead_lettered_at),
            reason.lane or "-",
            reason.channel or "-",
            reason.topic or "-",
            reason.entity_id or "-",
            reason.classification,
            f"{reason.fingerprint} {escape(reason.error_message)}",
            _replays(reason),
        )
    blocks = [
        _block(
            reason.message_id,
            f"died {moment(reason.dead_lettered_at)}, {reason.classification}, replays {_replays(reason)}",
            f"lane {reason.lane or '-'}, channel {reason.channel or '-'}, topic {reason.topic or '-'}, "
            f"entity {reason.entity_id or '-'}",
            f"cause {reason.fingerprint} {reason.error_message}",
        )
        for reason in reasons
    ]
    return Fitted(wide, Group(Text(title, style="italic"), *blocks))


def _replays(reason: DeadLetterReason) -> str:
    return str(reason.replays) + (" (quarantined)" if reason.state == "quarantined" else "")


def groups_table(groups: list[CauseGroup]) -> RenderableType:
    """One row per cause where the width allows, else one block each."""
    title = "Dead letters by cause"
    wide = table(title, ("count", "cause id", "cause", "lanes", "newest"), prose=("cause",))
    wide.columns[0].justify = "right"
    for group in groups:
        wide.add_row(str(group.count), group.fingerprint, escape(group.cause), ", ".join(group.lanes), _newest(group))
    blocks = [
        _block(
            f"{group.count} x {group.cause}",
            f"cause id {group.fingerprint}, lanes {', '.join(group.lanes)}, newest {_newest(group)}",
        )
        for group in groups
    ]
    return Fitted(wide, Group(Text(title, style="italic"), *blocks))


def _newest(group: CauseGroup) -> str:
    return moment(group.newest.dead_lettered_at)


def dead_letter_detail(reason: DeadLetterReason, body: bytes | None) -> RenderableType:
    fields = Table(title=f"Dead letter {reason.message_id}", show_header=False)
    fields.add_column("field", style="bold", no_wrap=True)
    fields.add_column("value", overflow="fold")
    for field, value in reason.model_dump(exclude={"history"}).items():
        fields.add_row(field, escape(moment(value) if isinstance(value, datetime) else str(value)))
    history = table("Failures, oldest first", ("at", "error"), prose=("error",))
    for record in reason.history:
        history.add_row(moment(datetime.fromtimestamp(record.at / 1000).astimezone()), escape(record.error))
    if not body:
        return Group(fields, history, Text("(the message's copy was not kept)"))
    payload = _payload(body)
    parts: list[RenderableType] = [fields, history]
    if payload is not None:
        parts += [Text("Payload, as the provider sent it:", style="bold"), Text(_pretty(payload.encode()))]
    return Group(*parts, Text("Message:", style="bold"), Text(_pretty(body)))


def audit_table(entries: list[AuditEntry]) -> RenderableType:
    """One row per entry where the width allows, else one block each."""
    title = "Audit log, newest first"
    wide = table(title, ("at", "who", "action", "count", "selection", "why"), prose=("selection", "why"))
    wide.columns[3].justify = "right"
    for entry in entries:
        selection = _selection(entry)
        wide.add_row(moment(entry.at), entry.who, entry.action, str(entry.count), escape(selection), escape(entry.why))
    blocks = [
        _block(
            f"{moment(entry.at)} {entry.who}: {entry.action} {entry.count}",
            f"selection {_selection(entry)}",
            f"why {entry.why}",
        )
        for entry in entries
    ]
    return Fitted(wide, Group(Text(title, style="italic"), *blocks))


def _selection(entry: AuditEntry) -> str:
    return ", ".join(f"{key}={value}" for key, value in entry.selection.items()) or "all"


def _block(heading: str, *lines: str) -> RenderableType:
    """One row as a block: its heading in bold, then each line indented, wrapping between words."""
    indented = (Padding(Text(line), (0, 0, 0, 2), expand=False) for line in lines)
    return Group(Text(heading, style="bold"), *indented)


def plan_text(plan: Plan, action: str = "replay") -> str:
    if action == "purge":
        text = f"Purge {plan.replay + plan.quarantine} dead letter(s): their messages and reasons are deleted for good."
        if plan.released:
            text += f" {plan.released} parked event(s) behind them are released to the replay lane."
        return text
    eta = "at once (the budget is unlimited)" if plan.eta_seconds is None else f"in about {duration(plan.eta_seconds)}"
    text = (
        f"Replay {plan.replay} dead letter(s) through the replay lane, {eta} at the replay lane's share of the budget."
    )
    if plan.released:
        text += f" {plan.released} parked event(s) behind them follow, each once the one ahead applied."
    if plan.quarantine:
        text += (
            f" {plan.quarantine} were replayed too often already and go to quarantine instead (--force replays them)."
        )
    return text


def moment(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S %Z}".strip()


def _payload(body: bytes) -> str | None:
    """The provider's payload inside a Weir event message, if the message is one."""
    try:
        envelope = json.loads(body)["args"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    payload = envelope.get("payload") if isinstance(envelope, dict) else None
    return payload if isinstance(payload, str) else None


def _pretty(body: bytes) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, sort_keys=True)
    except ValueError:
        return body.decode("utf-8", "replace")
