"""The files of deploy/ as an operator installs them, for the tests: read, installed into a
temporary tree with their paths moved there, and run under the machine's own systemd and nginx.

PID 1 is not systemd on the machines the suite runs on, so `SystemdUnderTest` starts this
machine's systemd as a service manager of its own (`systemd --user`, run by root, in a mount
namespace of its own and a cgroup of its own): a real systemd 252 that reads the units,
starts their ExecStart= lines with their User=, environment file and sandbox, and restarts
them by their Restart= policy. What it cannot show is said in `TEST_DROP_IN`.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
SERVICES = ("larmkedjan-asgi@.service", "larmkedjan-worker.service", "larmkedjan-beat.service")
NGINX_SITE = DEPLOY / "nginx" / "larmkedjan.conf"
ENV_EXAMPLE = DEPLOY / "larmkedjan.env.example"
MANAGE = DEPLOY / "larmkedjan-manage"
SYSTEMD = Path("/lib/systemd/systemd")
# The user's session bus as Debian's dbus-user-session installs it (systemd-run, and so
# larmkedjan-manage, reaches a manager only over a bus).
DBUS_USER_UNITS = (Path("/usr/lib/systemd/user/dbus.socket"),
                   Path("/usr/lib/systemd/user/dbus.service"))
# Where the files say things are, as README "Running a centre" installs them.
CODE, CONFIG, STATE = "/opt/larmkedjan", "/etc/larmkedjan", "/var/lib/larmkedjan"
# Where the units under test get their folder: under /var/lib, as the real units' state.
UNITS_PARENT = "/var/lib"


def unit_settings(text: str) -> dict[str, dict[str, list[str]]]:
    """A unit file's sections and their settings (each key's values in order)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current.setdefault(key.strip(), []).append(value.strip())
    return sections


def env_file_values(text: str) -> dict[str, str]:
    values = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def nginx_directives(text: str, location: str | None = None) -> list[str]:
    """The directives of the HTTPS server block (or of one location in it), one per item,
    without comments; nested blocks are left out."""
    text = re.sub(r"#[^\n]*", "", text)
    server = [block for block in _blocks(text, "server") if "443" in block][0]
    if location is not None:
        server = [b for b in _blocks(server, f"location {location}")][0]
    depth, flat = 0, []
    for char in server:
        depth += char == "{"
        if depth == 0:
            flat.append(char)
        depth -= char == "}"
    return [" ".join(d.split()) for d in "".join(flat).split(";") if d.strip()]


def _blocks(text: str, head: str) -> list[str]:
    found = []
    for match in re.finditer(re.escape(head) + r"\s*\{", text):
        depth, start = 0, match.end()
        for i in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth < 0:
                found.append(text[start:i])
                break
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def installed(text: str, paths: dict[str, str]) -> str:
    """The text with each installed path moved (one pass: a new path is never moved again)."""
    pattern = re.compile("|".join(re.escape(old) for old in paths))
    return pattern.sub(lambda match: paths[match.group(0)], text)


# What the tests change in the installed units, through a drop-in as an operator would, and
# why. Everything else is the file as shipped.
TEST_DROP_IN = """[Service]
# No user "larmkedjan" on a test machine: the processes run as nobody instead (as root where
# nobody may not reach the checkout, e.g. a clone inside a folder of mode 0700).
User={user}
Group={group}
# The test's interpreter may live in a home directory (pyenv under /root): the homes become an
# empty tmpfs with only the interpreter's directory in it, read-only, as ProtectHome=yes
# would hide them.
ProtectHome=tmpfs
{bind_interpreter}
# This machine's sandbox (a microVM) refuses these two mount setups with exit 226 even for
# /bin/sh; Debian's own units use them on real hosts.
ProtectKernelTunables=no
ProtectKernelLogs=no
{private_tmp}
# No journald here: each unit's output goes to a file of the test.
StandardOutput=append:{logs}/%n.log
StandardError=inherit
"""


