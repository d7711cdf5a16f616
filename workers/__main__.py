"""``python -m workers <lane>[,<lane>...]``: run Dramatiq workers bound to lanes' queues.

Each lane is its own Procfile process type, so ops scale each one alone; a small fleet may bind
one process to several lanes (``standard,bulk``). The outbound lane, whose actors call the
channels instead of the ERP, runs alone in its processes (:mod:`workers.outbound`).
"""

from __future__ import annotations

import argparse
import sys

from dramatiq import cli

from queues.lanes import Lane
from queues.topology import lane_queues
from queues.upgrade import check_lanes
from weir.errors import ConfigError
from workers.app import load_config

#: Seconds a stopping worker waits for running actors before it abandons them to redelivery;
#: under the 30 s most platforms allow between SIGTERM and SIGKILL.
SHUTDOWN_TIMEOUT_MS = 25_000


def main(argv: list[str] | None = None) -> int:
    """Check the settings, then hand over to Dramatiq's process supervisor."""
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
    parser.add_argument("lanes", type=_lanes, help="a lane, or several separated by commas")
    parser.add_argument("--processes", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--threads", type=int, default=2, help="threads per process (default 2)")
    args = parser.parse_args(argv)
    try:
        config = load_config()
        check_lanes(str(config.broker.url), config.service.namespace, args.lanes)
    except ConfigError as exc:
        print(f"weir worker: {exc}", file=sys.stderr)
        return 2
    if Lane.OUTBOUND in args.lanes and len(args.lanes) > 1:
        print("weir worker: the outbound lane runs in a process of its own", file=sys.stderr)
        return 2
    entry = "workers.outbound:setup" if args.lanes == [Lane.OUTBOUND] else "workers.app:setup"
    queues = [lane_queues(config.service.namespace, lane).ready for lane in args.lanes]
    dramatiq_args = cli.make_argument_parser().parse_args(  # type: ignore[no-untyped-call]
        [
            entry,
            "--queues", *queues,
            "--processes", str(args.processes),
            "--threads", str(args.threads),
            "--worker-shutdown-timeout", str(SHUTDOWN_TIMEOUT_MS),
            "--skip-logging",
        ]
    )  # fmt: skip
    print(f"weir worker: consuming {', '.join(queues)} with {args.processes} x {args.threads} threads", flush=True)
    return int(cli.main(dramatiq_args) or 0)  # type: ignore[no-untyped-call]


def _lanes(text: str) -> list[Lane]:
    try:
        return [Lane(name.strip()) for name in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"lanes are {', '.join(lane.value for lane in Lane)}") from None


if __name__ == "__main__":
    sys.exit(main())
