"""A three-node RabbitMQ cluster and a Redis master with two replicas under three Sentinels,
started on this machine's loopback for the cluster benchmark and its test.

Every node runs from a temporary directory with ports of its own and an Erlang cookie of its
own, so the machine's RabbitMQ (``rabbit@<host>`` on 5672) and Redis (6379) are never touched;
the nodes only share the machine's epmd, which is never stopped.

    with RabbitCluster(work / "rabbit") as rabbit, RedisSentinels(work / "redis") as redis:
        rabbit.kill(rabbit.leader_of("weir.critical"))
        redis.kill_master()
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import redis as redis_py

__all__ = ["RabbitCluster", "RedisSentinels", "free_ports"]

_RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")
_COOKIE = "WEIRBENCHCLUSTERCOOKIE"


def free_ports(count: int) -> list[int]:
    """``count`` TCP ports nobody listens on right now."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


class _Rig:
    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


class RabbitCluster(_Rig):
    """``nodes`` RabbitMQ nodes (``weir-a@localhost``, ...) joined in one cluster under ``work``."""

    def __init__(self, work: Path, nodes: int = 3) -> None:
        self._work = work
        self.names = [f"weir-{chr(ord('a') + index)}@localhost" for index in range(nodes)]
        ports = free_ports(2 * nodes)
        self.ports, self._dist_ports = ports[:nodes], ports[nodes:]
        self._children: dict[str, subprocess.Popen[bytes]] = {}
        self._home = work / "home"

    @property
    def urls(self) -> list[str]:
        """Each node's AMQP URL, in node order."""
        return [f"amqp://guest:guest@127.0.0.1:{port}/%2F" for port in self.ports]

    def url_from(self, first: int) -> str:
        """``WEIR_BROKER_URL`` for a host that lists node ``first`` first, then the others in turn."""
        count = len(self.urls)
        return ",".join(self.urls[(first + step) % count] for step in range(count))

    def start(self) -> None:
        self._home.mkdir(parents=True, exist_ok=True)
        cookie = self._home / ".erlang.cookie"
        if not cookie.exists():
            cookie.write_text(_COOKIE)
            cookie.chmod(0o400)
        (self._work / "plugins").write_text("[].\n")
        for index in range(len(self.names)):
            self._start_node(index)
        for name in self.names:
            self._await_startup(name)
        for name in self.names[1:]:
            self._join(name)
        for port in self.ports:
            _wait(lambda port=port: _accepts(port), what=f"RabbitMQ on {port}")

    def _await_startup(self, name: str) -> None:
        # Until the node has registered with epmd, rabbitmqctl cannot even find it.
        deadline = time.monotonic() + 120
        while True:
            try:
                self.ctl(name, "await_startup", timeout=60)
                return
            except (RuntimeError, subprocess.TimeoutExpired):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def _join(self, name: str) -> None:
        # A node only just booted sometimes refuses to join ("corrupt_or_missing_cluster_files"):
        # it is empty, so resetting it and joining again is safe.
        for attempt in range(5):
            self.ctl(name, "stop_app")
            self.ctl(name, "reset")
            try:
                self.ctl(name, "join_cluster", self.names[0])
                break
            except RuntimeError:
                if attempt == 4:
                    raise
                time.sleep(1)
        self.ctl(name, "start_app")

    def _start_node(self, index: int) -> None:
        name, node_dir = self.names[index], self._work / self.names[index].split("@")[0]
        (node_dir / "log").mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "HOME": str(self._home),
            "RABBITMQ_NODENAME": name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.ports[index]),
            "RABBITMQ_DIST_PORT": str(self._dist_ports[index]),
            "RABBITMQ_MNESIA_BASE": str(node_dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(node_dir / "log"),
            "RABBITMQ_PID_FILE": str(node_dir / "pid"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self._work / "plugins"),
            "RABBITMQ_CONFIG_FILE": str(node_dir / "none"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(node_dir / "none-advanced.config"),
        }
        log = (node_dir / "server.out").open("ab")
        self._children[name] = subprocess.Popen(
            [str(_RABBIT_BIN / "rabbitmq-server")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def ctl(self, node: str, *args: str, timeout: float = 60) -> str:
        """``rabbitmqctl -n node args`` with the cluster's cookie; its output."""
        done = subprocess.run(
            [str(_RABBIT_BIN / "rabbitmqctl"), "-n", node, *args],
            cwd=self._home,
            env={**os.environ, "HOME": str(self._home)},
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"rabbitmqctl -n {node} {' '.join(args)}: {done.stderr.decode()[-500:]}")
        return done.stdout.decode()

    def leader_of(self, queue: str) -> int:
        """The index of the node that holds the leader of the quorum queue ``queue``."""
        for name in self.names:
            if name in self._children and self._children[name].poll() is None:
                out = self.ctl(name, "list_queues", "name", "leader", "--quiet", "--no-table-headers")
                for line in out.splitlines():
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == queue:
                        return self.names.index(parts[1])
        raise LookupError(f"no node leads {queue}")

    def kill(self, index: int) -> None:
        """SIGKILL node ``index`` (the Erlang VM and its helpers), as a machine lost would."""
        child = self._children[self.names[index]]
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(30)

    def stop(self) -> None:
        for child in self._children.values():
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait(30)
        self._children.clear()
        # The logs stay for a look after the run; the nodes' data goes.
        for name in self.names:
            shutil.rmtree(self._work / name.split("@")[0] / "mnesia", ignore_errors=True)


class RedisSentinels(_Rig):
    """A Redis master with ``replicas`` replicas and ``sentinels`` Sentinels watching it as
    ``master`` (quorum: a majority), on free loopback ports under ``work``; the Sentinels ask
    for ``sentinel_password`` when one is given."""

    def __init__(
        self,
        work: Path,
        replicas: int = 2,
        sentinels: int = 3,
        master: str = "weir",
        sentinel_password: str | None = None,
    ) -> None:
        self._work = work
        self.master_name = master
        self.sentinel_password = sentinel_password
        ports = free_ports(1 + replicas + sentinels)
        self.redis_ports, self.sentinel_ports = ports[: 1 + replicas], ports[1 + replicas :]
        self._children: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def sentinels(self) -> str:
        """``WEIR_REDIS_SENTINELS`` for this rig."""
        return ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)

    def start(self) -> None:
        self._work.mkdir(parents=True, exist_ok=True)
        master = self.redis_ports[0]
        for port in self.redis_ports:
            replica_of = [] if port == master else ["--replicaof", "127.0.0.1", str(master)]
            self._spawn(port, ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--repl-diskless-sync-delay", "0", "--dir", str(self._work), *replica_of])  # fmt: skip
        quorum = len(self.sentinel_ports) // 2 + 1
        for port in self.sentinel_ports:
            config = self._work / f"sentinel-{port}.conf"
            config.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {self._work}\n"
                f"sentinel monitor {self.master_name} 127.0.0.1 {master} {quorum}\n"
                f"sentinel down-after-milliseconds {self.master_name} 1000\n"
                f"sentinel failover-timeout {self.master_name} 5000\n"
                f"sentinel parallel-syncs {self.master_name} 2\n"
                + (f"requirepass {self.sentinel_password}\n" if self.sentinel_password else "")
            )
            self._spawn(port, [str(config), "--sentinel"])
        for port in self.redis_ports:
            _wait_for_ping(port)
        for port in self.sentinel_ports:
            _wait_for_ping(port, self.sentinel_password)
        _wait(lambda: self._replicas_online() == len(self.redis_ports) - 1, what="the replicas")
        # A Sentinel learns the replicas from the master's INFO, which it reads every 10 s; one
        # that has not seen them yet finds "no good slave" when the master dies, and retries only
        # after twice the failover timeout. So the rig is ready once every Sentinel knows them all.
        _wait(self._sentinels_informed, what="the Sentinels to know every replica and each other")

    def master(self) -> tuple[str, int]:
        """The master the Sentinels name now."""
        for port in self.sentinel_ports:
            try:
                host, master = self._ask_sentinel(port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", self.master_name)
                return host.decode() if isinstance(host, bytes) else str(host), int(master)
            except (redis_py.RedisError, TypeError):
                continue
        raise LookupError("no Sentinel names a master")

    def kill_master(self) -> int:
        """SIGKILL the master; returns its port."""
        _, port = self.master()
        self._children[port].kill()
        self._children[port].wait(30)
        return port

    def failed_over(self, old: int) -> bool:
        """Whether the Sentinels name a master other than port ``old`` that answers as one."""
        try:
            _, port = self.master()
            return port != old and _ask(port, "ROLE")[0] == b"master"
        except (LookupError, redis_py.RedisError):
            return False

    def stop(self) -> None:
        for child in self._children.values():
            if child.poll() is None:
                child.kill()
                child.wait(30)
        self._children.clear()
        shutil.rmtree(self._work, ignore_errors=True)

    def _spawn(self, port: int, args: list[str]) -> None:
        log = (self._work / f"redis-{port}.log").open("ab")
        self._children[port] = subprocess.Popen(
            ["redis-server", *args], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    def _sentinels_informed(self) -> bool:
        replicas, others = len(self.redis_ports) - 1, len(self.sentinel_ports) - 1
        for port in self.sentinel_ports:
            try:
                known = self._ask_sentinel(port, "SENTINEL", "REPLICAS", self.master_name)
                peers = self._ask_sentinel(port, "SENTINEL", "SENTINELS", self.master_name)
            except redis_py.RedisError:
                return False
            healthy = [replica for replica in known if _is_healthy(replica)]
            if len(healthy) < replicas or len(peers) < others:
                return False
        return True

    def _ask_sentinel(self, port: int, *command: str) -> Any:
        return _ask(port, *command, password=self.sentinel_password)

    def _replicas_online(self) -> int:
        info = _ask(self.redis_ports[0], "INFO", "replication")
        return sum(1 for key, value in info.items() if key.startswith("slave") and value.get("state") == "online")


def _ask(port: int, *command: str, password: str | None = None) -> Any:
    """One command's raw reply from the Redis or Sentinel on ``port``, on a connection closed after."""
    client = redis_py.Redis(port=port, socket_timeout=1, password=password)
    try:
        return client.execute_command(*command)  # type: ignore[no-untyped-call]
    finally:
        client.close()


def _is_healthy(replica: dict[bytes, bytes]) -> bool:
    """Whether a ``SENTINEL REPLICAS`` entry is a replica the Sentinel sees up and linked to its master."""
    flags = replica.get(b"flags", b"").decode()
    return "s_down" not in flags and "disconnected" not in flags and replica.get(b"master-link-status") == b"ok"


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _wait_for_ping(port: int, password: str | None = None) -> None:
    def answers() -> bool:
        try:
            return bool(_ask(port, "PING", password=password))
        except redis_py.RedisError:
            return False

    _wait(answers, what=f"redis on {port}")


def _wait(check: object, *, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(0.1)
