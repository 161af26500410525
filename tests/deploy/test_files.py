"""The files of deploy/ agree with the product and pass their tools' own checks: the units
(`systemd-analyze verify` and `security`, installed with their paths moved), nginx's site
(`nginx -t` inside Debian's nginx.conf), the environment file's example (only settings that
exist; Django's deployment checks), and the settings behind the proxy. Any shape: nothing
here starts the product (tests/deploy/test_supervised.py does)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.deploy.harness import (
    CODE,
    CONFIG,
    ENV_EXAMPLE,
    NGINX_SITE,
    ROOT,
    SERVICES,
    STATE,
    UNITS,
    NginxUnderTest,
    env_file_values,
    installed,
    nginx_directives,
    unit_settings,
)

# What the environment file may set besides the product's settings, and who reads it.
NOT_SETTINGS = {"FORWARDED_ALLOW_IPS": "uvicorn", "CELERY_CONCURRENCY": "larmkedjan-worker"}
SECURITY_CHOICES = {"security.W005", "security.W021"}  # HSTS subdomains, preload: README
HARDENING_FIRST = "NoNewPrivileges"


def units() -> dict[str, dict]:
    return {name: unit_settings((UNITS / name).read_text()) for name in SERVICES}


def settings_in(env: dict[str, str], expression: str):
    """A value of config.settings imported with exactly this environment (and a var dir of
    its own)."""
    with tempfile.TemporaryDirectory() as var:
        base = {k: v for k, v in os.environ.items()
                if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
        out = subprocess.run(
            [sys.executable, "-c", "import json, config.settings as s; "
             f"print(json.dumps({expression}))"],
            cwd=ROOT, env={**base, "LARMKEDJAN_VAR_DIR": var, **env}, capture_output=True,
            text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def production_env() -> dict[str, str]:
    """The environment file's example with its placeholders filled."""
    env = env_file_values(ENV_EXAMPLE.read_text())
    env["SECRET_KEY"] = "k" + "".join(chr(65 + (i * 7) % 26) for i in range(60))
    env["LARMKEDJAN_VAR_DIR"] = ""  # settings_in gives it one
    return {k: v for k, v in env.items() if v}


# -- the units ------------------------------------------------------------------------------
def test_every_service_restarts_forever_with_the_same_sandbox():
    found = units()
    hardening = {}
    for name, sections in found.items():
        unit, service, install = sections["Unit"], sections["Service"], sections["Install"]
        assert service["Restart"] == ["always"], name
        assert service["RestartSec"] == ["2s"], name
        assert unit["StartLimitIntervalSec"] == ["0"], name  # never gives up
        assert unit["PartOf"] == ["larmkedjan.target"], name
        assert install["WantedBy"] == ["larmkedjan.target"], name
        assert service["User"] == ["larmkedjan"], name
        assert service["EnvironmentFile"] == [f"{CONFIG}/larmkedjan.env"], name
        assert service["WorkingDirectory"] == [CODE], name
        assert service["ExecStart"][0].startswith(f"{CODE}/.venv/bin/"), name
        text = (UNITS / name).read_text()
        hardening[name] = text[text.index(HARDENING_FIRST):text.index("[Install]")]
        assert service["ReadWritePaths"] == [STATE], name
        assert service["ProtectSystem"] == ["strict"], name
    assert len(set(hardening.values())) == 1, "the hardening blocks differ"
    target = unit_settings((UNITS / "larmkedjan.target").read_text())
    assert target["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_asgi_servers_listen_on_loopback_on_their_instance_port():
    exec_start = units()["larmkedjan-asgi@.service"]["Service"]["ExecStart"][0]
    assert "--host 127.0.0.1 --port %i" in exec_start
    assert "--no-access-log" in exec_start  # paths can hold a caller's link token
    beat = units()["larmkedjan-beat.service"]["Service"]["ExecStart"][0]
    assert f"--schedule {STATE}/" in beat


@pytest.fixture
def installed_units(tmp_path):
    """The units as installed, with /opt/larmkedjan, /etc/larmkedjan and /var/lib/larmkedjan
    moved to this checkout and a temporary folder: `verify` checks that ExecStart= programs
    exist."""
    venv_bin = Path(sys.executable).parent
    if not (venv_bin / "uvicorn").exists() or not (venv_bin / "celery").exists():
        pytest.skip("the venv has no uvicorn or celery")
    paths = {CODE: str(ROOT), CONFIG: str(tmp_path / "etc"), STATE: str(tmp_path / "state")}
    if venv_bin != ROOT / ".venv/bin":  # the units name .venv in the code's folder
        paths[f"{CODE}/.venv/bin"] = str(venv_bin)
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "larmkedjan.env").write_text("")
    folder = tmp_path / "units"
    folder.mkdir()
    for name in (*SERVICES, "larmkedjan.target"):
        (folder / name).write_text(installed((UNITS / name).read_text(), paths))
    return folder


