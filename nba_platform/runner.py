"""Materialize the whole graph for a range of game dates in-process (the CLI's backfill and demo).

Each chunk of dates is one Dagster run of every asset over a partition range (all assets are
single-run backfillable), recorded in the Dagster instance so `make dev` shows the history.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster._utils.interrupts import check_captured_interrupt

from nba_platform.core.calendar import week_start
from nba_platform.core.settings import dagster_home, default_warehouse_path
from nba_platform.definitions import ALL_ASSETS, DOWNSTREAM_OF_MODEL, UPSTREAM_OF_MODEL, points_model
from nba_platform.landing.resource import LandingResource
from nba_platform.resources import local_resources

log = logging.getLogger(__name__)

# The instance settings `make dev` and the CLI start from. Scrapers of one source never run at once:
# each scrape op is in pool `scrape_<source>` (limit 1 per pool) and each scrape run is tagged with its
# source (one queued run per tag value); asset runs have neither, so they are not limited by this.
# The instance settings shipped with the project (queue, pools, run retries, daemons); see the file.
INSTANCE_SETTINGS = Path(__file__).resolve().parents[1] / "deploy" / "dagster.yaml"


def dagster_instance() -> dg.DagsterInstance:
    """The persistent instance under $DAGSTER_HOME (default $NBA_PLATFORM_HOME/dagster_home)."""
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_SETTINGS.read_text())
    return dg.DagsterInstance.from_config(str(home))


# Every in-process run records the process that executes it, so a later backfill can tell a run whose
# process is gone (SIGKILL, OOM, a closed terminal) from one still working.
PID_TAG = "nba_platform/pid"
PROCESS_START_TAG = "nba_platform/process_start"
HOST_TAG = "nba_platform/host"
TRIGGER_TAG = "nba_platform/trigger"


def _process_start(pid: int) -> str:
    """The kernel's start time of ``pid`` (clock ticks since boot; '' where /proc is not available):
    with the pid it identifies a process even after the pid is reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[1].split()[19]


def _process_tags() -> dict[str, str]:
    pid = os.getpid()
    return {PID_TAG: str(pid), PROCESS_START_TAG: _process_start(pid), HOST_TAG: socket.gethostname()}


def _alive(pid: int, started: str) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not started or _process_start(pid) == started


def recover_orphaned_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail the CLI's runs whose process died mid-run, and free the pool slots they still hold.

    A run executed in-process (backfill, demo, evaluate) that is killed stays STARTED in the instance
    and keeps its `duckdb_writer` slot: every later run would wait for that slot forever. Runs of this
    host whose recorded process no longer exists are marked failed and their slots freed. (The warehouse
    needs nothing: the killed process's DuckDB lock died with it, and its open transaction is rolled back.)
    Returns the ids of the recovered runs."""
    running = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]
    runs = instance.get_runs(filters=dg.RunsFilter(statuses=running, tags={TRIGGER_TAG: "cli"}))
    recovered = []
    for run in runs:
        pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
        if not pid or host != socket.gethostname() or _alive(int(pid), run.tags.get(PROCESS_START_TAG, "")):
            continue
        instance.report_run_failed(run, f"its process {pid} on {host} ended without finishing the run (killed?)")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        log.warning("run %s: process %s is gone; marked failed and its pool slots freed", run.run_id, pid)
        recovered.append(run.run_id)
    return recovered


class RunFailed(RuntimeError):
    """A Dagster run of the range failed; the message names the failed steps and why."""


class Interrupted(RuntimeError):
    """SIGINT or SIGTERM arrived during a run: the run was finished, the range stopped after it."""


# Set by SIGINT/SIGTERM between runs (the CLI installs `request_stop` as their handler): raising
# KeyboardInterrupt from a signal handler can land inside a garbage-collection callback, where Python
# prints "Exception ignored" and carries on, so the stop is a flag checked before every run instead.
_STOP_REQUESTED = threading.Event()


def request_stop(_signo: int, _frame: object) -> None:
    _STOP_REQUESTED.set()


def install_stop_handlers() -> None:
    """SIGINT and SIGTERM ask the range to stop before its next run (main thread only)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)


@contextmanager
def _interrupts_noticed() -> Iterator[threading.Event]:
    """Notice SIGINT/SIGTERM received while an in-process run executes.

    Dagster's in-process execution captures both signals (to stop only at safe points) but never
    checks them and clears them when the run ends: Ctrl-C or a `kill` (systemd, `timeout`, a CI cancel)
    would be ignored until the whole backfill finished. A watcher thread sees the captured flag before
    it is cleared, so the range stops after the current run; a run is never cut in the middle.
    """
    noticed, done = threading.Event(), threading.Event()

    def watch() -> None:
        while not done.wait(0.02):
            if check_captured_interrupt() or _STOP_REQUESTED.is_set():
                noticed.set()

    watcher = threading.Thread(target=watch, name="interrupt-watch", daemon=True)
    watcher.start()
    try:
        yield noticed
    finally:
        done.set()
        watcher.join()


