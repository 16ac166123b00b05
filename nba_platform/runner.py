"""Materialize the whole graph for a range of game dates in-process (the CLI's backfill, demo and evaluate).

The runs are the jobs of `definitions.defs` (the one assembly of the graph, with its policies),
executed in this process over partition ranges (every daily asset is single-run backfillable) and
recorded in the Dagster instance, so `make dev` shows the history.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import yaml

from nba_platform import definitions
from nba_platform.core.calendar import week_start
from nba_platform.core.dagster_private import (
    EngineReusingSqliteEventLogStorage,
    InstanceRef,
    execute_in_process_uncaptured,
)
from nba_platform.core.model_store import ModelIOManager
from nba_platform.core.settings import dagster_home, default_warehouse_path, planned_events_per_range
from nba_platform.definitions import CODE_LOCATION, defs, features_job, points_model_job, predictions_job
from nba_platform.landing.resource import LandingResource
from nba_platform.predictions.assets import points_model
from nba_platform.predictions.training import training_window
from nba_platform.raw.sensors import seed_landing_cursor
from nba_platform.resources import local_resources

log = logging.getLogger(__name__)

# The instance settings shipped with the project (queue, pools, run monitoring and retries, daemons),
# which `make dev` and the CLI start from; see the file.
INSTANCE_SETTINGS = Path(__file__).resolve().parents[1] / "deploy" / "dagster.yaml"
NO_COMPUTE_LOGS = {"module": "dagster._core.storage.noop_compute_log_manager", "class": "NoOpComputeLogManager"}


def dagster_instance() -> dg.DagsterInstance:
    """The persistent instance under $DAGSTER_HOME (default $NBA_PLATFORM_HOME/dagster_home)."""
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(INSTANCE_SETTINGS.read_text())
    # The CLI's runs capture no stdout/stderr files: each run would start a log capture (tee processes
    # and an event) for output nobody reads; the UI still shows the runs, their events and every partition.
    overrides: dict[str, object] = {"compute_logs": NO_COMPUTE_LOGS}
    settings = yaml.safe_load(config.read_text()) or {}
    if not {"storage", "run_storage", "event_log_storage", "schedule_storage"} & set(settings):
        # The default SQLite storage (the same files `make dev` reads), storing events without a new
        # SQLAlchemy engine per event (core/dagster_private.py says why).
        overrides["event_log_storage"] = {
            "module": "nba_platform.core.dagster_private",
            "class": EngineReusingSqliteEventLogStorage.__name__,
            "config": {"base_dir": str(home / "history" / "runs")},
        }
    ref = InstanceRef.from_dir(str(home), overrides=overrides)
    return dg.DagsterInstance.from_ref(ref)


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
    Returns the ids of the recovered runs.

    Dagster's run monitoring (deploy/dagster.yaml) does not cover this case: it runs in the daemon,
    which the CLI does not start, and it only fails a STARTED run when the run launcher can health-check
    the run's worker -- the default launcher cannot, and an in-process run was never launched by one.
    Its `free_slots_after_run_end_seconds` frees slots only of runs that have already ended."""
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


# Set by SIGINT/SIGTERM (the CLI installs `request_stop` as their handler, and every run installs it
# while it executes): raising KeyboardInterrupt from a signal handler can land inside a
# garbage-collection callback, where Python prints "Exception ignored" and carries on, so the stop
# is a flag checked before and after every run instead.
_STOP_REQUESTED = threading.Event()
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def request_stop(_signo: int, _frame: object) -> None:
    _STOP_REQUESTED.set()


def install_stop_handlers() -> None:
    """SIGINT and SIGTERM ask the range to stop before its next run (main thread only)."""
    if threading.current_thread() is threading.main_thread():
        for signo in _STOP_SIGNALS:
            signal.signal(signo, request_stop)