needs_systemd_analyze = pytest.mark.skipif(
    not shutil.which("systemd-analyze"),
    reason="systemd-analyze is not installed (Debian's systemd package)")


@needs_systemd_analyze
def test_systemd_analyze_verify_finds_nothing(installed_units):
    names = ["larmkedjan-asgi@8001.service", "larmkedjan-worker.service",
             "larmkedjan-beat.service", "larmkedjan.target"]
    out = subprocess.run(["systemd-analyze", "verify", "--man=no",
                          *(str(installed_units / n) for n in names)],
                         capture_output=True, text=True, timeout=120)
    # Unknown keys and missing programs are only printed: the output must be empty.
    assert out.returncode == 0 and not (out.stdout + out.stderr).strip(), out.stdout + out.stderr


@needs_systemd_analyze
def test_systemd_analyze_verify_would_see_a_broken_unit(installed_units):
    """The check above can fail: a mistyped key and a missing program are reported."""
    worker = installed_units / "larmkedjan-worker.service"
    worker.write_text(worker.read_text().replace("Restart=always", "Restart=always\nRestrat=1")
                      .replace("/.venv/bin/celery", "/.venv/bin/no-such-celery"))
    out = subprocess.run(["systemd-analyze", "verify", "--man=no", str(worker)],
                         capture_output=True, text=True, timeout=120)
    assert "Restrat" in out.stderr and "no-such-celery" in out.stderr


@needs_systemd_analyze
def test_systemd_analyze_security_rates_each_service_ok(installed_units):
    for name in ("larmkedjan-asgi@8001.service", "larmkedjan-worker.service",
                 "larmkedjan-beat.service"):
        out = subprocess.run(["systemd-analyze", "security", "--offline=yes",
                              str(installed_units / name)],
                             capture_output=True, text=True, timeout=120)
        level = re.search(r"Overall exposure level for \S+: ([\d.]+)", out.stdout)
        assert level, out.stdout + out.stderr
        assert float(level.group(1)) <= 2.0, out.stdout  # systemd's "OK" band


def systemd_version() -> int:
    out = subprocess.run(["systemctl", "--version"], capture_output=True, text=True)
    match = re.match(r"systemd (\d+)", out.stdout)
    return int(match.group(1)) if match else 0