@dataclass
class ChunkReport:
    start: dt.date
    end: dt.date
    seconds: float
    rows: dict[str, int]


def _materialize(
    selection: list,
    resources: dict,
    instance: dg.DagsterInstance,
    log_level: str,
    tags: dict[str, str],
    partition_key: str | None = None,
) -> dict[str, int]:
    """One in-process Dagster run; raises RunFailed naming the failed steps, or Interrupted after a run
    during which SIGINT/SIGTERM arrived. Returns rows per asset."""
    scope = partition_key or f"{tags.get('dagster/asset_partition_range_start')}..{tags.get('dagster/asset_partition_range_end')}"
    if _STOP_REQUESTED.is_set():
        raise Interrupted(f"interrupted before the run for {scope}: nothing after the last finished run was started")
    with _interrupts_noticed() as interrupted:
        result = dg.materialize(
            ALL_ASSETS,
            selection=selection,
            resources=resources,
            instance=instance,
            partition_key=partition_key,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
            tags={**tags, TRIGGER_TAG: "cli", **_process_tags()},
            raise_on_error=False,
        )
    if interrupted.is_set():
        state = "finished" if result.success else "failed"
        raise Interrupted(f"interrupted: run {result.run_id} for {scope} {state}, nothing after it was started")
    if not result.success:
        reasons = [
            f"{event.step_key}: {event.event_specific_data.error.message.strip().splitlines()[0]}"
            for event in result.get_step_failure_events()
        ]
        raise RunFailed(f"run {result.run_id} for {scope} failed: " + "; ".join(reasons or ["see the run's logs"]))
    rows = {}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        if mat is not None and "rows" in mat.metadata:
            rows[mat.asset_key.to_user_string()] = int(mat.metadata["rows"].value)
    return rows


def materialize_range(
    start: dt.date,
    end: dt.date,
    landing_dir: str,
    warehouse_path: str | None = None,
    chunk_days: int = 7,
    instance: dg.DagsterInstance | None = None,
    on_chunk: Callable[[ChunkReport], None] | None = None,
    log_level: str = "WARNING",
    through_features: bool = False,
    resources: dict[str, object] | None = None,
) -> list[ChunkReport]:
    """Run every asset for start..end (inclusive), `chunk_days` dates per chunk.

    A chunk is three runs: the daily graph up to the feature store over the chunk's range, the
    weekly `points_model` of each week the chunk touches (trained on the features already there),
    then predictions and grading over the range. `through_features` stops after the first run
    (history that later weeks train on, without predicting it). `resources` replaces the local DuckDB
    ones (e.g. `resources.prod_resources()`); `landing_dir` still picks the landing zone."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    warehouse = warehouse_path or default_warehouse_path()
    if resources is None:
        resources = local_resources(landing_dir=landing_dir, warehouse_path=warehouse)
    else:
        resources = {**resources, "landing": LandingResource(root=landing_dir)}
    instance = instance or dagster_instance()
    recover_orphaned_runs(instance)
    reports, trained_weeks = [], set()
    chunk_start = start
    while chunk_start <= end:
        chunk_end = min(end, chunk_start + dt.timedelta(days=chunk_days - 1))
        began = time.perf_counter()
        range_tags = {
            "dagster/asset_partition_range_start": chunk_start.isoformat(),
            "dagster/asset_partition_range_end": chunk_end.isoformat(),
        }
        rows = _materialize(UPSTREAM_OF_MODEL, resources, instance, log_level, range_tags)
        for day in range(0 if through_features else (chunk_end - chunk_start).days + 1):
            week = week_start(chunk_start + dt.timedelta(days=day))
            if week not in trained_weeks:
                _materialize([points_model], resources, instance, log_level, {}, partition_key=week.isoformat())
                trained_weeks.add(week)
        if not through_features:
            rows.update(_materialize(DOWNSTREAM_OF_MODEL, resources, instance, log_level, range_tags))
        report = ChunkReport(chunk_start, chunk_end, time.perf_counter() - began, rows)
        reports.append(report)
        if on_chunk:
            on_chunk(report)
        chunk_start = chunk_end + dt.timedelta(days=1)
    return reports
