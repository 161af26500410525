"""The database benchmarks (bench/common.py) write their throwaway SQLite file under
LARMKEDJAN_VAR_DIR or a temporary directory, never the repo's var/ (the rule for anything that
writes var files)."""

import os
from pathlib import Path

import pytest

from bench.common import ROOT, Throwaway


@pytest.fixture
def environment(monkeypatch):
    """Throwaway sets the process's environment for Django: a copy is restored after."""
    monkeypatch.setattr(os, "environ", dict(os.environ))
    os.environ.pop("LARMKEDJAN_VAR_DIR", None)


def test_without_a_var_dir_the_bench_file_is_in_a_temporary_directory(environment):
    db = Throwaway(None, keep=False, label="addresses")
    repo_var = ROOT / "var"
    assert repo_var not in db.path.parents
    assert Path(os.environ["LARMKEDJAN_VAR_DIR"]) == db.path.parent
    db.path.touch()
    db.drop()
    assert not db.path.parent.exists()


def test_the_bench_file_goes_to_the_var_dir_given(environment, tmp_path):
    os.environ["LARMKEDJAN_VAR_DIR"] = str(tmp_path)
    db = Throwaway(None, keep=False, label="addresses")
    assert db.path.parent == tmp_path
    db.drop()
    assert tmp_path.exists()
