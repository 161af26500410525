"""The production shape for the benchmarks: `scripts/run-cluster.sh` (two uvicorn processes,
Celery worker and beat) against a fresh PostgreSQL database and a Redis database of its own.

The benchmarks measure exactly what `make run-cluster` starts, with its flags.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


class Cluster:
    def __init__(self, *, extra_env: dict | None = None, redis_db: int = 8):
        base_db = os.environ.get("DATABASE_URL")
        base_redis = os.environ.get("REDIS_URL")
        if not base_db or not base_redis:
            raise SystemExit("The benchmarks run in the production shape: set DATABASE_URL and "
                             "REDIS_URL (scripts/bench.sh sets defaults).")
        self.tmp = Path(tempfile.mkdtemp(prefix="larmkedjan-bench-"))
        self.db_name = f"larmkedjan_bench_{uuid.uuid4().hex[:10]}"
        self.base_db = base_db
        self.ports = [free_port(), free_port()]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": urlunsplit(urlsplit(base_db)._replace(path="/" + self.db_name)),
            "REDIS_URL": urlunsplit(urlsplit(base_redis)._replace(path=f"/{redis_db}")),
            "SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "LARMKEDJAN_VAR_DIR": str(self.tmp),
            "ASGI_PORTS": " ".join(map(str, self.ports)),
            "CLUSTER_LOG_DIR": str(self.tmp / "logs"),
            "PYTHONUNBUFFERED": "1",
        })
        self.env.update(extra_env or {})
        self.proc: subprocess.Popen | None = None

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def start(self) -> "Cluster":
        import redis

        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        _pg_admin(self.base_db, f'CREATE DATABASE "{self.db_name}"')
        self.out = open(self.tmp / "run-cluster.out", "w")
        self.proc = subprocess.Popen(["bash", "scripts/run-cluster.sh"], cwd=ROOT, env=self.env,
                                     stdout=self.out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 180
        for url in self.urls():
            while True:
                if self.proc.poll() is not None:
                    raise RuntimeError("run-cluster.sh exited:\n" + self.output()[-5000:])
                try:
                    if httpx.get(url + "/login/", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not start:\n" + self.output()[-5000:])
                time.sleep(0.3)

    def output(self) -> str:
        return (self.tmp / "run-cluster.out").read_text(errors="replace")

    def pids(self) -> dict[str, int]:
        """name -> pid, from run-cluster.sh's table."""
        found = {}
        for line in self.output().splitlines():
            m = re.match(r"^\s+(asgi-\d+|celery-worker|celery-beat)\s+pid (\d+)", line)
            if m:
                found[m.group(1)] = int(m.group(2))
        return found

    def cpu_seconds(self, names: tuple[str, ...] = ("asgi-1", "asgi-2")) -> float:
        """CPU time (user + system) used so far by the named cluster processes."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for name, pid in self.pids().items():
            if name in names:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def grep_logs(self, pattern: str) -> list[str]:
        regex = re.compile(pattern)
        hits = []
        for log in sorted((self.tmp / "logs").glob("*.log")):
            for line in log.read_text(errors="replace").splitlines():
                if regex.search(line):
                    hits.append(f"{log.stem}: {line}")
        return hits

    def python(self, script: str, *args: str, timeout: int = 600) -> str:
        out = subprocess.run([PYTHON, script, *args], cwd=ROOT, env=self.env,
                             capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"{script} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def setup_data(self, crews: int) -> dict:
        out = self.python("bench/setup_data.py", str(crews))
        return json.loads(out.strip().splitlines()[-1])

    def pg_connections(self) -> int:
        import psycopg

        with psycopg.connect(self.base_db, autocommit=True) as conn:
            return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                (self.db_name,)).fetchone()[0]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        try:
            _pg_admin(self.base_db, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        except Exception as exc:  # noqa: BLE001 - reported, not fatal for the figures
            print(f"(could not drop {self.db_name}: {exc})", file=sys.stderr)
