"""The embedded shape's own files (the SQLite database with its -wal and -shm, the secret key)
are the product user's only, 0600 in a 0700 directory, like the caller's images; an older
world-readable file is tightened. The SMS outbox: tests/push/test_sms_secrets.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

from core.files import private_dir, private_file

ROOT = Path(__file__).resolve().parent.parent.parent

# Opens the embedded shape's database and writes (WAL), then says each file's mode while the
# connection is open (the -wal and -shm files go when it closes).
PROBE = """
import json, os, sys
import django
django.setup()
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    var = settings.VAR_DIR
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in [var, *var.iterdir()]}
print(json.dumps(modes))
"""


def embedded(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SQLITE_PATH")}
    env.update(LARMKEDJAN_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="config.settings")
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, timeout=120,
                          capture_output=True, text=True,
                          preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_database_and_the_secret_key_are_created_private(tmp_path):
    var = tmp_path / "var"
    modes = embedded(var)
    assert modes.pop("var") == "0o700"
    assert {"larmkedjan.sqlite3", "larmkedjan.sqlite3-wal", "secret_key"} <= set(modes)
    assert modes == dict.fromkeys(modes, "0o600"), modes


def test_files_made_world_readable_before_are_tightened(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    for name in ("larmkedjan.sqlite3", "secret_key"):
        (var / name).touch(mode=0o644)
        (var / name).chmod(0o644)
    var.chmod(0o755)
    modes = embedded(var)
    assert modes["var"] == "0o700"
    assert modes["larmkedjan.sqlite3"] == modes["secret_key"] == "0o600"


def test_a_shared_directory_given_is_left_as_it_is(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    assert private_dir(shared) == shared
    assert oct(shared.stat().st_mode & 0o777) == "0o755"
    made = private_file(private_dir(shared / "new") / "file")
    assert oct(made.parent.stat().st_mode & 0o777) == "0o700"
    assert oct(made.stat().st_mode & 0o777) == "0o600"
