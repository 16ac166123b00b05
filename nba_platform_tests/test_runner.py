"""runner.execute_job: a signal during a run lets the run finish, then stops the range; a stop requested
before a run starts none. (The whole CLI under SIGKILL/SIGTERM: reliability/test_crash.py.)"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
import time

import dagster as dg
import pytest

from nba_platform import runner
from nba_platform.core.settings import PLANNED_SUBSET_ENV

FINISHED = []


@dg.op
def signalled_then_finishes() -> None:
    os.kill(os.getpid(), signal.SIGTERM)  # as `kill`, systemd or a CI cancel would, mid-run
    time.sleep(0.2)
    FINISHED.append(True)


@dg.job
def tiny_job():
    signalled_then_finishes()


@pytest.fixture
def tiny_defs(monkeypatch):
    monkeypatch.setattr(runner, "defs", dg.Definitions(jobs=[tiny_job]))
    monkeypatch.setattr(runner, "_STOP_REQUESTED", threading.Event())
    FINISHED.clear()


def test_a_signal_during_a_run_lets_it_finish_then_stops(tiny_defs):
    before = signal.getsignal(signal.SIGTERM)
    with dg.instance_for_test() as instance:
        with pytest.raises(runner.Interrupted, match="finished, nothing after it"):
            runner.execute_job("tiny_job", {}, instance)
        [run] = instance.get_runs()
    assert FINISHED == [True]
    assert signal.getsignal(signal.SIGTERM) is before  # the process's own handler is back
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert run.tags[runner.PID_TAG] == str(os.getpid()) and run.tags[runner.TRIGGER_TAG] == "cli"


def test_a_stop_requested_between_runs_starts_none(tiny_defs):
    runner._STOP_REQUESTED.set()
    with dg.instance_for_test() as instance:
        with pytest.raises(runner.Interrupted, match="before the run"):
            runner.execute_job("tiny_job", {}, instance)
        assert not instance.get_runs() and not FINISHED


def test_the_cli_instance_keeps_the_shipped_settings_without_compute_logs(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    instance = runner.dagster_instance()
    assert type(instance.compute_log_manager).__name__ == "NoOpComputeLogManager"
    assert (tmp_path / "dagster_home" / "dagster.yaml").read_text() == runner.INSTANCE_SETTINGS.read_text()
    assert instance.run_coordinator.__class__.__name__ == "QueuedRunCoordinator"  # the shipped queue is kept
    # ...and stores events in the same SQLite files without a new engine per event (core/dagster_private.py).
    assert type(instance.event_log_storage).__name__ == "EngineReusingSqliteEventLogStorage"
    assert instance.event_log_storage._base_dir == str(tmp_path / "dagster_home" / "history" / "runs")


def test_a_range_run_plans_its_partitions_in_one_event_per_asset(monkeypatch):
    days = dg.DailyPartitionsDefinition(start_date="2025-01-01")

    @dg.asset(partitions_def=days, backfill_policy=dg.BackfillPolicy.single_run())
    def daily() -> None:
        return None

    monkeypatch.setattr(runner, "defs", dg.Definitions(assets=[daily], jobs=[dg.define_asset_job("daily_job", [daily])]))
    monkeypatch.setattr(runner, "_STOP_REQUESTED", threading.Event())
    monkeypatch.delenv(PLANNED_SUBSET_ENV, raising=False)
    with dg.instance_for_test() as instance:
        result = runner.execute_job("daily_job", {}, instance, dates=(dt.date(2025, 1, 1), dt.date(2025, 1, 7)))
        planned = instance.get_records_for_run(
            result.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED).records
        assert len(planned) == 1
        assert planned[0].event_log_entry.dagster_event.event_specific_data.partitions_subset.get_partition_keys() == [
            f"2025-01-0{d}" for d in range(1, 8)]
        assert len(instance.get_materialized_partitions(dg.AssetKey("daily"))) == 7
    assert PLANNED_SUBSET_ENV not in os.environ  # only while the run is created
