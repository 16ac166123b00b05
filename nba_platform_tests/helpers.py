"""Helpers for graph tests: a landing folder built from real files, table reads, table hashes, and
starting/stopping `dagster dev` against a temporary Dagster home."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import polars as pl

from nba_platform import tables as schemas
from nba_platform.core.warehouse.read import read_table
from nba_platform.landing import zone as lz
from nba_platform.runner import materialize_range

from .conftest import REAL_LANDING

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DAGSTER_YAML = ROOT / "deploy" / "dagster.yaml"


def link_real_landing(dest: Path, dates: list[dt.date], seasons: list[str]) -> Path:
    """A landing folder of symlinks to the real files of `dates` (the real files stay in place;
    paths already present in `dest` are kept)."""
    rels = [lz.schedule_path(s) for s in seasons]
    for d in dates:
        for prefix in (lz.PLAYER_BOXSCORES, lz.TEAM_BOXSCORES, lz.ODDS_PLAYER_POINTS, lz.ODDS_EVENTS):
            folder = REAL_LANDING / prefix / d.isoformat()
            rels += [p.relative_to(REAL_LANDING).as_posix() for p in folder.rglob("*.json")] if folder.is_dir() else []
    for rel in rels:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.symlink(REAL_LANDING / rel, target)
    return dest


def without_row_rules(monkeypatch) -> None:
    """Let raw rows past the row rules (sources/validation.py), as if a rule were missing, to test
    what stands behind them: the blocking checks, the automation holds and the alerts."""
    from nba_platform.raw.validation import REJECTED, Parsed

    monkeypatch.setattr("nba_platform.raw.assets.validate", lambda frame, table: Parsed(frame, pl.DataFrame(schema=REJECTED)))


def run_graph(landing: Path, warehouse: Path, start: dt.date, end: dt.date, chunk_days: int = 31):
    with dg.instance_for_test() as instance:
        return materialize_range(start, end, str(landing), str(warehouse), chunk_days=chunk_days, instance=instance)


def table(name: str, warehouse: Path) -> pl.DataFrame:
    return read_table(name, str(warehouse)).pipe(schemas.conform, name)


def table_hash(name: str, warehouse: Path) -> int:
    df = table(name, warehouse).sort(list(schemas.TABLES[name].keys))
    return int(df.hash_rows().sum()) ^ df.height


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reset_signals() -> None:
    # `dagster dev` started from a non-interactive parent ignores SIGINT/SIGTERM; restore defaults.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


@contextmanager
def dagster_dev(home: Path, env: dict[str, str] | None = None, timeout: float = 90) -> Iterator[int]:
    """`dagster dev` (webserver + daemon) on a free loopback port, with `home/dagster_home` holding
    the shipped deploy/dagster.yaml. Yields the port; stops the whole process group on exit."""
    port = free_port()
    dagster_home = home / "dagster_home"
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHIPPED_DAGSTER_YAML, dagster_home / "dagster.yaml")
    full_env = {**os.environ, "DAGSTER_HOME": str(dagster_home), "NBA_PLATFORM_HOME": str(home / "platform"), **(env or {})}
    dagster = Path(sys.executable).with_name("dagster")
    proc = subprocess.Popen(
        [str(dagster), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=open(home / "dagster_dev.log", "wb"),
        preexec_fn=_reset_signals, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"dagster dev exited with {proc.returncode}; see {home}/dagster_dev.log") from None
                time.sleep(0.5)
        else:
            raise RuntimeError(f"dagster dev did not answer within {timeout} s")
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_for(what: str, probe, timeout: float, interval: float = 1.0):
    """Poll `probe()` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(interval)
