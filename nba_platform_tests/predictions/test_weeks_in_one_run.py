"""A range of weeks of `points_model` is one run, its weeks trained side by side, and each week's bundle
is the one a run of that week alone trains: the same trees, bit for bit (each learns only from its own
window, and a fit's trees do not depend on its thread count)."""

from __future__ import annotations

import datetime as dt
import pickle

import dagster as dg
import pytest

from nba_platform.core.model_store import ModelIOManager
from nba_platform.definitions import features_job
from nba_platform.resources import local_resources
from nba_platform.runner import run_job
from nba_platform.simulator import simulate

pytestmark = pytest.mark.integration

WEEKS = [dt.date(2026, 1, 5), dt.date(2026, 1, 12), dt.date(2026, 1, 19)]


def _trees(model_text: str) -> str:
    """A LightGBM model's text up to its parameters block (which records the fit's thread count)."""
    return model_text[: model_text.index("end of trees")]


def _bundles(folder) -> dict[str, object]:
    return {path.name: pickle.loads(path.read_bytes()) for path in sorted((folder / "points_model").iterdir())}


def test_weeks_trained_in_one_run_equal_weeks_trained_alone(tmp_path):
    simulate(tmp_path / "landing", seed=5, teams=6, games_per_team=40, played_through=dt.date(2026, 1, 25))
    resources = local_resources(str(tmp_path / "landing"), str(tmp_path / "warehouse.duckdb"))
    together, alone = tmp_path / "together", tmp_path / "alone"
    with dg.instance_for_test() as instance:
        run_job(features_job.name, resources, instance, dates=(dt.date(2025, 10, 21), dt.date(2026, 1, 18)))
        run_job("points_model_job", {**resources, "model_io_manager": ModelIOManager(location=str(together))},
                instance, dates=(WEEKS[0], WEEKS[-1]))
        for week in WEEKS:
            run_job("points_model_job", {**resources, "model_io_manager": ModelIOManager(location=str(alone))},
                    instance, partition_key=week.isoformat())
        runs = instance.get_runs(filters=dg.RunsFilter(job_name="points_model_job"))
        ranged = [r for r in runs if r.tags.get("dagster/asset_partition_range_start")]
        assert len(runs) == 4 and len(ranged) == 1
        # Each week of the range run has its own materialization with its own metadata.
        mats = [
            r.event_log_entry.asset_materialization
            for r in instance.fetch_materializations(dg.AssetKey("points_model"), limit=100).records
            if r.run_id == ranged[0].run_id
        ]
        assert sorted(m.partition for m in mats) == [w.isoformat() for w in WEEKS]
        ends = {m.partition: m.metadata["training_window"].value.split("..")[1] for m in mats}
        assert all(ends[w.isoformat()] < w.isoformat() for w in WEEKS) and len(set(ends.values())) == 3
    got, want = _bundles(together), _bundles(alone)
    assert sorted(got) == [w.isoformat() for w in WEEKS] == sorted(want)
    trained = [k for k, b in got.items() if b.booster_text]
    assert len(trained) == 3  # enough history for every week: the comparison is of real models
    for key in got:
        # The range run's fits ran side by side on one thread each, the single-week runs' on two.
        assert "[num_threads: 1]" in got[key].booster_text and "[num_threads: 2]" in want[key].booster_text
        assert _trees(got[key].booster_text) == _trees(want[key].booster_text)
        assert _trees(got[key].minutes.booster_text) == _trees(want[key].minutes.booster_text)
        assert got[key].rounds == want[key].rounds and got[key].spreads == want[key].spreads
        assert got[key].ensemble_weights == want[key].ensemble_weights
        assert got[key].metadata == want[key].metadata


def test_a_range_output_must_name_every_partition(tmp_path):
    partitions = dg.StaticPartitionsDefinition(["a", "b"])

    @dg.asset(partitions_def=partitions, io_manager_key="models", backfill_policy=dg.BackfillPolicy.single_run())
    def stored():
        return {"a": 1}  # "b" forgotten

    with dg.instance_for_test() as instance:
        result = dg.materialize(
            [stored], instance=instance, resources={"models": ModelIOManager(location=str(tmp_path))},
            tags={"dagster/asset_partition_range_start": "a", "dagster/asset_partition_range_end": "b"},
            raise_on_error=False,
        )
    assert not result.success
    [failure] = result.get_step_failure_events()
    error = failure.event_specific_data.error
    assert "a run over 2 partitions (a..b) must return {partition key: object} with exactly those keys" in (
        error.cause.message if error.cause else error.message)
    assert not (tmp_path / "stored").exists()  # nothing half-written