class SystemdUnderTest:
    """This machine's systemd managing the deploy/ units installed into a temporary tree."""

    def __init__(self, *, env: dict[str, str], ports: list[int]):
        self.cgroup_name = ""
        self.process: subprocess.Popen | None = None
        self.ports = ports
        # Not under /tmp (the services' PrivateTmp= would hide it from them), and where nobody
        # may pass (the checkout's var/ is root's alone).
        self.base = Path(tempfile.mkdtemp(prefix="lk-units-test-", dir=UNITS_PARENT))
        self.runtime = Path(tempfile.mkdtemp(prefix="lk-sd-"))  # the manager's socket
        try:
            self.base.chmod(0o755)
            self.units = self.base / "units"
            self.etc = self.base / "etc"
            self.state = self.base / "state"
            self.logs = self.base / "logs"
            for path in (self.units, self.etc, self.state, self.logs, self.base / "home"):
                path.mkdir()
            self.state.chmod(0o700)
            self.logs.chmod(0o777)
            self.paths = {CODE: str(ROOT), CONFIG: str(self.etc), STATE: str(self.state)}
            self.user = "nobody" if others_may_enter(ROOT) else "root"
            self.uid = 65534 if self.user == "nobody" else 0
            os.chown(self.state, self.uid, -1)
            self._install(env)
        except BaseException:
            self.stop()  # its folders go with a failed set-up
            raise

    def _install(self, env: dict[str, str]) -> None:
        for name in (*SERVICES, "larmkedjan.target"):
            (self.units / name).write_text(installed((UNITS / name).read_text(), self.paths))
        for path in DBUS_USER_UNITS:  # Debian's dbus-user-session
            shutil.copy(path, self.units / path.name)
        # The default dependencies of a service on a user manager (basic.target etc.).
        for stub in ("basic", "default", "shutdown", "sockets", "timers", "paths"):
            (self.units / f"{stub}.target").write_text(f"[Unit]\nDescription={stub}\n")
        example = env_file_values(ENV_EXAMPLE.read_text())
        env_file = installed(ENV_EXAMPLE.read_text(), self.paths)
        for key, value in env.items():
            line = re.compile(rf"(?m)^{re.escape(key)}=.*$")
            if key in example:
                env_file = line.sub(lambda _m, k=key, v=value: f"{k}={v}", env_file)
            else:
                env_file += f"{key}={value}\n"
        (self.etc / "larmkedjan.env").write_text(env_file)
        (self.etc / "larmkedjan.env").chmod(0o600)
        interpreter = Path(os.path.realpath(sys.executable))
        home = next((h for h in ("/root", "/home") if str(interpreter).startswith(h + "/")), None)
        bind = ""
        if home:
            top = Path(home, interpreter.relative_to(home).parts[0])
            bind = f"BindReadOnlyPaths={top}"
        self.bind_interpreter = bind
        private_tmp = ""
        if str(ROOT).startswith(("/tmp/", "/var/tmp/")):
            # With /tmp shared it is read-only under ProtectSystem=strict: the processes (the
            # worker's pool makes its semaphores in one) get a temporary folder in their state.
            tmp = self.state / "tmp"
            tmp.mkdir(mode=0o700)
            os.chown(tmp, self.uid, -1)
            private_tmp = ("# The checkout itself lives under /tmp here (a CI clone): a private "
                           "/tmp would hide the code.\nPrivateTmp=no\n"
                           f"Environment=TMPDIR={tmp}")
        drop_in = TEST_DROP_IN.format(bind_interpreter=bind, private_tmp=private_tmp,
                                      logs=self.logs, user=self.user,
                                      group="nogroup" if self.user == "nobody" else "root")
        for name in SERVICES:
            folder = self.units / f"{name}.d"
            folder.mkdir()
            (folder / "zz-test.conf").write_text(drop_in)
        # What `systemctl enable` does: the target wants every enabled unit.
        wants = self.units / "larmkedjan.target.wants"
        wants.mkdir()
        for port in self.ports:
            (wants / f"larmkedjan-asgi@{port}.service").symlink_to("../larmkedjan-asgi@.service")
        for name in ("larmkedjan-worker.service", "larmkedjan-beat.service"):
            (wants / name).symlink_to(f"../{name}")

    # -- the manager -------------------------------------------------------------------------
    def environ(self) -> dict[str, str]:
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                "HOME": str(self.base / "home"), "XDG_RUNTIME_DIR": str(self.runtime),
                "SYSTEMD_UNIT_PATH": str(self.units),
                "DBUS_SESSION_BUS_ADDRESS": f"unix:path={self.runtime}/bus"}

    def start(self) -> "SystemdUnderTest":
        # A cgroup of its own, in each hierarchy systemd tracks processes by: a manager
        # started in the root cgroup would take every process of the machine into its
        # init.scope.
        self.cgroup_name = f"larmkedjan-test-{uuid.uuid4().hex[:8]}"
        try:
            enter = []
            for root in cgroup_roots():
                group = root / self.cgroup_name
                group.mkdir()
                enter.append(f"echo $$ > {group}/cgroup.procs")
            # A tmpfs on /run in the new mount namespace: systemd looks for
            # /run/systemd/system (a booted systemd); nothing changes outside the namespace,
            # and the mount goes with the namespace's last process.
            script = " && ".join([*enter, "mount -t tmpfs tmpfs /run",
                                  "mkdir -p /run/systemd/system", f"exec {SYSTEMD} --user"])
            return self._start(script)
        except BaseException:
            self.stop()  # the manager, its cgroups (and every process in them), its folders
            raise

    def _start(self, script: str) -> "SystemdUnderTest":
        self.process = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
            env=self.environ(), stdout=open(self.logs / "manager.log", "w"),
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"systemd --user exited:\n{self.log('manager.log')}")
            # (not is-system-running: systemctl answers "offline" by itself where PID 1 is
            # not systemd)
            state = self.systemctl("show", "-p", "SystemState", "--value",
                                   check=False).stdout.strip()
            if state in {"running", "degraded"}:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"systemd --user did not start: {state}")
        # The user's session bus, as Debian's dbus-user-session runs it: systemctl reaches
        # the manager on its private socket, systemd-run (larmkedjan-manage) only on a bus.
        self.systemctl("start", "dbus.socket", "dbus.service")
        while time.monotonic() < deadline + 30:
            names = subprocess.run(["busctl", "--user", "--list", "--no-legend", "--no-pager"],
                                   env=self.environ(), capture_output=True, text=True).stdout
            if "org.freedesktop.systemd1" in names:
                return self
            time.sleep(0.2)
        raise RuntimeError("the manager did not come onto the session bus")

    def systemctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["systemctl", "--user", *args], env=self.environ(), text=True,
                              capture_output=True, check=check, timeout=120)

    def show(self, unit: str, prop: str) -> str:
        return self.systemctl("show", unit, "-p", prop, "--value").stdout.strip()

    def main_pid(self, unit: str) -> int:
        return int(self.show(unit, "MainPID"))

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """deploy/larmkedjan-manage, installed, against this manager (systemd-run --user)."""
        script = installed(MANAGE.read_text(), self.paths)
        script = script.replace("exec systemd-run ", "exec systemd-run --user ")
        # As nobody, with the interpreter exposed as in the units' drop-in (TEST_DROP_IN).
        script = script.replace("user=larmkedjan\n", f"user={self.user}\n")
        if self.bind_interpreter:
            script = script.replace('--uid="$user" \\\n', '--uid="$user" \\\n'
                                    "    --property=ProtectHome=tmpfs "
                                    f"--property={self.bind_interpreter} \\\n")
        path = self.base / "larmkedjan-manage"
        path.write_text(script)
        path.chmod(0o755)
        return subprocess.run([str(path), *args], env=self.environ(), text=True,
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def log(self, name: str) -> str:
        path = self.logs / name
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def logs_text(self) -> str:
        return "\n".join(f"--- {p.name}\n{self.log(p.name)}" for p in sorted(self.logs.iterdir()))

    def stop(self) -> None:
        """Everything it made goes, whatever state a failure left it in (each step runs even
        when one before it failed); calling it again does nothing."""
        try:
            self._stop_manager()
        finally:
            try:
                self._remove_cgroups()
            finally:
                shutil.rmtree(self.base, ignore_errors=True)
                shutil.rmtree(self.runtime, ignore_errors=True)

    def _stop_manager(self) -> None:
        if self.process and self.process.poll() is None:
            try:
                self.systemctl("stop", "larmkedjan.target", check=False)
                self.systemctl("exit", check=False)
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            finally:
                if self.process.poll() is None:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=10)

    def _remove_cgroups(self) -> None:
        if self.cgroup_name:
            base = Path("/sys/fs/cgroup")
            for group in [base / self.cgroup_name, *base.glob(f"*/{self.cgroup_name}")]:
                if not group.is_dir():
                    continue
                for sub in sorted((p for p in group.rglob("*") if p.is_dir()),
                                  key=lambda p: len(p.parts), reverse=True):
                    _kill_and_remove(sub)
                _kill_and_remove(group)


