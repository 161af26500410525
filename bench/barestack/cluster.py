"""Two uvicorn processes of the bare-stack reference, with the product's uvicorn flags
(scripts/run-cluster.sh), on a fresh PostgreSQL database and a Redis database of their own."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from bench.cluster import ROOT, _pg_admin, free_port

PYTHON = sys.executable
BIN = Path(PYTHON).parent


class BareCluster:
    def __init__(self, *, redis_db: int = 9):
        base_db, base_redis = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]
        self.base_db = base_db
        self.db_name = f"larmkedjan_bare_{uuid.uuid4().hex[:10]}"
        self.tmp = Path(tempfile.mkdtemp(prefix="larmkedjan-bare-"))
        self.ports = [free_port(), free_port()]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "bench.barestack.settings",
            "DATABASE_URL": urlunsplit(urlsplit(base_db)._replace(path="/" + self.db_name)),
            "REDIS_URL": urlunsplit(urlsplit(base_redis)._replace(path=f"/{redis_db}")),
            "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
        })
        self.processes: list[subprocess.Popen] = []

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def start(self) -> "BareCluster":
        import redis

        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        _pg_admin(self.base_db, f'CREATE DATABASE "{self.db_name}"')
        subprocess.run([PYTHON, "-m", "django", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                       env=self.env, check=True)
        for i, port in enumerate(self.ports, 1):
            log = open(self.tmp / f"bare-{i}.log", "w")
            self.processes.append(subprocess.Popen(
                [str(BIN / "uvicorn"), "bench.barestack.asgi:application", "--host",
                 "127.0.0.1", "--port", str(port), "--lifespan", "off", "--ws", "websockets",
                 "--log-level", "warning", "--no-access-log", "--ws-per-message-deflate",
                 "false"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True))
        deadline = time.monotonic() + 120
        for url in self.urls():
            while True:
                try:
                    if httpx.get(url + "/login/", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the bare stack on {url} did not start")
                time.sleep(0.3)
        return self

    def setup_data(self, crews: int) -> dict:
        """The same shape as bench/setup_data.py's: units are plain numbers here, and the
        credentials are not checked."""
        return {"dispatcher": "bare", "region": 0,
                "crews": [{"token": "bare", "unit": i} for i in range(1, crews + 1)]}

    def pg_connections(self) -> int:
        import psycopg

        with psycopg.connect(self.base_db, autocommit=True) as conn:
            return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                (self.db_name,)).fetchone()[0]

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for proc in self.processes:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / ticks

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        try:
            _pg_admin(self.base_db, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        except Exception as exc:  # noqa: BLE001 - reported, not fatal for the figures
            print(f"(could not drop {self.db_name}: {exc})", file=sys.stderr)
