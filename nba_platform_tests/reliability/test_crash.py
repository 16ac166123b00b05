"""A backfill killed with SIGKILL halfway, then run again: the tables equal an uninterrupted run's.

What a killed in-process run leaves behind, and who cleans it up:
* the DuckDB file lock dies with the process, and the store that was open is one transaction
  (`core/warehouse/duckdb.TransactionalDuckDbClient`): rolled back, never half a partition;
* the Dagster run stays STARTED and keeps its `duckdb_writer` pool slot, so the next run would wait
  for that slot forever -- the next backfill finds runs whose process is gone, marks them failed
  and frees their slots (`runner.recover_orphaned_runs`).
"""

from __future__ import annotations

import signal
import time

import dagster as dg

from nba_platform import tables as schemas
from nba_platform.runner import PID_TAG

from ..helpers import table, table_hash, wait_for
from .conftest import CHUNK_DAYS, END, START, cli_run, cli_start

# The backfill prints "[i/N] <start>..<end> ..." when a chunk is done.
CHUNKS = -(-((END - START).days + 1) // CHUNK_DAYS)
BACKFILL = ["backfill", "--start", START.isoformat(), "--end", END.isoformat(), "--chunk-days", str(CHUNK_DAYS)]


def _runs(home) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(str(home / "dagster_home")) as instance:
        return list(instance.get_runs())


def test_sigkill_halfway_then_rerun_gives_the_uninterrupted_tables(reference, tmp_path):
    home = tmp_path / "home"
    args = [*BACKFILL, "--landing", str(reference.landing)]
    proc = cli_start(*args, home=home, log=tmp_path / "killed.log")
    try:
        # Halfway: the first chunk is reported done (its runs succeeded) and a later run is executing.
        # (The instance is only opened here once the CLI has created its storage: two processes
        # creating one SQLite instance at once race on its schema migration.)
        def halfway():
            log = (tmp_path / "killed.log").read_text()
            if proc.poll() is not None:
                raise AssertionError(f"backfill ended before it was killed: {log}")
            if f"[1/{CHUNKS}] {START}.." not in log:
                return False
            return any(r.status == dg.DagsterRunStatus.STARTED for r in _runs(home))

        wait_for("the backfill's first chunk", halfway, timeout=240, interval=0.2)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    # The run that was executing (killed between two runs, in the millisecond where none is, there is none).
    orphans = [r for r in _runs(home) if r.status == dg.DagsterRunStatus.STARTED]
    assert all(r.tags[PID_TAG] == str(proc.pid) for r in orphans) and len(orphans) <= 1
    # Some tables are behind the reference now (the killed run never finished).
    # The killed backfill left the later dates out (and nothing half-written, see the end).
    partial = {t: table(t, home / "warehouse.duckdb").height for t in reference.hashes}
    full = {t: table(t, reference.warehouse).height for t in reference.hashes}
    assert partial["player_game_summary"] < full["player_game_summary"], (partial, full)

    began = time.monotonic()
    rerun = cli_run(*args, home=home, timeout=400)
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert time.monotonic() - began < 300  # it did not wait on the dead run's pool slot
    with dg.DagsterInstance.from_config(str(home / "dagster_home")) as instance:
        for orphan in orphans:
            assert f"run {orphan.run_id}: process {proc.pid} is gone" in rerun.stderr + rerun.stdout
            assert instance.get_run_by_id(orphan.run_id).status == dg.DagsterRunStatus.FAILURE
        assert not instance.event_log_storage.get_concurrency_info("duckdb_writer").claimed_slots
        assert not [r for r in instance.get_runs() if r.status == dg.DagsterRunStatus.STARTED]
    for name in schemas.TABLES:
        assert table_hash(name, home / "warehouse.duckdb") == reference.hashes[name], name


def test_sigterm_stops_a_backfill_after_its_current_run_and_leaves_nothing_held(reference, tmp_path):
    """Dagster's in-process execution, on the main thread, captures SIGINT/SIGTERM and forgets them when
    the run ends: a `kill`, Ctrl-C or a CI cancel would be ignored until the whole range was done. The
    runner executes each run off the main thread, where the signal reaches its stop flag, and stops
    after the current run (exit 130), leaving no run STARTED and no slot held."""
    home = tmp_path / "home"
    proc = cli_start(*BACKFILL, "--landing", str(reference.landing), home=home, log=tmp_path / "term.log")
    try:
        wait_for("the first chunk", lambda: f"[1/{CHUNKS}] {START}.." in (tmp_path / "term.log").read_text(), timeout=240, interval=0.2)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    log = (tmp_path / "term.log").read_text()
    assert proc.returncode == 130, log
    assert "stopped on a signal" in log and "run the same command again to finish" in log
    with dg.DagsterInstance.from_config(str(home / "dagster_home")) as instance:
        assert not [r for r in instance.get_runs() if r.status == dg.DagsterRunStatus.STARTED]
        assert not instance.event_log_storage.get_concurrency_info("duckdb_writer").claimed_slots
