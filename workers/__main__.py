"""``python -m workers <lane>``: run Dramatiq workers bound to one lane's queue.

Each lane is its own Procfile process type, so ops scale each one alone. Options after the lane
are Dramatiq's own (``--processes``, ``--threads``, ...).
"""

from __future__ import annotations

import argparse
import sys

from dramatiq import cli

from queues.lanes import Lane
from queues.topology import lane_queues
from weir.errors import ConfigError
from workers.app import load_config

#: Seconds a stopping worker waits for running actors before it abandons them to redelivery;
#: under the 30 s most platforms allow between SIGTERM and SIGKILL.
SHUTDOWN_TIMEOUT_MS = 25_000


def main(argv: list[str] | None = None) -> int:
    """Check the settings, then hand over to Dramatiq's process supervisor."""
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("lane", choices=[lane.value for lane in Lane])
    parser.add_argument("--processes", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--threads", type=int, default=2, help="threads per process (default 2)")
    args = parser.parse_args(argv)
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"weir worker: {exc}", file=sys.stderr)
        return 2
    queue = lane_queues(config.service.namespace, Lane(args.lane)).ready
    dramatiq_args = cli.make_argument_parser().parse_args(  # type: ignore[no-untyped-call]
        [
            "workers.app:setup",
            "--queues", queue,
            "--processes", str(args.processes),
            "--threads", str(args.threads),
            "--worker-shutdown-timeout", str(SHUTDOWN_TIMEOUT_MS),
            "--skip-logging",
        ]
    )  # fmt: skip
    print(f"weir worker: consuming {queue} with {args.processes} x {args.threads} threads", flush=True)
    return int(cli.main(dramatiq_args) or 0)  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    sys.exit(main())
