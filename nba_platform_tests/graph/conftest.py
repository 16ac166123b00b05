"""Fixtures of the graph tests that are costly to build, built once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """A home filled by `nba-platform demo` as `make demo` fills it (~2.5 min on 2 cores): the platform
    home in `<home>/platform` and the Dagster instance in `<home>/dagster_home`, the layout of
    `helpers.dagster_dev`. Its output is in `<home>/demo.log`. Tests that change it must say so."""
    home = tmp_path_factory.mktemp("demo_home")
    env = {**os.environ, "NBA_PLATFORM_HOME": str(home / "platform"), "DAGSTER_HOME": str(home / "dagster_home")}
    demo = subprocess.run(
        [sys.executable, "-m", "nba_platform.cli", "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500
    )
    (home / "demo.log").write_text(demo.stdout + demo.stderr)
    assert demo.returncode == 0, f"demo failed ({demo.returncode}): {demo.stderr[-2000:]}"
    return home
