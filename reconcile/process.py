"""The reconcile process: ``python -m reconcile`` runs reconciliation over every channel with API
credentials, then again every ``WEIR_RECONCILE_INTERVAL_SECONDS``, until SIGTERM or SIGINT.

With no channel to list it idles until stopped instead of exiting, so it can stay in the
Procfile: honcho stops the whole fleet when any process exits.
"""

from __future__ import annotations

import logging
import sys
import threading

from reconcile.app import load_config, reconciler
from reconcile.errors import RunInProgress
from reconcile.run import Reconciler
from weir.errors import ConfigError, WeirError
from weir.logs import configure_logging
from weir.reporting import init_reporting
from weir.signals import stop_event

__all__ = ["PROCESS", "main", "run_every"]

logger = logging.getLogger(__name__)

#: Who the audit trail names for the process's runs.
PROCESS = "reconcile process"


def main() -> int:
    """Check the settings, then reconcile until stopped. Returns the process exit status."""
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"weir reconcile: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.service.log_level, config.service.log_format)
    init_reporting(config.service)
    stopping = stop_event()
    try:
        with reconciler(config) as running:
            channels = ", ".join(running.channels) or "no channel with an order API (idle until stopped)"
            print(f"weir reconcile: every {config.reconcile.interval_seconds:g} s: {channels}", flush=True)
            run_every(running, config.reconcile.interval_seconds, stopping)
    except ConfigError as exc:
        print(f"weir reconcile: {exc}", file=sys.stderr)
        return 2
    return 0


def run_every(running: Reconciler, interval_seconds: float, stopping: threading.Event) -> None:
    """Run every channel, then wait ``interval_seconds``, until ``stopping`` is set. A run that
    fails (Redis away) is logged and tried again at the next interval."""
    while not stopping.is_set():
        for channel in running.channels:
            if stopping.is_set():
                return
            try:
                report = running.run(channel, who=PROCESS, why="scheduled")
            except RunInProgress as exc:
                logger.info("Reconciliation of %s skipped: %s.", channel, exc)
                continue
            except WeirError as exc:
                logger.error("Reconciliation of %s could not run: %s", channel, exc)
                continue
            logger.info(
                "Reconciled %s: %d orders listed, %d missing enqueued, %d updates, %d drifting%s.",
                channel,
                report.listed,
                report.missing,
                report.updates,
                report.drift,
                f", stopped early: {report.error}" if report.error else "",
            )
        stopping.wait(interval_seconds)
