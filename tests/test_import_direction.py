"""Imports point one way (README, Layout): an app imports only from the layers below it, so
that no domain app knows a screen and the feature apps do not know each other. Every import
statement of every app counts, those inside functions too."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. An app may import from any app in a lower layer, none in its own or above.
LAYERS: list[tuple[str, ...]] = [
    ("timers",),
    ("core",),
    ("accounts",),
    ("identity",),  # sign-in through an identity provider; ivpa links a volunteer's sign-up
    ("audit",),
    ("realtime",),
    ("push",),  # beside realtime: it delivers what realtime's registries say wakes whom
    ("crews",),
    ("places",),  # addresses, municipalities → regions, travel times
    ("dispatch",),
    # react to dispatch's signals, read it through its selectors; do not import each other
    ("imaging", "ivpa", "referrals", "careplans", "safety", "incidents"),
    # the centre's follow-up: reads every domain's records through their selectors
    ("followup",),
    ("frontend",),
]
LAYER_OF = {app: n for n, apps in enumerate(LAYERS) for app in apps}


def imports_of(app: str) -> list[tuple[str, str, int]]:
    """(imported app, file, line) for every import of another project app in `app`."""
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in LAYER_OF and top != app:
                    found.append((top, str(path.relative_to(ROOT)), node.lineno))
    return found


def test_every_app_of_the_project_has_a_layer():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps == set(LAYER_OF)


@pytest.mark.parametrize("app", list(LAYER_OF))
def test_an_app_imports_only_from_the_layers_below_it(app):
    wrong = [f"{file}:{line} imports {target}" for target, file, line in imports_of(app)
             if LAYER_OF[target] >= LAYER_OF[app]]
    assert wrong == [], (
        f"{app} may import only from {sorted(a for a, n in LAYER_OF.items() if n < LAYER_OF[app])}")


def test_the_scan_sees_an_import_inside_a_function(tmp_path, monkeypatch):
    (tmp_path / "dispatch").mkdir()
    (tmp_path / "dispatch" / "late.py").write_text(
        "def f():\n    from ivpa import services\n    return services\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert imports_of("dispatch") == [("ivpa", "dispatch/late.py", 2)]
