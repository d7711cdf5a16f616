"""The spike benchmark's figures and picture, from what the driver, the sampler and the ERP saw."""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass
from pathlib import Path

import pika
import redis

from bench.driver import Driver
from bench.sampler import Sample
from queues.lanes import Lane
from queues.topology import lane_queues
from simulator.stats import StatsSnapshot

__all__ = ["Outcome", "Timeline", "count_outcome", "report"]

#: Seconds after an outage or a storm during which the fleet is expected to ramp back up.
RECOVERY = 30


@dataclass(frozen=True)
class Timeline:
    """Phases, in seconds from the start of the load."""

    spike: tuple[int, int]
    outage: tuple[int, int]
    storm: tuple[int, int]
    end: int

    def disturbed(self, t: float) -> bool:
        """Whether ``t`` falls in the outage, the storm, or the recovery after either."""
        return any(start <= t < stop + RECOVERY for start, stop in (self.outage, self.storm))


@dataclass(frozen=True)
class Outcome:
    """Where every event ended up, counted once the workers stopped."""

    queued: int
    dead: int
    tally: dict[str, int]


def count_outcome(namespace: str, broker_url: str, redis_url: str) -> Outcome:
    connection = pika.BlockingConnection(pika.URLParameters(broker_url))
    channel = connection.channel()
    queued = dead = 0
    for lane in Lane:
        queues = lane_queues(namespace, lane)
        queued += sum(
            channel.queue_declare(name, passive=True).method.message_count for name in (queues.ready, queues.delayed)
        )
        dead += channel.queue_declare(queues.dead, passive=True).method.message_count
    connection.close()
    client = redis.Redis.from_url(redis_url)
    tally = {key.decode(): int(value) for key, value in client.hgetall(f"{namespace}:tally").items()}
    client.close()
    return Outcome(queued, dead, tally)


def report(
    driver: Driver,
    samples: list[Sample],
    stats: StatsSnapshot,
    stored: dict[str, dict[str, int]],
    outcome: Outcome,
    plan: Timeline,
    started: float,
    args: argparse.Namespace,
    png: Path,
) -> None:
    """Print the figures and write the picture to ``png``."""
    budget = args.budget
    t0 = int(started)
    received = _complete(stats.received_per_second)
    over_limit = sum(stats.refused_per_second.get("rate_limit", {}).values())
    storm = sum(stats.refused_per_second.get("storm", {}).values())
    print(
        f"ERP budget {budget:g} requests/s, burst {args.burst:g} (the simulator's limit too, bucket of {args.sim_burst}), "
        f"concurrency {args.concurrency}"
    )
    print(f"  busiest 1-s window:            {max(received.values())} requests (budget + 1 = {budget + 1:g})")
    print(f"  429s for exceeding the limit:  {over_limit} (and {storm} served by the storm itself)")
    print(f"  limit errors (SSS) served:     {stats.limit_errors}")
    _utilisation(samples, stats, plan, t0, budget)
    _critical_latency(driver, samples, stored, plan, t0)
    _losses(driver, stats, stored, outcome)
    _recovery(stats, plan, t0, budget)
    plot(driver, samples, stats, plan, t0, budget, png)
    print(f"picture: {png}")


def _complete(per_second: dict[int, int]) -> dict[int, int]:
    seconds = sorted(per_second)
    return {second: per_second[second] for second in seconds[1:-1]}


def _utilisation(samples: list[Sample], stats: StatsSnapshot, plan: Timeline, t0: int, budget: float) -> None:
    busy = [
        stats.succeeded_per_second.get(sample.at, 0) / budget
        for sample in samples
        if sum(sample.backlog.values()) > 0 and not plan.disturbed(sample.at - t0) and sample.at - t0 > 5
    ]
    if busy:
        print(f"  utilisation with a backlog:    {statistics.mean(busy):.1%} of the budget on average over {len(busy)} s "
              f"(outage, storm and {RECOVERY} s after each left out)")  # fmt: skip


def _critical_latency(
    driver: Driver, samples: list[Sample], stored: dict[str, dict[str, int]], plan: Timeline, t0: int
) -> None:
    bulk_at = {sample.at: sample.backlog[Lane.BULK] for sample in samples}
    latencies, pending = [], 0
    for order, accepted in driver.accepted_at["orders"].items():
        second = int(accepted)
        if bulk_at.get(second, 0) < 50_000 or plan.disturbed(second - t0):
            continue
        landed = stored["sales"].get(f"bench:{order}")
        if landed is None:
            pending += 1
        else:
            latencies.append(landed / 1000 - accepted)
    if not latencies:
        print("  critical latency:              no order was accepted while 50,000 bulk events waited")
        return
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    print(f"  critical, accepted -> ERP, while >= 50,000 bulk events waited: p50 {statistics.median(latencies):.2f} s, "
          f"p99 {p99:.2f} s over {len(latencies)} orders ({pending} not applied yet)")  # fmt: skip


