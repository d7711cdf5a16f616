"""How ``weir`` shows the fleet and its dead letters to a person (``--json`` shows them to tools)."""

from __future__ import annotations

import json
from datetime import datetime

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from oncall.durations import duration
from oncall.status import FleetStatus
from queues.dead import AuditEntry, CauseGroup, DeadLetterReason, Plan

__all__ = ["audit_table", "dead_letter_detail", "dead_letters_table", "groups_table", "plan_text", "status_view"]


def status_view(status: FleetStatus) -> RenderableType:
    """Lanes, then the ERP, then alerts (red; critical ones reversed), as ``weir status`` prints them."""
    lanes = Table(title=f"Weir at {status.at:%Y-%m-%d %H:%M:%S} UTC")
    for column in (
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
    ):
        lanes.add_column(column, justify="left" if column == "lane" else "right")
    for lane in status.lanes:
        lanes.add_row(
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
    erp = status.erp
    budget = "unlimited" if not erp.budget_per_second else f"{erp.budget_per_second:.0f}/s"
    latency = "-" if erp.average_latency_ms is None else f"{erp.average_latency_ms:.0f} ms"
    breaker = {"closed": "[green]closed[/]", "open": "[red]open[/]", "half": "[yellow]half-open[/]"}[erp.breaker]
    erp_line = Text.from_markup(
        f"ERP: breaker {breaker}; {erp.calls_per_second:.1f} calls/s (budget {budget}, allowed now "
        f"{erp.allowed_per_second:.0f}/s); average latency {latency}"
        + (f"; blocked for {erp.blocked_for_seconds:.0f} s" if erp.blocked_for_seconds else "")
    )
    dead = Text(f"Dead letters in the last 15 minutes: {status.dead_letters_recent}; quarantined: {status.quarantined}")
    alerts = [
        Text(f"CRITICAL {alert}", style="bold reverse red")
        if alert in status.critical_alerts
        else Text(f"ALERT {alert}", style="bold red")
        for alert in status.alerts
    ] or [Text("No alerts.", style="green")]
    return Group(lanes, erp_line, dead, *alerts)


def dead_letters_table(reasons: list[DeadLetterReason]) -> Table:
    table = Table(title=f"{len(reasons)} dead letter(s), newest first")
    for column in ("id", "died", "lane", "channel", "topic", "entity", "class", "cause", "replays"):
        # Ids are what the other commands take: never cut them.
        table.add_column(column, no_wrap=column == "id", min_width=32 if column == "id" else None)
    for reason in reasons:
        table.add_row(
            reason.message_id,
            moment(reason.dead_lettered_at),
            reason.lane or "-",
            reason.channel or "-",
            reason.topic or "-",
            reason.entity_id or "-",
            reason.classification,
            f"{reason.fingerprint} {escape(reason.error_message)}",
            str(reason.replays) + (" (quarantined)" if reason.state == "quarantined" else ""),
        )
    return table


def groups_table(groups: list[CauseGroup]) -> Table:
    table = Table(title="Dead letters by cause")
    for column in ("count", "cause id", "cause", "lanes", "newest"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for group in groups:
        table.add_row(
            str(group.count),
            group.fingerprint,
            escape(group.cause),
            ", ".join(group.lanes),
            moment(group.newest.dead_lettered_at),
        )
    return table


def dead_letter_detail(reason: DeadLetterReason, body: bytes | None) -> RenderableType:
    table = Table(title=f"Dead letter {reason.message_id}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for field, value in reason.model_dump(exclude={"history"}).items():
        table.add_row(field, escape(moment(value) if isinstance(value, datetime) else str(value)))
    history = Table(title="Failures, oldest first")
    history.add_column("at")
    history.add_column("error")
    for record in reason.history:
        history.add_row(moment(datetime.fromtimestamp(record.at / 1000).astimezone()), escape(record.error))
    if not body:
        return Group(table, history, Text("(the message's copy was not kept)"))
    payload = _payload(body)
    parts: list[RenderableType] = [table, history]
    if payload is not None:
        parts += [Text("Payload, as the provider sent it:", style="bold"), Text(_pretty(payload.encode()))]
    return Group(*parts, Text("Message:", style="bold"), Text(_pretty(body)))


def audit_table(entries: list[AuditEntry]) -> Table:
    table = Table(title="Audit log, newest first")
    for column in ("at", "who", "action", "count", "selection", "why"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for entry in entries:
        selection = ", ".join(f"{key}={value}" for key, value in entry.selection.items()) or "all"
        table.add_row(moment(entry.at), entry.who, entry.action, str(entry.count), escape(selection), escape(entry.why))
    return table


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
