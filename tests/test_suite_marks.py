"""The marks CI splits the suite by (tests/conftest.py): `live` on what starts real processes,
and `page_only` tests skipped in the production shape."""

import os
import subprocess
import sys

from tests.live import ROOT

SAMPLE = ["tests/test_smoke_live.py", "tests/safety/test_panic_faults.py",
          "tests/e2e/test_csp.py", "tests/dispatch/test_case_edit.py"]


def pytest_run(*args: str, production: bool = False) -> str:
    """pytest's output on `args`, in the embedded shape or (with a database that is never
    reached) the production shape's environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    if production:
        env.update(DATABASE_URL="postgres://nobody@127.0.0.1:9/unused",
                   SECRET_KEY="marks-test-" + "x" * 40)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300).stdout


def collected(*args: str) -> list[str]:
    out = pytest_run("--collect-only", *args)
    return [line for line in out.splitlines() if "::" in line]


def test_live_products_browsers_and_their_folders_are_marked_live_and_nothing_else():
    live = collected("-m", "live", *SAMPLE)
    rest = collected("-m", "not live", *SAMPLE)
    assert {item.split("::")[0] for item in live} == set(SAMPLE[:3])
    assert rest and all(item.startswith("tests/dispatch/") for item in rest)


def test_page_only_tests_are_skipped_in_the_production_shape_only():
    production = pytest_run("-rs", "tests/e2e/test_csp.py", "-k", "refuse", production=True)
    assert "1 skipped" in production and "the same whichever server shape" in production
    embedded = pytest_run("--collect-only", "-m", "page_only", "tests/e2e/test_csp.py",
                          "-k", "refuse")
    assert "1/7 tests collected" in embedded
