"""The outbound process: ``python -m outbound`` reads the ERP's stock changes and done shipments
every ``WEIR_OUTBOUND_INTERVAL_SECONDS`` and publishes them on the outbound lane, until SIGTERM
or SIGINT. One process reads at a time, fleet-wide (a lease in Redis); a second one waits.

With no channel to tell it idles until stopped instead of exiting, so it can stay in the
Procfile: honcho stops the whole fleet when any process exits.
"""

from __future__ import annotations

import logging
import sys
import threading

from outbound.app import load_config, poller
from outbound.cursors import OutboundState
from outbound.poll import OutboundPoller, PollReport
from weir.errors import ConfigError, WeirError
from weir.logs import configure_logging
from weir.reporting import init_reporting
from weir.signals import stop_event

__all__ = ["main", "poll_every", "poll_once"]

logger = logging.getLogger(__name__)


def main() -> int:
    """Check the settings, then poll until stopped. Returns the process exit status."""
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"weir outbound: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.service.log_level, config.service.log_format)
    init_reporting(config.service)
    stopping = stop_event()
    try:
        with poller(config) as (running, state):
            channels = ", ".join(running.channels) or "no channel with a writer (idle until stopped)"
            print(f"weir outbound: every {config.outbound.interval_seconds:g} s: {channels}", flush=True)
            lease_ms = int(config.outbound.lease_seconds * 1000)
            poll_every(running, state, config.outbound.interval_seconds, lease_ms, stopping)
    except ConfigError as exc:
        print(f"weir outbound: {exc}", file=sys.stderr)
        return 2
    return 0


def poll_every(
    running: OutboundPoller, state: OutboundState, interval_seconds: float, lease_ms: int, stopping: threading.Event
) -> None:
    """Poll under the lease, then wait ``interval_seconds``, until ``stopping`` is set. A poll that
    fails (the ERP, Redis or RabbitMQ away) is logged and tried again at the next interval."""
    while not stopping.is_set():
        if running.channels:
            poll_once(running, state, lease_ms)
        stopping.wait(interval_seconds)


def poll_once(running: OutboundPoller, state: OutboundState, lease_ms: int) -> PollReport | None:
    """One read under the lease; ``None`` when it did not run (another process holds the lease,
    or the read failed: both logged)."""
    try:
        token = state.take_lease(lease_ms)
    except WeirError as exc:
        logger.error("The outbound lease could not be taken: %s", exc)
        return None
    if token is None:
        logger.debug("Another outbound process holds the lease; this one waits.")
        return None
    try:
        report = running.poll()
    except WeirError as exc:
        logger.error("The outbound read failed; it is tried again at the next interval: %s", exc)
        return None
    finally:
        try:
            state.release_lease(token)
        except WeirError as exc:
            logger.warning("The outbound lease could not be released (it runs out by itself): %s", exc)
    if report.stock or report.shipments:
        logger.info("Published %d stock levels and %d shipments outbound.", report.stock, report.shipments)
    return report