def _losses(driver: Driver, stats: StatsSnapshot, stored: dict[str, dict[str, int]], outcome: Outcome) -> None:
    accepted = sum(len(entities) for entities in driver.accepted_at.values())
    applied = len(stored["sales"]) + len(stored["customers"])
    lost = accepted - applied - outcome.queued - outcome.dead
    print(
        f"  events accepted {accepted}, applied {applied}, still queued {outcome.queued}, dead-lettered {outcome.dead}"
    )
    print(f"  events lost: {lost}; retries spent: {outcome.tally.get('retries', 0)}; "
          f"deferrals: {outcome.tally.get('deferrals', 0)}; duplicate ERP writes: "
          f"{stats.references_written_more_than_once}; webhooks refused: {dict(driver.refused)}")  # fmt: skip


def _recovery(stats: StatsSnapshot, plan: Timeline, t0: int, budget: float) -> None:
    recovered = t0 + plan.outage[1]
    full = next(
        (second for second in sorted(stats.succeeded_per_second) if second >= recovered
         and stats.succeeded_per_second[second] >= 0.97 * budget),
        None,
    )  # fmt: skip
    when = "never" if full is None else f"{full - recovered} s"
    print(f"  from ERP recovery to full budget: {when}")


def plot(
    driver: Driver, samples: list[Sample], stats: StatsSnapshot, plan: Timeline, t0: int, budget: float, png: Path
) -> None:
    """Ingest and ERP rates with the budget, lane backlogs, and the breaker, over time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (rates, depths, breaker) = plt.subplots(3, 1, figsize=(12, 9), sharex=True, height_ratios=[3, 2, 1])
    seconds = range(plan.end + 5)
    ingest = [sum(counter.get(t0 + t, 0) for counter in driver.accepted_per_second.values()) for t in seconds]
    rates.plot(
        seconds,
        [stats.succeeded_per_second.get(t0 + t, 0) for t in seconds],
        label="ERP calls served/s",
        color="tab:blue",
    )
    rates.plot(
        [s.at - t0 for s in samples],
        [s.allowed_rate for s in samples],
        label="budget the gate allows",
        color="tab:red",
        linestyle="--",
    )
    rates.axhline(budget, color="tab:red", linewidth=0.5)
    rates.set_ylabel("ERP calls per second")
    rates.set_ylim(0, 1.6 * budget)
    # The spike is 20x the steady load: on the ERP's scale it would flatten the line that matters,
    # so webhooks in get their own axis, on the right.
    ingest_axis = rates.twinx()
    ingest_axis.plot(seconds, ingest, label="webhooks accepted/s (right)", color="tab:gray", linewidth=0.8)
    ingest_axis.set_ylim(0, max([*ingest, budget]) * 1.25)
    ingest_axis.set_ylabel("webhooks accepted per second")
    lines = rates.get_lines()[:2] + ingest_axis.get_lines()
    rates.legend(lines, [line.get_label() for line in lines], loc="center left", fontsize=8)
    for lane, color in ((Lane.CRITICAL, "tab:red"), (Lane.STANDARD, "tab:orange"), (Lane.BULK, "tab:green")):
        depths.plot(
            [s.at - t0 for s in samples], [s.backlog[lane] for s in samples], label=f"{lane.value} waiting", color=color
        )
    depths.set_ylabel("messages waiting")
    depths.legend(loc="upper right")
    level = {"closed": 0, "half": 0.5, "open": 1}
    breaker.step([s.at - t0 for s in samples], [level.get(s.breaker, 0) for s in samples], where="post", color="black")
    breaker.set_yticks([0, 0.5, 1], ["closed", "half-open", "open"])
    breaker.set_xlabel("seconds since the load started")
    for axis in (rates, depths, breaker):
        for (start, stop), label in ((plan.spike, "20x spike"), (plan.outage, "ERP outage"), (plan.storm, "429 storm")):
            axis.axvspan(start, stop, alpha=0.08, color="tab:purple")
            if axis is rates:
                axis.text(start, axis.get_ylim()[1], label, va="top", fontsize=8)
    figure.suptitle(f"Weir under fire: budget {budget:g} calls/s")
    figure.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(png, dpi=100)