@needs_systemd_analyze
def test_the_backoff_drop_in_verifies_on_systemd_254_and_later(installed_units):
    drop_in = UNITS / "larmkedjan-.service.d" / "restart-backoff.conf"
    keys = unit_settings(drop_in.read_text())["Service"]
    assert set(keys) == {"RestartSteps", "RestartMaxDelaySec"}
    if systemd_version() < 254:
        pytest.skip(f"systemd {systemd_version()} does not know RestartSteps= (254 and later)")
    folder = installed_units / "larmkedjan-worker.service.d"
    folder.mkdir()
    shutil.copy(drop_in, folder)
    out = subprocess.run(["systemd-analyze", "verify", "--man=no",
                          str(installed_units / "larmkedjan-worker.service")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and not (out.stdout + out.stderr).strip(), out.stderr


# -- nginx ------------------------------------------------------------------------------------
def size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def body_limit(location: str | None = None) -> int:
    found = [d for d in nginx_directives(NGINX_SITE.read_text(), location)
             if d.startswith("client_max_body_size ")]
    assert len(found) == 1, (location, found)
    return size(found[0].split()[1])


def test_nginx_lets_the_product_refuse_bodies_itself():
    from django.conf import global_settings

    from imaging.views import MULTIPART_OVERHEAD
    from ivpa.aeds import MAX_BYTES

    default_photo = settings_in({}, "s.IMAGING_MAX_UPLOAD_BYTES")
    assert body_limit("= /api/imaging/upload/") >= default_photo + MULTIPART_OVERHEAD
    assert body_limit("= /api/ivpa/aeds/import/") >= MAX_BYTES + MULTIPART_OVERHEAD
    assert body_limit() >= global_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    imports = settings_in({}, "s.FOLLOWUP_IMPORT_MAX_BYTES")
    for route in ("calls", "hospital-visits"):
        assert body_limit(f"= /api/followup/imports/{route}/") >= imports + MULTIPART_OVERHEAD


def test_nginx_drops_idle_upstream_connections_before_uvicorn_does():
    """Else a POST can leave on a connection uvicorn is closing: nginx sends no POST twice, so
    the dispatcher gets a 502."""
    upstream = re.search(r"upstream larmkedjan_asgi \{([^}]*)\}", NGINX_SITE.read_text()).group(1)
    nginx_idle = re.search(r"(?m)^\s*keepalive_timeout (\d+)s;", upstream)
    assert nginx_idle, "the upstream keeps nginx's default (60 s): name it"
    exec_start = units()["larmkedjan-asgi@.service"]["Service"]["ExecStart"][0]
    uvicorn_idle = re.search(r"--timeout-keep-alive (\d+)", exec_start)
    assert uvicorn_idle, "uvicorn's default is 5 s"
    assert int(uvicorn_idle.group(1)) > int(nginx_idle.group(1))


def test_nginx_serves_collectstatics_folder_and_the_same_hsts_as_django():
    static_root, hsts = settings_in(production_env(),
                                    "[str(s.STATIC_ROOT), s.SECURE_HSTS_SECONDS]")
    static = nginx_directives(NGINX_SITE.read_text(), "/static/")
    alias = [d.split()[1] for d in static if d.startswith("alias ")]
    assert alias == [static_root.replace(str(ROOT), CODE) + "/"]
    assert f'add_header Strict-Transport-Security "max-age={hsts}" always' in static


@pytest.mark.skipif(not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"),
                    reason="nginx is not installed (Debian: apt-get install nginx; make test "
                           "installs it as root)")
def test_nginx_t_accepts_the_site():
    nginx = NginxUnderTest(asgi_ports=[8001, 8002])
    try:
        checked = nginx.test_config()
        assert checked.returncode == 0, checked.stderr
        assert "test is successful" in checked.stderr
        broken = nginx.base / "site.conf"
        broken.write_text(broken.read_text().replace("proxy_read_timeout", "proxy_read_timout"))
        assert nginx.test_config().returncode != 0  # the check above can fail
    finally:
        nginx.stop()


# -- the environment file and the settings behind the proxy ---------------------------------
def test_the_environment_file_sets_only_what_something_reads():
    source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'(?:env_bool|env_int|env_list|os\.environ\.get)\(\s*"([A-Z0-9_]+)"',
                          source))
    for key in env_file_values(ENV_EXAMPLE.read_text()):
        assert key in read or key in NOT_SETTINGS, f"{key} is read by nothing"
    import uvicorn.config

    assert "FORWARDED_ALLOW_IPS" in Path(uvicorn.config.__file__).read_text()
    assert "${CELERY_CONCURRENCY}" in (UNITS / "larmkedjan-worker.service").read_text()