@contextmanager
def _stop_after_this_run() -> Iterator[None]:
    """While a run executes, SIGINT/SIGTERM only ask the range to stop after it (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signo: signal.getsignal(signo) for signo in _STOP_SIGNALS}
    install_stop_handlers()
    try:
        yield
    finally:
        for signo, handler in previous.items():
            signal.signal(signo, signal.SIG_DFL if handler is None else handler)


@dataclass
class ChunkReport:
    start: dt.date
    end: dt.date
    seconds: float
    rows: dict[str, int]
    index: int = 1  # this chunk's place in the range, 1-based
    total: int = 1  # the range's number of chunks


@dataclass
class StepReport:
    """One run inside a chunk (the upstream run, a week's model, the downstream run): progress within a
    long chunk."""

    what: str
    seconds: float
    chunk: int  # the chunk it belongs to, 1-based
    total: int  # the range's number of chunks


# Every chunk pays three Dagster runs and re-reads the history its dates look back on (up to 400 days),
# so a week per chunk made a season ~1.9x slower than one run; one run for a season holds every line,
# feature and prediction row of the range in memory at once. A chunk of at most 13 weeks keeps a season
# to 2 chunks (measured on the real 2024-25 season: 1.10x the one run; 3 chunks were 1.18x).
AUTO_CHUNK_DAYS = 92


def auto_chunk_days(start: dt.date, end: dt.date) -> int:
    """Dates per chunk when none is asked for: the fewest chunks of at most AUTO_CHUNK_DAYS, of even size."""
    days = (end - start).days + 1
    chunks = -(-days // AUTO_CHUNK_DAYS)
    return -(-days // chunks)


def chunk_ranges(start: dt.date, end: dt.date, chunk_days: int) -> list[tuple[dt.date, dt.date]]:
    """start..end (inclusive) cut into consecutive ranges of `chunk_days` dates (the last may be shorter)."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    if chunk_days < 1:
        raise ValueError(f"chunk_days must be 1 or more, not {chunk_days}")
    firsts = range(0, (end - start).days + 1, chunk_days)
    return [(start + dt.timedelta(days=d), min(end, start + dt.timedelta(days=d + chunk_days - 1))) for d in firsts]


ROW_COUNT = "dagster/row_count"


def _scope(partition_key: str | None, dates: tuple[dt.date, dt.date] | None) -> str:
    return partition_key or (f"{dates[0]}..{dates[1]}" if dates else "all partitions")


def execute_job(
    job_name: str,
    resources: dict[str, object],
    instance: dg.DagsterInstance,
    *,
    partition_key: str | None = None,
    dates: tuple[dt.date, dt.date] | None = None,
    log_level: str = "WARNING",
) -> dg.ExecuteInProcessResult:
    """One in-process run of the job `job_name` of `definitions.defs`, for one partition or an inclusive
    range of dates, with these resources; the run carries the process tags `recover_orphaned_runs` reads.

    Raises Interrupted instead of starting when a stop was requested, or after a run during which
    SIGINT/SIGTERM arrived. The run executes in a worker thread: on the main thread Dagster replaces
    the signal handlers for the run and drops what it caught when the run ends, so Ctrl-C or a `kill`
    would go unnoticed until the whole range was done. Off the main thread it leaves them alone, and
    ours only set the stop flag: the run in progress always finishes, it is never cut in the middle."""
    tags = {TRIGGER_TAG: "cli", **_process_tags()}
    if dates is not None:
        tags["dagster/asset_partition_range_start"] = dates[0].isoformat()
        tags["dagster/asset_partition_range_end"] = dates[1].isoformat()
    scope = _scope(partition_key, dates)
    if _STOP_REQUESTED.is_set():
        raise Interrupted(f"interrupted before the run for {scope}: nothing after the last finished run was started")
    job = defs.resolve_job_def(job_name)
    with _stop_after_this_run(), planned_events_per_range(), ThreadPoolExecutor(1, thread_name_prefix=job_name) as worker:
        result = worker.submit(
            execute_in_process_uncaptured,  # a range run's frames are freed step by step (dagster_private)
            job,
            resources=resources,
            instance=instance,
            partition_key=partition_key,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
            tags=tags,
        ).result()
    if _STOP_REQUESTED.is_set():
        state = "finished" if result.success else "failed"
        raise Interrupted(f"interrupted: run {result.run_id} for {scope} {state}, nothing after it was started")
    return result


def run_job(
    job_name: str,
    resources: dict[str, object],
    instance: dg.DagsterInstance,
    *,
    partition_key: str | None = None,
    dates: tuple[dt.date, dt.date] | None = None,
    log_level: str = "WARNING",
) -> dict[str, int]:
    """`execute_job`, raising RunFailed naming the failed steps; returns rows written per asset (the
    `dagster/row_count` metadata of each table materialization)."""
    result = execute_job(job_name, resources, instance, partition_key=partition_key, dates=dates, log_level=log_level)
    if not result.success:
        scope = _scope(partition_key, dates)
        reasons = [
            f"{event.step_key}: {event.event_specific_data.error.message.strip().splitlines()[0]}"
            for event in result.get_step_failure_events()
        ]
        raise RunFailed(f"run {result.run_id} for {scope} failed: " + "; ".join(reasons or ["see the run's logs"]))
    rows = {}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        if mat is not None and ROW_COUNT in mat.metadata:
            rows[mat.asset_key.to_user_string()] = int(mat.metadata[ROW_COUNT].value)
    return rows


def _model_is_current(instance: dg.DagsterInstance, models: ModelIOManager, week: dt.date) -> bool:
    """The week's `points_model` is stored and was materialized after the last materialization of every
    input partition it trains on (its training window): training it again would give the same bundle."""
    partition = week.isoformat()
    model = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=points_model.key, asset_partitions=[partition]), limit=1
    ).records
    if not model or not models.has_stored(points_model.key, partition):
        return False
    first, last = training_window(week)
    window = [(first + dt.timedelta(days=d)).isoformat() for d in range((last - first).days + 1)]
    for key in points_model.keys_by_input_name.values():
        newest = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key, asset_partitions=window), limit=1)
        if newest.records and newest.records[0].timestamp >= model[0].timestamp:
            return False
    return True


