"""`make dev` after `make demo` opens calm: the real `dagster dev` (webserver + daemon, the shipped
instance settings) on a demo home launches no run in its first two minutes except tonight's.

Without the landing sensor's cursor seeded by the demo, the sensor's first tick requested a raw run for
every landed date (167 on the demo's simulated season, 138 of them after the demo's "tonight"), and
automation followed each of them down the graph."""

from __future__ import annotations

import collections
import datetime as dt
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.scheduler.instigation import InstigatorType

from nba_platform.core.calendar import ET
from nba_platform.core.calendar import week_start as monday

from ..helpers import dagster_dev, graphql, wait_for

pytestmark = pytest.mark.slow

# What a user looks at first: the UI's first two minutes.
WINDOW_SECONDS = 120
SENSORS = "{ repositoriesOrError { ... on RepositoryConnection { nodes { sensors { name } } } } }"


def _loaded(port: int) -> bool:
    nodes = (graphql(port, SENSORS).get("data") or {}).get("repositoriesOrError", {}).get("nodes") or []
    return any(n["sensors"] for n in nodes)


def _sensor_ticks(dagster_home: Path, since: dt.datetime) -> dict[str, list[str]]:
    """Each sensor's tick statuses since `since`, from the instance (found by the sensor's selector)."""
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        return {
            state.instigator_name: [
                t.status.value
                for t in instance.get_ticks(state.instigator_origin_id, state.selector_id, after=since.timestamp())
            ]
            for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
        }


def _tonights(run: dg.DagsterRun, tonight: dt.date) -> bool:
    """A run for the wall clock's tonight: today's ET partition, or this week's model."""
    partition = run.tags.get("dagster/partition")
    return partition in (tonight.isoformat(), monday(tonight).isoformat())


def test_the_ui_opens_calm_after_the_demo(demo_home):
    assert "recorded as handled" in (demo_home / "demo.log").read_text()
    with dg.DagsterInstance.from_config(str(demo_home / "dagster_home")) as instance:
        demo_runs = instance.get_runs_count()
    assert demo_runs >= 3  # the demo's own runs (features, the weekly models, predictions) are in the instance the UI opens on

    started = dt.datetime.now(dt.UTC)
    env = {"NBA_ALERT_SLACK_WEBHOOK_URL": "", "NBA_ALERT_WEBHOOK_URL": ""}  # nothing leaves the machine
    dagster_home = demo_home / "dagster_home"
    with dagster_dev(demo_home, env, timeout=300) as port:
        wait_for("code location loaded", lambda: _loaded(port), timeout=300, interval=2)
        opened = time.monotonic()
        time.sleep(WINDOW_SECONDS)
        # The daemon did evaluate the sensors in the window: calm is not an idle daemon.
        ticks = wait_for(
            "a finished tick of the landing sensor and two of automation",
            lambda: (t := _sensor_ticks(dagster_home, started)).get("landing_zone_sensor", []).count("SKIPPED") >= 1
            and sum(s in ("SKIPPED", "SUCCESS") for s in t.get("automation_sensor", [])) >= 2 and t,
            timeout=120,
            interval=5,
        )
        waited = time.monotonic() - opened
    for name, statuses in ticks.items():
        assert "FAILURE" not in statuses, (name, statuses)
    # The landing sensor found nothing new: everything landed was recorded as handled by the demo
    # (STARTED: a tick still in progress when the daemon was stopped).
    assert set(ticks["landing_zone_sensor"]) - {"STARTED"} == {"SKIPPED"}, ticks["landing_zone_sensor"]

    tonight = dt.datetime.now(ET).date()
    with dg.DagsterInstance.from_config(str(dagster_home)) as instance:
        launched = instance.get_runs(filters=dg.RunsFilter(created_after=started))
        backfills = [b for b in instance.get_backfills() if b.backfill_timestamp >= started.timestamp()]
        assert instance.get_runs_count() == demo_runs + len(launched)
    by_trigger = collections.Counter(r.tags.get("dagster/sensor_name", "other") for r in launched)
    # Reported, not asserted beyond "none but tonight's" (the figure for the closing note).
    print(f"runs launched in the first {waited:.0f} s of `dagster dev` on a demo home: {len(launched)} "  # noqa: T201
          f"{dict(by_trigger)}, backfills {len(backfills)}, demo runs {demo_runs}")
    assert [r.run_id for r in launched if not _tonights(r, tonight)] == []
    assert backfills == []