def test_behind_the_proxy_django_trusts_it_redirects_and_sends_hsts():
    env = production_env()
    assert settings_in(env, "[s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, "
                            "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
                            "s.SECURE_HSTS_PRELOAD]") == [
        ["HTTP_X_FORWARDED_PROTO", "https"], True, 365 * 24 * 3600, False, False]
    assert settings_in({**env, "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
                        "SECURE_HSTS_PRELOAD": "1", "SECURE_HSTS_SECONDS": "600"},
                       "[s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
                       "s.SECURE_HSTS_SECONDS]") == [True, True, 600]


def test_without_the_proxy_nothing_trusts_a_forwarded_header():
    """`make run-cluster` and the tests' production shape serve plain HTTP: no redirect."""
    env = {"DATABASE_URL": "postgres://x@127.0.0.1/x", "REDIS_URL": "redis://127.0.0.1/0",
           "SECRET_KEY": "x" * 60}
    assert settings_in(env, "[s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, "
                            "s.SECURE_HSTS_SECONDS]") == [None, False, 0]


REQUESTS = """
import django, json
django.setup()
from django.test import Client
c = Client()
out = {}
for name, path, headers in [("plain", "/login/", {}),
                            ("proxied", "/login/", {"HTTP_X_FORWARDED_PROTO": "https"}),
                            ("healthz", "/healthz", {})]:
    r = c.get(path, **headers)
    out[name] = [r.status_code, r.headers.get("Location"),
                 r.headers.get("Strict-Transport-Security")]
print(json.dumps(out))
"""


def test_behind_the_proxy_plain_http_is_redirected_but_not_healthz():
    env = {**production_env(), "DJANGO_SETTINGS_MODULE": "config.settings",
           "ALLOWED_HOSTS": "testserver", "DATABASE_URL": "", "REDIS_URL": ""}
    with tempfile.TemporaryDirectory() as var:
        base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
        out = subprocess.run([sys.executable, "-c", REQUESTS], cwd=ROOT, capture_output=True,
                             text=True, timeout=120,
                             env={**base, **env, "LARMKEDJAN_VAR_DIR": var})
    assert out.returncode == 0, out.stderr
    answers = json.loads(out.stdout.strip().splitlines()[-1])
    assert answers["plain"][:2] == [301, "https://testserver/login/"]
    assert answers["proxied"] == [200, None, "max-age=31536000"]
    assert answers["healthz"][0] in (200, 503)  # answered, not redirected


def test_the_example_passes_djangos_deployment_checks():
    """Only the two HSTS choices README explains are left (before BEHIND_TLS_PROXY: also
    W004 no HSTS and W008 no redirect)."""
    with tempfile.TemporaryDirectory() as var:
        base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
        out = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT,
                             capture_output=True, text=True, timeout=300,
                             env={**base, **production_env(), "LARMKEDJAN_VAR_DIR": var})
    warned = set(re.findall(r"\((security\.W\d+)\)", out.stdout + out.stderr))
    assert warned <= SECURITY_CHOICES, out.stdout + out.stderr
    # The SMS provider's credentials are the centre's to fill in: said, not silently unsent.
    assert "(push.W002)" in out.stdout + out.stderr and "(push.E002)" not in out.stdout + out.stderr


def test_the_example_texts_through_a_provider_never_the_console():
    """Review of issue 12, item 8: the console backend sends nothing and writes callers'
    links to a file; the example names 46elks and leaves its credentials to the centre."""
    example = env_file_values(ENV_EXAMPLE.read_text())
    assert example["SMS_BACKEND"] == "46elks"
    assert example["SMS_46ELKS_USERNAME"] == example["SMS_46ELKS_PASSWORD"] == ""
    assert settings_in(production_env(), "s.SMS_BACKEND") == "46elks"
