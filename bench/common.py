"""What the database benchmarks (bench/ivpa_select.py, bench/address_search.py) share: a
throwaway database configured before Django starts, percentiles, the machine's load next to
the figures, and the JSON report under bench/results/."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def _pg_admin(url: str, sql: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql)


class Throwaway:
    """A fresh database for the run, named after `label`: configured in the environment before
    Django starts. PostgreSQL: a database next to `database_url`'s, dropped after; else a SQLite
    file under LARMKEDJAN_VAR_DIR or a temporary directory (never the repo's var/), removed."""

    def __init__(self, database_url: str | None, keep: bool, *, label: str):
        self.keep = keep
        self.database_url = database_url
        tag = uuid.uuid4().hex[:10]
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        self.made_dir = None
        if not os.environ.get("LARMKEDJAN_VAR_DIR"):
            self.made_dir = tempfile.mkdtemp(prefix="larmkedjan-bench-")
            os.environ["LARMKEDJAN_VAR_DIR"] = self.made_dir
        var_dir = Path(os.environ["LARMKEDJAN_VAR_DIR"])
        os.environ.pop("REDIS_URL", None)  # nothing here publishes; no broker needed
        if database_url:
            self.name = f"larmkedjan_bench_{label}_{tag}"
            _pg_admin(database_url, f'CREATE DATABASE "{self.name}"')
            os.environ["DATABASE_URL"] = urlunsplit(
                urlsplit(database_url)._replace(path="/" + self.name))
            os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
            self.where = f"PostgreSQL database {self.name}"
        else:
            os.environ.pop("DATABASE_URL", None)
            var_dir.mkdir(parents=True, exist_ok=True)
            self.path = var_dir / f"bench-{label}-{tag}.sqlite3"
            os.environ["SQLITE_PATH"] = str(self.path)
            self.where = f"SQLite file {self.path}"

    def drop(self) -> None:
        if self.keep:
            print(f"kept: {self.where}")
            return
        from django.db import connections

        connections.close_all()
        if self.database_url:
            _pg_admin(self.database_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
        if self.made_dir:
            shutil.rmtree(self.made_dir, ignore_errors=True)


def figures(samples: list[float]) -> dict:
    """n, p50/p95/p99, max and mean of `samples` (ms), rounded to 0.01."""
    ordered = sorted(samples)
    if not ordered:
        return {"n": 0}

    def pct(p):
        return round(ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))], 2)

    return {"n": len(ordered), "p50": pct(50), "p95": pct(95), "p99": pct(99),
            "max": round(ordered[-1], 2), "mean": round(sum(ordered) / len(ordered), 2)}


def load_text(load: tuple[float, ...]) -> str:
    """os.getloadavg() as printed next to the figures."""
    return " ".join(f"{x:.2f}" for x in load)


def loadavg() -> str:
    """The machine's load as printed next to every figure: /proc/loadavg's three averages
    (os.getloadavg() where there is no /proc)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return load_text(os.getloadavg())


def django_start() -> None:
    """Django on the throwaway database (call after Throwaway configured it)."""
    import django

    django.setup()


def database_migrate(db: Throwaway, benchmark: str) -> tuple[float, ...]:
    """The header line (where, CPUs, load) and the migrations; the load average at the start."""
    from django.core.management import call_command

    load_start = os.getloadavg()
    print(f"== {benchmark} on {db.where}, {os.cpu_count()} CPUs, load average "
          f"{load_text(load_start)}", flush=True)
    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"   migrated in {time.monotonic() - t0:.1f} s", flush=True)
    return load_start


def commit_short() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()


def report_save(report: dict, *, echo: bool) -> Path:
    """Writes `report` (with benchmark, commit and vendor) to bench/results/, says where, and
    prints it as JSON last when `echo`."""
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / (f"{datetime.now():%Y%m%d-%H%M%S}-{report['commit']}-"
                      f"{report['benchmark']}-{report['vendor']}.json")
    path.write_text(json.dumps(report, indent=2))
    print(f"   JSON: {path.relative_to(ROOT)}")
    if echo:
        print(json.dumps(report))
    return path