def materialize_range(
    start: dt.date,
    end: dt.date,
    landing_dir: str,
    warehouse_path: str | None = None,
    chunk_days: int | None = None,
    instance: dg.DagsterInstance | None = None,
    on_chunk: Callable[[ChunkReport], None] | None = None,
    on_step: Callable[[StepReport], None] | None = None,
    log_level: str = "WARNING",
    through_features: bool = False,
    resources: dict[str, object] | None = None,
) -> list[ChunkReport]:
    """Run every asset for start..end (inclusive), `chunk_days` dates per chunk (default
    `auto_chunk_days`).

    A chunk is three runs, each of a job of `definitions.defs`: `features_job` (the daily graph up to
    the feature store) over the chunk's range, `points_model_job` over the weeks the chunk touches
    that are not trained yet (trained on the features already there), then `predictions_job`
    (predictions, grading, publishing) over the range. `through_features` stops after the first run
    (history that later weeks train on, without predicting it). `resources` replaces the local DuckDB
    ones (e.g. `resources.prod_resources()`); `landing_dir` still picks the landing zone. `on_chunk` is
    called after each chunk, `on_step` after each run inside it."""
    chunks = chunk_ranges(start, end, chunk_days or auto_chunk_days(start, end))
    warehouse = warehouse_path or default_warehouse_path()
    if resources is None:
        resources = local_resources(landing_dir=landing_dir, warehouse_path=warehouse)
    else:
        resources = {**resources, "landing": LandingResource(root=landing_dir)}
    instance = instance or dagster_instance()
    recover_orphaned_runs(instance)
    reports, trained_weeks = [], set()
    # The range's first week learns only from dates before the range, so nothing this range writes changes
    # its model: a current one is kept (a single-date backfill on a Tuesday does not train Monday's again).
    if not through_features and _model_is_current(instance, resources["model_io_manager"], week_start(start)):
        trained_weeks.add(week_start(start))
    for index, (chunk_start, chunk_end) in enumerate(chunks, 1):
        began = time.perf_counter()
        dates = (chunk_start, chunk_end)

        def step(what: str, since: float, index: int = index) -> None:
            if on_step:
                on_step(StepReport(what, time.perf_counter() - since, index, len(chunks)))

        rows = run_job(features_job.name, resources, instance, dates=dates, log_level=log_level)
        step(f"features {chunk_start}..{chunk_end}", began)
        # The chunk's weeks not trained yet (contiguous: chunks run in date order) in one range run.
        weeks = [] if through_features else sorted(
            {week_start(chunk_start + dt.timedelta(days=d)) for d in range((chunk_end - chunk_start).days + 1)} - trained_weeks
        )
        if weeks:
            since = time.perf_counter()
            run_job(points_model_job.name, resources, instance, dates=(weeks[0], weeks[-1]), log_level=log_level)
            trained_weeks.update(weeks)
            step(f"points_model {weeks[0]}" + (f"..{weeks[-1]} ({len(weeks)} weeks)" if len(weeks) > 1 else ""), since)
        if not through_features:
            since = time.perf_counter()
            rows.update(run_job(predictions_job.name, resources, instance, dates=dates, log_level=log_level))
            step(f"predictions {chunk_start}..{chunk_end}", since)
        report = ChunkReport(chunk_start, chunk_end, time.perf_counter() - began, rows, index, len(chunks))
        reports.append(report)
        if on_chunk:
            on_chunk(report)
    return reports


def seed_sensors_after(landing_dir: str, instance: dg.DagsterInstance | None = None) -> int:
    """Leave the instance as the daemon would have left it had it run what was just materialized: the
    landing sensor's cursor records every file in `landing_dir` as handled. Returns how many files.

    Declarative automation needs nothing: its sensor's first evaluation only records where the event log
    stands (no condition that reads "updated since" or "cron tick passed" is true on it), and on later
    evaluations a materialization that came after its inputs' (as every one of a range run does) has
    already handled them."""
    instance = instance or dagster_instance()
    cursor = seed_landing_cursor(instance, LandingResource(root=landing_dir).zone(), CODE_LOCATION, definitions.__name__)
    return len(json.loads(cursor)["files"])
