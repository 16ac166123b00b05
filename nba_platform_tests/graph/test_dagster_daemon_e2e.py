"""End to end on the real `dagster dev` (webserver + daemon) with the shipped deploy/dagster.yaml:

1. a box-score file dropped into the landing zone is materialized by the landing sensor, and the
   freshness daemon reports the asset's state to the UI;
2. a week's partition backfill of the whole graph, launched through GraphQL the way the UI's
   backfill dialog of `all_assets_job` does (partition set selector + partition names), runs as
   one run (single-run backfill policy), completes and fills the warehouse.

(The asset graph's "Materialize" dialog sends asset keys + partition names without a partition
set; Dagster then also targets every partition downstream of the range through the partition
mappings -- for ml_feature_store the 400 days whose history includes the range. See the runbook.)
"""

from __future__ import annotations

import datetime as dt
import time

from nba_platform.core.calendar import date_range
from nba_platform.core.warehouse.read import read_table
from nba_platform.landing import zone as lz

from ..conftest import REAL_LANDING
from ..helpers import dagster_dev, graphql, link_real_landing, wait_for

ASSETS = [
    "raw_schedule", "raw_player_boxscores", "raw_team_boxscores", "raw_prop_lines", "team_game_summary",
    "player_game_summary", "upcoming_player_game_context", "ml_feature_store", "player_prop_predictions",
    "prediction_results", "system_daily_performance",
]
WEEK = date_range(dt.date(2024, 11, 1), dt.date(2024, 11, 7))

