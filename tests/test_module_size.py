"""A module that passes ~400 lines becomes a package (README, Layout): no Python module of the
project (the apps, config, manage.py; not migrations, tests or bench) and no front-end source
module under frontend/src/js/ is longer than LIMIT lines, unless it is in ALLOWED with the
reason it stays whole. An entry that is no longer needed fails too, so the list only shrinks."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400

# Not the project's modules (tests, benchmarks, generated or installed files).
SKIPPED_TOP = {"tests", "bench", "node_modules", "var", "staticfiles"}
SKIPPED_ANYWHERE = {"migrations", "__pycache__"}
JS_SOURCES = Path("frontend/src/js")

# path (from the repository's root) -> why it may pass LIMIT lines.
ALLOWED: dict[str, str] = {
    "config/settings.py": "configuration: one flat list of settings, each read from the "
                          "environment beside its comment; split, it would be harder to find",
}


def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def python_modules() -> list[Path]:
    found = []
    for top in sorted(ROOT.iterdir()):
        if top.name.startswith(".") or top.name in SKIPPED_TOP or top.name.endswith(".egg-info"):
            continue
        paths = [top] if top.is_file() else sorted(top.rglob("*.py"))
        found += [p for p in paths if p.suffix == ".py"
                  and not SKIPPED_ANYWHERE & set(p.relative_to(ROOT).parts)]
    return found


def js_modules() -> list[Path]:
    return sorted(p for p in (ROOT / JS_SOURCES).rglob("*") if p.suffix in (".js", ".mjs"))


def too_long(paths: list[Path]) -> list[str]:
    return [f"{p.relative_to(ROOT)} ({lines_of(p)} lines)" for p in paths
            if lines_of(p) > LIMIT and str(p.relative_to(ROOT)) not in ALLOWED]


@pytest.mark.parametrize("kind, modules", [("python", python_modules), ("js", js_modules)])
def test_no_module_passes_the_limit(kind, modules):
    offenders = too_long(modules())
    assert offenders == [], (
        f"past {LIMIT} lines: {', '.join(offenders)}. Split each by what its parts are about (a "
        "package whose __init__ keeps the public names, or sibling modules), or add it to "
        "ALLOWED with the reason")


def test_every_allowed_module_is_still_long_and_has_a_reason():
    stale = [path for path in ALLOWED
             if not (ROOT / path).is_file() or lines_of(ROOT / path) <= LIMIT]
    assert stale == [], "no longer needed in ALLOWED: remove them"
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_scan_sees_the_modules_it_is_about():
    python = {str(p.relative_to(ROOT)) for p in python_modules()}
    assert {"manage.py", "config/urls.py", "ivpa/services/callouts.py",
            "referrals/management/commands/seed_referrals_demo.py"} <= python
    assert not [p for p in python if p.startswith(("tests/", "bench/"))
                or "/migrations/" in p]
    js = {str(p.relative_to(ROOT)) for p in js_modules()}
    assert {"frontend/src/js/console.js", "frontend/src/js/field.js"} <= js


def test_a_long_module_is_caught(tmp_path, monkeypatch):
    for name in ("core/long.py", "core/migrations/0001_long.py", "tests/test_long.py",
                 "frontend/src/js/long.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n" * (LIMIT + 1), encoding="utf-8")
    (tmp_path / "core" / "short.py").write_text("x = 1\n" * LIMIT, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert too_long(python_modules()) == [f"core/long.py ({LIMIT + 1} lines)"]
    assert too_long(js_modules()) == [f"frontend/src/js/long.js ({LIMIT + 1} lines)"]
