"""The harness of tests/deploy cleans up after itself when a set-up fails (review of issue 12,
item 12): CI runs it as root, where a process, cgroup or folder left behind outlives the run.
An nginx that never listens, a Redis that never answers and a systemd set-up that cannot find
its files each leave nothing."""

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from tests.deploy import harness
from tests.deploy.harness import NginxUnderTest, SystemdUnderTest, free_port
from tests.live import RedisServer


def tool_required(name: str, how: str) -> None:
    """This suite needs `name` (make test installs it): fail saying how to get it, not skip."""
    if not shutil.which(name) and not os.path.exists(f"/usr/sbin/{name}"):
        pytest.fail(f"{name} is not installed ({how})")


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_an_nginx_that_never_listens_is_stopped_and_its_folder_removed():
    tool_required("nginx", "Debian: apt-get install nginx; make test installs it as root")
    nginx = NginxUnderTest(asgi_ports=[free_port(), free_port()])
    assert nginx.test_config().returncode == 0
    nginx.https_port = free_port()  # it listens elsewhere: "did not listen"
    with pytest.raises(RuntimeError, match="did not listen"):
        nginx.start(timeout=3)
    pid = nginx.process.pid
    assert not alive(pid), "the nginx that did not come up is still running"
    nginx.stop()
    assert not nginx.base.exists()


def test_a_failed_nginx_set_up_removes_its_folder(monkeypatch):
    made = []
    real = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        made.append(Path(real(*args, **kwargs)))
        return str(made[-1])

    monkeypatch.setattr(harness.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(harness, "NGINX_SITE", Path("/nonexistent/larmkedjan.conf"))
    with pytest.raises(FileNotFoundError):
        NginxUnderTest(asgi_ports=[free_port(), free_port()])
    assert made and not any(path.exists() for path in made)


def test_a_redis_that_never_answers_is_killed(monkeypatch):
    tool_required("redis-server", "Debian: apt-get install redis-server")
    server = RedisServer()
    started = []
    real_popen = harness.subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    def unreachable(*args, **kwargs):
        raise OSError("no answer")

    import tests.live

    monkeypatch.setattr(tests.live.subprocess, "Popen", popen)
    with monkeypatch.context() as deaf:
        deaf.setattr(tests.live.socket, "create_connection", unreachable)
        with pytest.raises(RuntimeError, match="did not answer"):
            server.start(timeout=2)
    try:
        [process] = started
        assert process.poll() is not None, "the Redis that did not answer is still running"
        assert not answers(server.port)
    finally:
        server.close()


def test_a_failed_systemd_set_up_leaves_no_folder(monkeypatch, tmp_path):
    """As on a machine without dbus-user-session: the units to copy are not there. (Its
    folder in the test's own, so this runs without root too.)"""
    monkeypatch.setattr(harness, "UNITS_PARENT", str(tmp_path))
    made = []
    real = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        made.append(Path(real(*args, **kwargs)))
        return str(made[-1])

    monkeypatch.setattr(harness.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(harness, "DBUS_USER_UNITS", (Path("/nonexistent/dbus.socket"),))
    with pytest.raises(FileNotFoundError):
        SystemdUnderTest(env={}, ports=[free_port()])
    assert len(made) == 2 and not any(path.exists() for path in made)
