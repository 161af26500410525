"""The units of deploy/systemd under this machine's systemd (see tests/deploy/harness.py):
larmkedjan-manage migrates through systemd-run, larmkedjan.target starts two ASGI servers, the
worker and beat as nobody in their sandbox, and a process killed with SIGKILL is started again
by its Restart= policy while the rest keep serving. Production shape only (PostgreSQL and
Redis: the units' processes are the production shape's), as root, with systemd and unshare.
"""

import asyncio
import json
import os
import re
import secrets
import shutil
import ssl
import subprocess
import time
import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.deploy.harness import (
    DBUS_USER_UNITS,
    SYSTEMD,
    NginxUnderTest,
    SystemdUnderTest,
    cgroup_roots,
    free_port,
)
from tests.live import PYTHON, ROOT, RedisServer, _pg_admin

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(not os.environ.get("DATABASE_URL"),
                       reason="the units run the production shape: needs DATABASE_URL "
                              "(PostgreSQL) and REDIS_URL"),
    pytest.mark.skipif(os.geteuid() != 0, reason="starting systemd needs root"),
    pytest.mark.skipif(not SYSTEMD.exists() or not shutil.which("systemctl")
                       or not shutil.which("systemd-run") or not shutil.which("busctl")
                       or not shutil.which("unshare") or not shutil.which("dbus-daemon")
                       or not all(path.exists() for path in DBUS_USER_UNITS),
                       reason="needs Debian's systemd (systemd, systemctl, systemd-run, busctl), "
                              "the user's session bus (dbus-daemon and the units of "
                              "dbus-user-session: apt-get install dbus-user-session; make test "
                              "installs it as root) and unshare (util-linux)"),
    pytest.mark.skipif(not cgroup_roots(), reason="no cgroup hierarchy to give systemd a "
                                                  "cgroup of its own"),
]
STATIC_FILE = "frontend/build/crew.js"


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def health(port: int) -> tuple[int | None, dict]:
    try:
        answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    except httpx.HTTPError:
        return None, {}
    try:
        return answer.status_code, answer.json()
    except ValueError:
        return answer.status_code, {}


def healthz(port: int) -> int | None:
    return health(port)[0]


