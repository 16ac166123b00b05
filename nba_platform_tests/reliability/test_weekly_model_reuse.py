"""A backfill keeps the range's first week's model when nothing it learns from changed since it was
trained, and trains it again when something did or its bundle is gone (runner.materialize_range)."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from nba_platform.runner import materialize_range

from .conftest import END

WEEK = dt.date(2025, 10, 27)  # END, a Monday: its model learns from 2025-10-21..26


def _trainings(instance: dg.DagsterInstance, week: dt.date) -> int:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey("points_model"), asset_partitions=[week.isoformat()]), limit=100
    ).records
    return len(records)


def test_a_single_date_backfill_trains_its_week_again_only_when_its_inputs_or_bundle_changed(reference, tmp_path):
    warehouse = reference.copy(tmp_path / "home")
    bundle = warehouse.parent / "models" / "points_model" / WEEK.isoformat()
    landing = str(reference.landing)
    with dg.instance_for_test() as instance:
        materialize_range(WEEK, END, landing, str(warehouse), instance=instance)
        assert _trainings(instance, WEEK) == 1 and bundle.exists()  # no record of it in this instance yet
        trained = bundle.read_bytes()

        materialize_range(WEEK, END, landing, str(warehouse), instance=instance)
        assert _trainings(instance, WEEK) == 1  # current: kept
        assert bundle.read_bytes() == trained

        # A date the week learns from is materialized again: the model is no longer current.
        materialize_range(WEEK - dt.timedelta(days=2), WEEK - dt.timedelta(days=2), landing, str(warehouse),
                          instance=instance, through_features=True)
        materialize_range(WEEK, END, landing, str(warehouse), instance=instance)
        assert _trainings(instance, WEEK) == 2
        assert bundle.read_bytes() == trained  # the same inputs give the same bundle

        # The instance records the model, but the store lost it.
        bundle.unlink()
        materialize_range(WEEK, END, landing, str(warehouse), instance=instance)
        assert _trainings(instance, WEEK) == 3 and bundle.read_bytes() == trained