MATERIALIZATIONS = """
query ($key: AssetKeyInput!, $partition: String!) {
  assetNodes(assetKeys: [$key]) {
    assetMaterializations(partitions: [$partition], limit: 1) { runId partition }
    freshnessStatusInfo { freshnessStatus }
  }
}"""
RUN = 'query ($id: ID!) { runOrError(runId: $id) { ... on Run { status tags { key value } } } }'
REPOSITORY = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
  name location { name } sensors { name sensorState { id status ticks(limit: 5) { status error { message } } } } } } } }"""
STOP_SENSOR = """mutation ($id: String!) { stopSensor(id: $id) {
  __typename ... on StopSensorMutationResult { instigationState { status } } ... on PythonError { message } } }"""
LAUNCH_BACKFILL = """mutation ($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message stack } } }"""
BACKFILL = """query ($id: String!) { partitionBackfillOrError(backfillId: $id) {
  ... on PartitionBackfill { status runs { runId status } } } }"""


def _asset_node(port: int, asset: str, partition: str) -> dict:
    data = graphql(port, MATERIALIZATIONS, {"key": {"path": [asset]}, "partition": partition})
    nodes = (data.get("data") or {}).get("assetNodes") or []
    return nodes[0] if nodes else {}


def test_landing_sensor_then_a_week_backfill_through_graphql(tmp_path):
    landing = tmp_path / "landing"
    landing.mkdir()
    env = {"NBA_LANDING_DIR": str(landing), "NBA_LANDING_SENSOR_INTERVAL_SECONDS": "3"}
    for name in ("NBA_ALERT_SLACK_WEBHOOK_URL", "NBA_ALERT_WEBHOOK_URL"):
        env[name] = ""  # no alert channel: nothing leaves the machine
    began = time.monotonic()
    with dagster_dev(tmp_path, env) as port:
        wait_for("code location loaded", lambda: _asset_node(port, "raw_team_boxscores", "2024-11-01"), 120)

        # 1. Drop a real team box-score file: the landing sensor materializes its partition.
        rel = lz.team_boxscores_path("2024-11-01")
        lz.LocalLanding(landing).write(rel, (REAL_LANDING / rel).read_bytes())
        dropped = time.monotonic()
        node = wait_for(
            "raw_team_boxscores[2024-11-01] materialized by the landing sensor",
            lambda: (n := _asset_node(port, "raw_team_boxscores", "2024-11-01")).get("assetMaterializations") and n,
            timeout=120,
        )
        sensor_latency = time.monotonic() - dropped
        run_id = node["assetMaterializations"][0]["runId"]
        run = wait_for(
            "the landing sensor's run finished",
            lambda: (r := graphql(port, RUN, {"id": run_id})["data"]["runOrError"])["status"]
            not in ("QUEUED", "STARTING", "STARTED") and r,
            timeout=120,
        )
        assert run["status"] == "SUCCESS"  # its blocking checks passed too
        assert {"key": "nba_platform/trigger", "value": "landing_zone_sensor"} in run["tags"]

        # 2. Pause the landing sensor (the week's files would otherwise queue raw runs for every
        # date of the season schedule), land the week, backfill it through GraphQL.
        repository = graphql(port, REPOSITORY)["data"]["repositoriesOrError"]["nodes"][0]
        state_id = next(s["sensorState"]["id"] for s in repository["sensors"] if s["name"] == "landing_zone_sensor")
        stopped = graphql(port, STOP_SENSOR, {"id": state_id})["data"]["stopSensor"]
        assert stopped["instigationState"]["status"] == "STOPPED", stopped
        link_real_landing(landing, WEEK, ["2024-25"])
        launched = graphql(
            port,
            LAUNCH_BACKFILL,
            {
                "params": {
                    "selector": {
                        "partitionSetName": "all_assets_job_partition_set",
                        "repositorySelector": {
                            "repositoryLocationName": repository["location"]["name"],
                            "repositoryName": repository["name"],
                        },
                    },
                    "assetSelection": [{"path": [a]} for a in ASSETS],
                    "partitionNames": [d.isoformat() for d in WEEK],
                    "fromFailure": False,
                    "tags": [{"key": "nba_platform/trigger", "value": "e2e_backfill"}],
                }
            },
        )["data"]["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        backfill_started = time.monotonic()
        # Meanwhile the freshness daemon evaluated raw_team_boxscores' policy (cron 04:00 ET, since
        # 22:00): just materialized, so fresh -- the state the UI shows.
        wait_for(
            "freshness state of raw_team_boxscores in the UI",
            lambda: _asset_node(port, "raw_team_boxscores", "2024-11-01")["freshnessStatusInfo"]["freshnessStatus"]
            == "HEALTHY",
            timeout=120,
        )
        backfill = wait_for(
            "the week's backfill finished",
            lambda: (
                b := graphql(port, BACKFILL, {"id": launched["backfillId"]})["data"]["partitionBackfillOrError"]
            )["status"] not in ("REQUESTED", "CANCELING", "FAILING") and b,
            timeout=480,
            interval=2,
        )
        backfill_seconds = time.monotonic() - backfill_started
        assert backfill["status"] in ("COMPLETED", "COMPLETED_SUCCESS"), backfill
        assert backfill["runs"] and {r["status"] for r in backfill["runs"]} == {"SUCCESS"}
        # Single-run backfill policy: the week is one run, not 63 asset-partition runs.
        assert len(backfill["runs"]) == 1
        # The automation and alert sensors ticked in the daemon, without errors.
        sensors = graphql(port, REPOSITORY)["data"]["repositoriesOrError"]["nodes"][0]["sensors"]
        ticks = {s["name"]: [t["status"] for t in s["sensorState"]["ticks"]] for s in sensors}
        for name in ("automation_sensor", "freshness_alert_sensor", "run_failure_alert_sensor"):
            assert ticks[name] and "FAILURE" not in ticks[name], (name, sensors)

    warehouse = tmp_path / "platform" / "warehouse.duckdb"
    predictions = read_table("player_prop_predictions", str(warehouse))
    assert set(predictions["game_date"].unique()) >= {dt.date(2024, 11, 7)}
    assert read_table("prediction_results", str(warehouse)).height == predictions.height
    total = time.monotonic() - began
    # Timings are reported, not asserted (bench/ measures speed); the waits above bound each step.
    print(f"sensor {sensor_latency:.1f}s, backfill {backfill_seconds:.1f}s, total {total:.1f}s")  # noqa: T201