@pytest.fixture(scope="module")
def centre():
    """The centre as README "Running a centre" sets it up: migrate, the demo data and
    collectstatic through larmkedjan-manage, then `systemctl start larmkedjan.target`."""
    redis = RedisServer()
    db_name = f"larmkedjan_units_{uuid.uuid4().hex[:10]}"
    base_db = os.environ["DATABASE_URL"]
    env = {"DATABASE_URL": urlunsplit(urlsplit(base_db)._replace(path="/" + db_name)),
           "REDIS_URL": redis.url(0), "SECRET_KEY": secrets.token_urlsafe(50),
           # /healthz's heartbeats short enough to see a killed process before systemd has
           # started it again: written every tick (a third of the limit), the last one is at
           # most 1.5 s old when red, which is before RestartSec= (2 s) and the start itself
           # are over, however fast a quiet machine starts it (3 s left no gap at all when
           # beat started within a second).
           "TIMER_TICK_SECONDS": "0.5", "HEALTH_WORKER_MAX_AGE_SECONDS": "1.5",
           "HEALTH_BEAT_MAX_AGE_SECONDS": "1.5"}
    ports = [free_port(), free_port()]
    systemd = None
    # Whatever fails on the way, nothing is left: Redis, the database, the manager with its
    # cgroups and folders (each cleans up after a failed start of its own too).
    try:
        redis.start()
        _pg_admin(base_db, f'CREATE DATABASE "{db_name}"')
        systemd = SystemdUnderTest(env=env, ports=ports)
        systemd.start()
        manage = {args: systemd.manage(*args.split()) for args in (
            "migrate --noinput", "seed_demo", "collectstatic --noinput --clear",
            "no_such_command", "check --deploy --fail-level ERROR")}
        for args in ("migrate --noinput", "seed_demo", "collectstatic --noinput --clear"):
            assert manage[args].returncode == 0, manage[args].stdout + manage[args].stderr
        systemd.systemctl("start", "larmkedjan.target")
        asgi = [f"larmkedjan-asgi@{port}.service" for port in ports]
        centre = SimpleNamespace(systemd=systemd, env=env, ports=ports, asgi=asgi,
                                 units=[*asgi, "larmkedjan-worker.service",
                                        "larmkedjan-beat.service"], manage=manage)
        try:
            running(centre)
        except AssertionError:
            raise AssertionError(systemd.logs_text()) from None
        yield centre
    finally:
        try:
            if systemd:
                systemd.stop()
        finally:
            try:
                redis.close()
            finally:
                _pg_admin(base_db, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def running(centre) -> None:
    """Every unit active, both ASGI servers healthy, the worker answering."""
    for port in centre.ports:
        wait_for(lambda p=port: healthz(p) == 200, timeout=90,
                 what=f"/healthz on the ASGI server at {port}")
    wait_for(lambda: worker_answers(centre.env), timeout=90, what="the worker's ping")
    for unit in centre.units:
        assert centre.systemd.show(unit, "ActiveState") == "active", unit


@pytest.fixture(scope="module")
def proxy(centre):
    if not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
        pytest.skip("nginx is not installed (Debian: apt-get install nginx; make test "
                    "installs it as root)")
    nginx = NginxUnderTest(asgi_ports=centre.ports)  # removes its folder if it fails
    try:
        checked = nginx.test_config()
        assert checked.returncode == 0, checked.stderr
        nginx.start()  # stops what it started if nginx does not come up
        yield nginx
    finally:
        nginx.stop()


def worker_answers(env: dict) -> bool:
    """The Celery worker answers a ping over the broker."""
    out = subprocess.run(
        [os.path.join(os.path.dirname(PYTHON), "celery"), "-A", "config", "inspect", "ping",
         "--timeout", "3", "--json"],
        cwd=ROOT, env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        return False
    try:
        replies = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return False
    return any(name.startswith("larmkedjan-worker@") for name in replies)


def test_larmkedjan_manage_runs_manage_py_as_the_units_do(centre):
    migrated = centre.manage["migrate --noinput"]
    assert "Applying accounts" in migrated.stdout
    assert (ROOT / "staticfiles" / STATIC_FILE).is_file()  # collectstatic, as root
    assert (ROOT / "staticfiles" / STATIC_FILE).stat().st_mode & 0o004  # nginx may read it
    assert centre.manage["no_such_command"].returncode != 0  # a failure reaches the shell
    # The environment file's example, as the units read it, passes Django's deployment
    # checks: no security warning but the two choices README explains (HSTS for subdomains,
    # preload).
    checked = centre.manage["check --deploy --fail-level ERROR"]
    assert checked.returncode == 0, checked.stdout + checked.stderr
    warned = set(re.findall(r"\((security\.W\d+)\)", checked.stdout + checked.stderr))
    assert warned <= {"security.W005", "security.W021"}, checked.stdout + checked.stderr


def test_each_process_runs_as_the_units_user_in_its_sandbox(centre):
    running(centre)
    for unit in centre.units:
        status = dict(line.split(":\t", 1) for line in
                      open(f"/proc/{centre.systemd.main_pid(unit)}/status").read().splitlines()
                      if ":\t" in line)
        assert status["Uid"].split()[0] == str(centre.systemd.uid), unit
        assert status["NoNewPrivs"].strip() == "1", unit
        assert status["Seccomp"].strip() == "2", unit
        assert status["CapBnd"].strip() == "0000000000000000", unit


def test_a_killed_process_is_started_again_and_healthz_sees_the_gap(centre):
    running(centre)
    systemd = centre.systemd

    def restarted(unit: str, before: int, old_pid: int) -> None:
        wait_for(lambda: int(systemd.show(unit, "NRestarts")) == before + 1, timeout=30,
                 what=f"{unit} restarted")
        wait_for(lambda: systemd.main_pid(unit) not in (0, old_pid)
                 and systemd.show(unit, "ActiveState") == "active",
                 timeout=30, what=f"{unit} running again")

    # The worker, then beat, killed with SIGKILL (as the Redis restart of issue 12 left the
    # worker: gone). /healthz turns red naming it (its heartbeat is older than the test's
    # 1.5 s), systemd starts it again after RestartSec=, and /healthz is green again.
    for unit, part in (("larmkedjan-worker.service", "worker"),
                       ("larmkedjan-beat.service", "beat")):
        before, old = int(systemd.show(unit, "NRestarts")), systemd.main_pid(unit)
        os.kill(old, 9)
        answers: list = []  # the last /healthz answer, for the message if the wait fails

        def red(p=part, answers=answers) -> bool:
            answers[:] = [health(centre.ports[1])]
            status, body = answers[0]
            return status == 503 and p in body.get("failing", [])

        try:
            wait_for(red, timeout=30, interval=0.1, what=f"/healthz red for the {part}")
        except AssertionError as failed:
            raise AssertionError(f"{failed}; its last answer: {answers}") from None
        restarted(unit, before, old)
        for port in centre.ports:
            wait_for(lambda p=port: healthz(p) == 200, timeout=90,
                     what=f"/healthz green again after the {part}")
    wait_for(lambda: worker_answers(centre.env), timeout=90, what="the new worker's ping")

    # An ASGI server: the other one serves pages meanwhile, and it comes back.
    unit = centre.asgi[0]
    before, old = int(systemd.show(unit, "NRestarts")), systemd.main_pid(unit)
    os.kill(old, 9)
    page = httpx.get(f"http://127.0.0.1:{centre.ports[1]}/login/",
                     headers={"X-Forwarded-Proto": "https"},  # as nginx sends it
                     timeout=30)
    assert page.status_code == 200
    restarted(unit, before, old)
    running(centre)


def test_nginx_redirects_to_https_and_sends_hsts(proxy, centre):
    running(centre)
    plain = httpx.get(proxy.http + "/console/?case=1", headers={"Host": "larm.example.se"})
    assert plain.status_code == 301
    assert plain.headers["location"] == "https://larm.example.se/console/?case=1"
    with httpx.Client(base_url=proxy.https, verify=False) as client:
        page = client.get("/login/", headers={"Host": "larm.example.se"})
        assert page.status_code == 200
        # Django sees https through X-Forwarded-Proto: HSTS once, Secure cookies.
        assert page.headers.get_list("strict-transport-security") == ["max-age=31536000"]
        assert "secure" in page.headers["set-cookie"].lower()
        static = client.get(f"/static/{STATIC_FILE}",
                            headers={"Host": "larm.example.se", "Accept-Encoding": "gzip"})
    assert static.status_code == 200
    assert static.headers["content-encoding"] == "gzip"
    assert static.content == (ROOT / "staticfiles" / STATIC_FILE).read_bytes()
    assert static.headers["strict-transport-security"] == "max-age=31536000"
    assert static.headers["cache-control"] == "no-cache"
    assert static.headers["x-content-type-options"] == "nosniff"


def test_nginx_passes_the_service_worker_with_djangos_headers(proxy, centre):
    running(centre)
    hop = {"date", "connection", "keep-alive", "server", "transfer-encoding",
           "strict-transport-security"}
    direct = httpx.get(f"http://127.0.0.1:{centre.ports[0]}/serviceworker.js",
                       headers={"X-Forwarded-Proto": "https", "Host": "larm.example.se"})
    proxied = httpx.get(proxy.https + "/serviceworker.js", verify=False,
                        headers={"Host": "larm.example.se"})
    assert direct.status_code == proxied.status_code == 200
    assert proxied.content == direct.content
    for name, value in direct.headers.items():
        if name.lower() not in hop:
            assert proxied.headers.get(name) == value, name


def test_nginx_carries_the_event_stream_socket(proxy, centre):
    running(centre)

    async def stream() -> None:
        async with httpx.AsyncClient(base_url=proxy.https, verify=False) as client:
            await client.get("/login/")
            signed_in = await client.post(
                "/api/auth/login/", json={"username": "anna", "password": "larm-demo-2026"},
                headers={"X-CSRFToken": client.cookies.get("csrftoken", ""),
                         "Origin": proxy.https, "Referer": proxy.https + "/login/"})
            assert signed_in.status_code == 200, (signed_in.text, dict(client.cookies))
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        url = proxy.https.replace("https://", "wss://") + "/ws/stream/"
        async with connect(url, ssl=context, origin=proxy.https,
                           additional_headers={"Cookie": cookie}, open_timeout=15) as ws:
            pong = await ws.ping()
            await asyncio.wait_for(pong, timeout=10)

    asyncio.run(stream())


def test_nginx_limits_bodies_and_lets_django_refuse_a_large_photo(proxy, centre):
    running(centre)
    with httpx.Client(base_url=proxy.https, verify=False, timeout=60) as client:
        # Larger than IMAGING_MAX_UPLOAD_BYTES but within nginx's limit for the upload: Django
        # answers (410 here: no upload session), so its own 413 would reach the caller.
        photo = client.post("/api/imaging/upload/", content=b"x" * (15 * 1024 * 1024 + 512),
                            headers={"Content-Type": "application/octet-stream"})
        assert photo.status_code == 410, (photo.text[:300], proxy.error_log(),
                                          centre.systemd.logs_text())
        elsewhere = client.post("/api/auth/login/", content=b"x" * (4 * 1024 * 1024),
                                headers={"Content-Type": "application/json"})
        assert elsewhere.status_code == 413
        assert "nginx" in elsewhere.text


def test_nginx_logs_no_link_token(proxy, centre):
    running(centre)
    token = "Zm9vYmFyLXRva2VuLXRoYXQtaXMtc2VjcmV0"
    with httpx.Client(base_url=proxy.https, verify=False) as client:
        client.get(f"/b/{token}")
        client.post(f"/api/push/sms/delivery/{token}/", data={"id": "x"})
    log = wait_for(lambda: proxy.access_log() if "/api/push/sms/delivery/-/" in
                   proxy.access_log() else "", timeout=10, what="the access log's lines")
    assert token not in log
    assert '"GET /b/- HTTP/' in log
