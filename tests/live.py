"""Real server processes for end-to-end and cluster tests.

`LiveProduct` prepares a database of its own (a SQLite file in the embedded shape, a fresh
PostgreSQL database when DATABASE_URL is set), migrates it, loads the demo data, and starts
uvicorn processes (and, in the production shape, a Celery worker and beat) on free ports.
"""

import asyncio
import atexit
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
TEST_TILE_URL = "https://tiles.larmkedjan.test/{z}/{x}/{y}.png"
# The demo data every live product starts with (Makefile's setup runs the same, in this order).
SEEDS = ("seed_demo", "seed_places_demo", "seed_ivpa_demo", "seed_referrals_demo",
         "seed_careplans_demo", "seed_safety_demo", "seed_incidents_demo")


# How long a test waits for a condition before it fails: a loaded, shared 2-core machine
# makes a test slower, never wrong, and a condition that holds ends the wait at once.
GENEROUS_S = 600.0


def wait_until(condition, *, what: str, timeout: float = GENEROUS_S, interval: float = 0.05):
    """Wait for `condition()` to be truthy (returned), with a generous bound for a loaded
    shared machine; fail naming `what` if it never is."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what} (waited {timeout:.0f} s)"
        time.sleep(interval)
    return result


def loop_end(loop: asyncio.AbstractEventLoop) -> None:
    """Stop the loop (if it still runs), let what is left on it be cancelled (e.g. a channel
    layer's reader, waiting in its read) and close it here: a loop left to the garbage
    collector is closed during some later test, under that test's own loop."""
    if loop.is_running():
        loop.call_soon_threadsafe(loop.stop)
        wait_until(lambda: not loop.is_running(), what="the loop stopped")

    async def cancel_the_rest():
        rest = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in rest:
            task.cancel()
        await asyncio.gather(*rest, return_exceptions=True)

    loop.run_until_complete(cancel_the_rest())
    loop.close()


async def wait_until_async(condition, *, what: str, timeout: float = GENEROUS_S):
    """wait_until() from a coroutine: the condition is polled in a thread, so that the event
    loop goes on running what it waits for."""
    return await asyncio.to_thread(wait_until, condition, what=what, timeout=timeout)


def command_output(args: list[str], *, what: str, cwd: Path = ROOT,
                   timeout: float = GENEROUS_S, env: dict | None = None) -> str:
    """Run a command to its end and return its standard output. Its end is waited for as a
    condition with a generous bound (a loaded machine makes it slower, never wrong); a failure
    names `what` with the end of its standard error. Output goes through files, so a large
    one never fills a pipe that nobody reads."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, text=True, env=env)
        try:
            wait_until(lambda: proc.poll() is not None, what=what, timeout=timeout,
                       interval=0.1)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        out.seek(0)
        err.seek(0)
        assert proc.returncode == 0, f"{what} failed ({proc.returncode}): {err.read()[-3000:]}"
        return out.read()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def url_with_path(url: str, path: str) -> str:
    """`url` naming another database: a PostgreSQL database's name, a Redis database's number."""
    return urlunsplit(urlsplit(url)._replace(path="/" + path))


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


class RedisServer:
    """A Redis server of the test's own (Debian's redis-server on a free port, keeping nothing
    on disk), for fault tests that stop, kill and restart it under load without touching the
    machine's shared Redis. Restarted on the same port, so clients reconnect to it."""

    def __init__(self, *, port: int | None = None):
        self.port = port or free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="larmkedjan-redis-"))
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, *, timeout: float = 20) -> "RedisServer":
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        log = open(self.tmp / "redis.log", "a")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()  # the child has its own copy
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"redis-server exited:\n{self.log()}")
                try:
                    with socket.create_connection(("127.0.0.1", self.port),
                                                  timeout=0.5) as conn:
                        conn.sendall(b"PING\r\n")
                        if conn.recv(16).startswith(b"+PONG"):
                            return self
                except OSError:
                    pass
                time.sleep(0.05)
            raise RuntimeError(f"redis-server did not answer on {self.port}:\n{self.log()}")
        except BaseException:
            self.stop(kill=True)  # one that never answered is not left running
            raise

    def stop(self, *, kill: bool = False) -> None:
        """Stop it (SIGKILL with kill=True: no goodbye to its clients)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            self.process.wait(timeout=15)
        self.process = None

    def restart(self, *, down_for: float = 0.0, kill: bool = True) -> None:
        self.stop(kill=kill)
        if down_for:
            time.sleep(down_for)  # the outage itself is what is being tested
        self.start()

    def log(self) -> str:
        path = self.tmp / "redis.log"
        return path.read_text()[-4000:] if path.exists() else ""

    def close(self) -> None:
        self.stop(kill=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


class SchemaTemplate:
    """The migrated, empty schema, made once per test process (shape) and copied for each live
    product: migrating from nothing cost every live product 8 s of a quiet machine's time, and
    some forty of them start in a run. A SQLite file copied through SQLite's backup API, or a
    PostgreSQL database that CREATE DATABASE ... TEMPLATE copies. The demo data is not in it:
    the seeds stamp their rows with the time they run at, so each product seeds its own."""

    _made: "SchemaTemplate | None" = None
    _failure: Exception | None = None

    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="larmkedjan-schema-"))
        self.db_name = None
        atexit.register(self.drop)  # a template that failed half-way is dropped too
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update({"DJANGO_SETTINGS_MODULE": "config.settings",
                    "LARMKEDJAN_VAR_DIR": str(self.tmp),
                    "SECRET_KEY": "schema-template-" + uuid.uuid4().hex})
        base_db = os.environ.get("DATABASE_URL")
        if base_db:
            self.db_name = f"larmkedjan_schema_{uuid.uuid4().hex[:10]}"
            _pg_admin(base_db, f'CREATE DATABASE "{self.db_name}"')
            env["DATABASE_URL"] = url_with_path(base_db, self.db_name)
        else:
            env["SQLITE_PATH"] = str(self.tmp / "schema.sqlite3")
        self.sqlite_path = env.get("SQLITE_PATH")
        command_output([PYTHON, "manage.py", "migrate", "--noinput"], env=env,
                       what="migrating the live products' schema template")

    @classmethod
    def made(cls) -> "SchemaTemplate":
        """The process's template, made at the first call. A failure is kept and raised again
        at every later call: each product would otherwise pay for the same failing migrate."""
        if cls._failure is not None:
            raise RuntimeError("the live products' schema template failed earlier") \
                from cls._failure
        if cls._made is None:
            try:
                cls._made = cls()
            except Exception as exc:
                cls._failure = exc
                raise
        return cls._made

    def copy_to(self, env: dict) -> None:
        """Give the product whose environment `env` is its database: a copy of this one."""
        if self.db_name:
            target = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
            _pg_admin(os.environ["DATABASE_URL"],
                      f'CREATE DATABASE "{target}" TEMPLATE "{self.db_name}"')
            return
        with closing(sqlite3.connect(self.sqlite_path)) as source, \
                closing(sqlite3.connect(env["SQLITE_PATH"])) as target:
            source.backup(target)
        os.chmod(env["SQLITE_PATH"], 0o600)

    def drop(self) -> None:
        if self.db_name:
            _pg_admin(os.environ["DATABASE_URL"],
                      f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


class LiveProduct:
    def __init__(self, *, workers: int = 1, extra_env: dict | None = None,
                 celery: bool | None = None, worker_concurrency: int = 1):
        self.tmp = Path(tempfile.mkdtemp(prefix="larmkedjan-live-"))
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.env.update({
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LARMKEDJAN_VAR_DIR": str(self.tmp),
            "SECRET_KEY": "live-test-" + uuid.uuid4().hex,
            "PYTHONUNBUFFERED": "1",
            # Tiles from a host that never resolves: a browser test answers them with a local
            # image (tests/e2e/tiles.py); nothing is fetched from outside.
            "MAP_TILE_URL": TEST_TILE_URL,
        })
        self.db_name = None
        base_db = os.environ.get("DATABASE_URL")
        if base_db:
            self.db_name = f"larmkedjan_live_{uuid.uuid4().hex[:10]}"
            self.env["DATABASE_URL"] = url_with_path(base_db, self.db_name)
        else:
            self.env["SQLITE_PATH"] = str(self.tmp / "live.sqlite3")
        if os.environ.get("REDIS_URL"):
            # A Redis database of its own, so that test runs do not hear each other.
            self.env["REDIS_URL"] = url_with_path(os.environ["REDIS_URL"], "7")
        self.env.update(extra_env or {})
        self.workers = workers
        self.celery = bool(self.env.get("REDIS_URL")) if celery is None else celery
        self.worker_concurrency = worker_concurrency
        self.processes: list[subprocess.Popen] = []
        self.celery_processes: dict[str, subprocess.Popen] = {}
        self.ports: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports[0]}"

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def manage(self, *args: str) -> str:
        out = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env,
                             capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "a")
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(proc)
        return proc

    def start(self) -> "LiveProduct":
        if self.env.get("REDIS_URL"):
            import redis

            redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        # The schema copied from the run's template; then, in one process, migrate (nothing
        # left to do unless a migration came after the template) and the seeds in `make
        # setup`'s order: each manage.py of its own started Django again (seconds apiece on a
        # loaded machine, for every live product).
        SchemaTemplate.made().copy_to(self.env)
        self.manage("shell", "-c", "from django.core.management import call_command\n"
                    + "call_command('migrate', interactive=False, verbosity=0)\n"
                    + "".join(f"call_command({name!r})\n" for name in SEEDS))
        for i in range(self.workers):
            port = free_port()
            self.ports.append(port)
            self._spawn([str(BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1",
                         "--port", str(port), "--lifespan", "on", "--ws", "websockets",
                         "--log-level", "warning"], f"asgi-{i}")
        if self.celery:
            self.celery_start("worker")
            self.celery_start("beat")
        for url in self.urls():
            self._wait(url)
        return self

    def celery_start(self, role: str) -> subprocess.Popen:
        """Start the Celery worker or beat (again, after celery_stop)."""
        if role == "worker":
            # prefork as in scripts/run-cluster.sh: it closes connections around every task
            args = ["worker", "--pool", "prefork", "--concurrency",
                    str(self.worker_concurrency), "--loglevel", "warning"]
        else:
            args = ["beat", "--loglevel", "warning", "--schedule", str(self.tmp / "beat-schedule")]
        proc = self._spawn([str(BIN / "celery"), "-A", "config", *args], f"celery-{role}")
        self.celery_processes[role] = proc
        return proc

    def celery_stop(self, role: str) -> None:
        """Stop the Celery worker or beat (SIGKILL to its process group: gone at once)."""
        proc = self.celery_processes.pop(role)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)

    def _wait(self, url: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for proc in self.processes:
                if proc.poll() is not None:
                    raise RuntimeError(f"A server process exited:\n{self.logs()}")
            try:
                if httpx.get(url + "/login/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{url} did not start:\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-4000:]}"
                         for p in sorted(self.tmp.glob("*.log")))

    def stop(self) -> None:
        for proc in self.processes:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if self.db_name:
            _pg_admin(os.environ["DATABASE_URL"],
                      f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)

    def token(self, username: str, password: str = "larm-demo-2026") -> str:
        r = httpx.post(self.url + "/api/auth/token/",
                       json={"username": username, "password": password})
        r.raise_for_status()
        return r.json()["token"]
