"""The question "may this user work the console" has one home, `accounts.roles`: a check
written again somewhere else (a `.role` compared with the dispatcher or administrator role,
a superuser test, a private is_dispatcher) is how the copies drifted apart (one left the
administrators out). This reads the source and fails on a new copy."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The project's own packages (tests, the benchmarks and migrations set users up; they do not
# decide what a user may do).
PACKAGES = ("accounts", "audit", "core", "crews", "dispatch", "frontend", "identity", "imaging",
            "ivpa", "push", "realtime", "referrals", "timers", "config")
HOME = ROOT / "accounts" / "roles.py"
CONSOLE_LITERALS = {"dispatcher", "admin"}
HELPER_NAMES = {"is_dispatcher", "_is_dispatcher", "is_administrator", "_is_administrator",
                "is_admin", "_is_admin"}


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or path == HOME:
                continue
            yield path, ast.parse(path.read_text(), filename=str(path))


def _names_console_role(node: ast.AST) -> bool:
    """Role.DISPATCHER / Role.ADMIN or their strings, alone or in a tuple, list or set."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in ("DISPATCHER", "ADMIN"):
            return True
        if isinstance(sub, ast.Constant) and sub.value in CONSOLE_LITERALS:
            return True
    return False


def _is_role_attribute(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "role"


def _findings() -> list[str]:
    found = []
    for path, tree in _sources():
        where = path.relative_to(ROOT)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and \
                    node.name in HELPER_NAMES:
                found.append(f"{where}:{node.lineno} defines its own {node.name}")
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                if not any(_is_role_attribute(o) for o in operands):
                    continue
                others = [o for o in operands if not _is_role_attribute(o)]
                if any(_names_console_role(o) for o in others):
                    found.append(f"{where}:{node.lineno} compares .role with the console roles")
                elif any(isinstance(o, ast.Constant) and isinstance(o.value, str)
                         for o in others):
                    found.append(f"{where}:{node.lineno} compares .role with a raw string "
                                 "(use accounts.models.Role)")
            if isinstance(node, ast.Attribute) and node.attr == "is_superuser" and \
                    isinstance(node.ctx, ast.Load):
                found.append(f"{where}:{node.lineno} reads is_superuser (a superuser holds "
                             "every role: ask accounts.roles)")
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == \
                    "role_permission" and any(
                        isinstance(a, ast.Attribute) and a.attr == "DISPATCHER"
                        for a in node.args):
                found.append(f"{where}:{node.lineno} lists the console roles by hand "
                             "(use accounts.roles.CONSOLE_ROLES)")
    return found


def test_no_role_check_outside_accounts_roles():
    assert _findings() == []


def test_the_guard_sees_the_copies_it_is_for(tmp_path, monkeypatch):
    """The guard itself: each kind of copy it is meant to catch is caught."""
    copies = {
        "a.py": "def _is_dispatcher(user):\n    return True\n",
        "b.py": "ok = user.role in ('dispatcher', 'admin')\n",
        "c.py": "ok = user.role == Role.ADMIN\n",
        "d.py": "ok = user.is_superuser\n",
        "e.py": "ok = user.role != 'crew'\n",
        "f.py": "P = role_permission(Role.DISPATCHER, Role.CREW)\n",
        "fine.py": "ok = user.role == Role.CREW\nP = role_permission(*CONSOLE_ROLES)\n",
    }
    package = tmp_path / "accounts"
    package.mkdir()
    for name, text in copies.items():
        (package / name).write_text(text)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGES", ("accounts",))
    found = _findings()
    assert {line.split(":")[0].split("/")[-1] for line in found} == set(copies) - {"fine.py"}