def others_may_enter(path: Path) -> bool:
    """Whether a user who owns nothing may reach `path` (every folder on the way o+x)."""
    return all(folder.stat().st_mode & 0o001 for folder in [path, *path.parents])


def cgroup_roots() -> list[Path]:
    """Where to make the manager's own cgroup: the unified hierarchy at /sys/fs/cgroup, or on
    a hybrid machine (this one) systemd's named v1 hierarchy and the unified one beside it."""
    base = Path("/sys/fs/cgroup")
    if (base / "cgroup.controllers").exists():
        return [base]
    return [base / h for h in ("systemd", "unified") if (base / h / "cgroup.procs").exists()]


def _kill_and_remove(group: Path) -> None:
    """An emptied cgroup of the test's goes; a process left in it (none should be) is killed
    first."""
    procs = group / "cgroup.procs"
    for _ in range(50):
        try:
            pids = [int(p) for p in procs.read_text().split()]
        except OSError:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.1)


def self_signed_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate and key for `name` (and 127.0.0.1), valid for a day."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName(name), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")


class NginxUnderTest:
    """deploy/nginx/larmkedjan.conf in this machine's nginx, inside Debian's nginx.conf (or a
    minimal one), on free ports of 127.0.0.1, in front of the given ASGI ports. Changed from
    the file as shipped: the listen addresses, the upstream's ports, the certificate, the log
    and the code's paths."""

    def __init__(self, *, asgi_ports: list[int]):
        self.process: subprocess.Popen | None = None
        self.base = Path(tempfile.mkdtemp(prefix="lk-nginx-"))
        try:
            self._install(asgi_ports)
        except BaseException:
            self.stop()  # its folder goes with a failed set-up
            raise

    def _install(self, asgi_ports: list[int]) -> None:
        self.base.chmod(0o755)
        self.http_port, self.https_port = free_port(), free_port()
        cert, key = self_signed_certificate(self.base, "larm.example.se")
        site = NGINX_SITE.read_text()
        upstream = re.findall(r"(?m)^\s*server 127\.0\.0\.1:(\d+)", site)
        assert len(upstream) == 2, "the shipped upstream names two ASGI servers"
        replacements = {
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "listen [::]:80;": "", "listen [::]:443 ssl http2;": "",
            "/etc/letsencrypt/live/larm.example.se/fullchain.pem": str(cert),
            "/etc/letsencrypt/live/larm.example.se/privkey.pem": str(key),
            "/var/log/nginx/larmkedjan.access.log": str(self.base / "access.log"),
            "/var/www/letsencrypt": str(self.base / "acme"),
            f"{CODE}/staticfiles/": str(self.base / "static") + "/",
        }
        # collectstatic's folder, copied where nginx's workers (www-data) may read it.
        if (ROOT / "staticfiles").is_dir():
            shutil.copytree(ROOT / "staticfiles", self.base / "static")
        for old_port, new_port in zip(upstream, asgi_ports, strict=False):
            replacements[f"server 127.0.0.1:{old_port} "] = f"server 127.0.0.1:{new_port} "
        for old in replacements:
            assert old in site, f"{old!r} is no longer in {NGINX_SITE.name}"
        (self.base / "site.conf").write_text(installed(site, replacements))
        self.conf = self.base / "nginx.conf"
        self.conf.write_text(self._main_conf())

    def _main_conf(self) -> str:
        if DEBIAN_NGINX_CONF.exists():
            text = DEBIAN_NGINX_CONF.read_text()
            for old, new in {
                "pid /run/nginx.pid;": f"pid {self.base}/nginx.pid;",
                "error_log /var/log/nginx/error.log;": f"error_log {self.base}/error.log;",
                "access_log /var/log/nginx/access.log;": "access_log off;",
                "include /etc/nginx/sites-enabled/*;":
                    f"{self._temp_paths()}\n\tinclude {self.base}/site.conf;",
            }.items():
                assert old in text, f"{old!r} not in {DEBIAN_NGINX_CONF}"
                text = text.replace(old, new)
            return text
        return (f"pid {self.base}/nginx.pid;\nerror_log {self.base}/error.log;\nevents {{}}\n"
                f"http {{\n  include /etc/nginx/mime.types;\n  {self._temp_paths()}\n"
                f"  include {self.base}/site.conf;\n}}\n")

    def _temp_paths(self) -> str:
        """nginx's temporary folders in the test's own (not /var/lib/nginx: nginx -t creates
        them, which only root may there)."""
        return " ".join(f"{kind}_temp_path {self.base}/{kind};"
                        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))

    def command(self, *args: str) -> list[str]:
        return [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(self.conf),
                "-e", str(self.base / "error.log"), *args]

    def test_config(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=60)

    def start(self, *, timeout: float = 20) -> "NginxUnderTest":
        """nginx, listening; or, when it does not come up, nothing left running (its master
        and workers are stopped before the error is raised)."""
        self.process = subprocess.Popen(self.command("-g", "daemon off;"),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"nginx exited:\n{self.error_log()}")
                try:
                    with socket.create_connection(("127.0.0.1", self.https_port), timeout=0.5):
                        return self
                except OSError:
                    time.sleep(0.1)
            raise RuntimeError(f"nginx did not listen:\n{self.error_log()}")
        except BaseException:
            self._stop_process()
            raise

    @property
    def https(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def error_log(self) -> str:
        path = self.base / "error.log"
        return path.read_text()[-4000:] if path.exists() else ""

    def access_log(self) -> str:
        path = self.base / "access.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        try:
            self._stop_process()
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def _stop_process(self) -> None:
        """The master gracefully (its workers finish and exit), else its whole session (the
        workers too) killed while the master still holds the group's id."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
