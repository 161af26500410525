"""The mark CI splits the suite by (tests/conftest.py): `live` on what starts real processes."""

import os
import sys

from tests.live import command_output

SAMPLE = ["tests/test_smoke_live.py", "tests/safety/test_panic_faults.py",
          "tests/e2e/test_csp.py", "tests/dispatch/test_case_edit.py"]


def collected(*args: str) -> list[str]:
    """The test ids pytest collects with `args` (the embedded shape's environment)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTEST") and k not in ("DATABASE_URL", "REDIS_URL")}
    out = command_output([sys.executable, "-m", "pytest", "-q", "--collect-only", *args],
                         what=f"pytest --collect-only {' '.join(args)}", env=env)
    return [line for line in out.splitlines() if "::" in line]


def test_live_products_browsers_and_their_folders_are_marked_live_and_nothing_else():
    live = collected("-m", "live", *SAMPLE)
    rest = collected("-m", "not live", *SAMPLE)
    assert {item.split("::")[0] for item in live} == set(SAMPLE[:3])
    assert rest and all(item.startswith("tests/dispatch/") for item in rest)
