"""A Redis primary, a replica and three sentinels as real processes, for failover tests.

The sentinels are `redis-server --sentinel` (Debian's redis-sentinel package is
the same binary) with configuration files generated here. They notice a dead
primary after `down_after_ms` and promote the replica; `redis+sentinel_url`
is what every process of the stack is given.
"""

import shutil
import subprocess
from pathlib import Path

import redis

from .stack import RedisServer, free_port, port_open, wait_until

SERVICE = "marginalia"


class SentinelProcess:
    def __init__(
        self, directory: Path, primary_port: int, down_after_ms: int, failover_timeout_ms: int
    ):
        self.directory = directory
        self.port = free_port()
        self.primary_port = primary_port
        self.down_after_ms = down_after_ms
        self.failover_timeout_ms = failover_timeout_ms
        self.process: subprocess.Popen | None = None

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "sentinel.conf"  # the sentinel rewrites it as it learns
        config.write_text(
            f"port {self.port}\nbind 127.0.0.1\ndir {self.directory}\n"
            f"sentinel monitor {SERVICE} 127.0.0.1 {self.primary_port} 2\n"
            f"sentinel down-after-milliseconds {SERVICE} {self.down_after_ms}\n"
            f"sentinel failover-timeout {SERVICE} {self.failover_timeout_ms}\n"
            f"sentinel parallel-syncs {SERVICE} 1\n"
        )
        # Debian's redis-sentinel where installed (CI installs it); the same binary otherwise.
        argv = (
            [shutil.which("redis-sentinel"), str(config)]
            if shutil.which("redis-sentinel")
            else ["redis-server", str(config), "--sentinel"]
        )
        self.process = subprocess.Popen(
            argv, stdout=open(self.directory / "sentinel.log", "ab"), stderr=subprocess.STDOUT
        )
        wait_until(lambda: port_open(self.port), message="redis-sentinel to listen")
        return self

    def primary_address(self) -> tuple[str, int] | None:
        try:
            with redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1) as client:
                address = client.execute_command("SENTINEL", "get-master-addr-by-name", SERVICE)
        except redis.RedisError:
            return None
        return (address[0].decode(), int(address[1])) if address else None

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class SentinelCluster:
    """Primary, replica and three sentinels, quorum two."""

    def __init__(self, workdir: Path, down_after_ms: int = 1000, failover_timeout_ms: int = 3000):
        self.primary = RedisServer(workdir / "primary", persistent=False)
        self.replica: RedisServer | None = None
        self.sentinels: list[SentinelProcess] = []
        self.workdir = workdir
        self.down_after_ms = down_after_ms
        self.failover_timeout_ms = failover_timeout_ms

    def url(self, db: int = 0) -> str:
        hosts = ",".join(f"127.0.0.1:{s.port}" for s in self.sentinels)
        return f"redis+sentinel://{hosts}/{SERVICE}/{db}"

    def start(self):
        self.primary.start()
        self.replica = RedisServer(
            self.workdir / "replica", persistent=False, replica_of=self.primary.port
        ).start()
        wait_until(self._replica_in_sync, timeout=20, message="the replica to sync")
        self.sentinels = [
            SentinelProcess(
                self.workdir / f"sentinel{n}",
                self.primary.port,
                self.down_after_ms,
                self.failover_timeout_ms,
            ).start()
            for n in range(3)
        ]
        # Every sentinel knows the replica and the other sentinels before a failover counts.
        wait_until(
            self._sentinels_see_each_other,
            timeout=30,
            message="the sentinels to discover the replica and each other",
        )
        return self

    def _replica_in_sync(self) -> bool:
        try:
            info = self.replica.client().info("replication")
        except redis.RedisError:
            return False
        return info.get("master_link_status") == "up"

    def _sentinels_see_each_other(self) -> bool:
        for sentinel in self.sentinels:
            try:
                with redis.Redis(host="127.0.0.1", port=sentinel.port, socket_timeout=1) as c:
                    master = c.execute_command("SENTINEL", "master", SERVICE)
            except redis.RedisError:
                return False
            fields = (
                dict(zip(master[::2], master[1::2], strict=False))
                if isinstance(master, list)
                else master
            )
            fields = {_text(k): _text(v) for k, v in fields.items()}
            replicas, others = fields.get("num-slaves", 0), fields.get("num-other-sentinels", 0)
            if int(replicas) < 1 or int(others) < 2:
                return False
        return True

    def primary_port_by_sentinels(self) -> int | None:
        """The primary's port if a majority of the sentinels agree on it."""
        ports = [address[1] for s in self.sentinels if (address := s.primary_address())]
        for port in set(ports):
            if ports.count(port) >= 2:
                return port
        return None

    def stop(self):
        for sentinel in self.sentinels:
            sentinel.stop()
        for node in (self.primary, self.replica):
            if node is not None:
                node.stop()


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
