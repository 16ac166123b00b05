"""A corrected box score for a past date re-flows downstream; the first version of the file is kept.

The correction lands like any scrape (atomic rewrite, old bytes to `_versions/`); the landing sensor
requests the raw runs for that date only; the documented re-run (`nba-platform backfill --start D
--end <today>`, here `materialize_range`) rebuilds D's summaries and grading and every later date's
features and predictions. Dates before D and D's own features (point in time) do not move.
"""

from __future__ import annotations

import json
import shutil

import dagster as dg
import polars as pl

from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.raw.sensors import landing_zone_sensor
from nba_platform.runner import materialize_range

from ..helpers import table
from .conftest import CHUNK_DAYS, END, START

BUMP = 4  # a stat correction: four more points (two more made free throws... twice)


def _correct(data: bytes, player_or_team_id: int, id_column: str) -> bytes:
    payload = json.loads(data)
    result = payload["resultSets"][0]
    h = result["headers"]
    for row in result["rowSet"]:
        if row[h.index(id_column)] == player_or_team_id:
            row[h.index("PTS")] += BUMP
            row[h.index("FTM")] += BUMP
            row[h.index("FTA")] += BUMP
    return json.dumps(payload, separators=(",", ":")).encode()


def _rows(name, warehouse, where):
    return table(name, warehouse).filter(where).sort(pl.all())


def test_a_corrected_box_score_reflows_and_the_old_version_is_kept(reference, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(reference.landing, landing)
    warehouse = reference.copy(tmp_path)
    zone = lz.LocalLanding(landing)
    # A past date with a graded player (grading re-flows) and a player who has features on a later
    # date of the range (features re-flow): the correction raises both players' points.
    graded = table("prediction_results", warehouse).filter(pl.col("actual_points").is_not_null())
    features = table("ml_feature_store", warehouse)
    summaries = table("player_game_summary", warehouse).sort("points", "player_id", descending=True)
    day = next(
        d for d in sorted(set(graded["game_date"]))
        if summaries.filter(pl.col("game_date") == d)["player_id"].is_in(
            features.filter(pl.col("game_date") > d)["player_id"].implode()).any()
    )
    assert START < day < END
    of_day = summaries.filter(pl.col("game_date") == day)
    graded_star = of_day.filter(pl.col("player_id").is_in(graded.filter(pl.col("game_date") == day)["player_id"].implode())).row(0, named=True)
    later_star = of_day.filter(pl.col("player_id").is_in(features.filter(pl.col("game_date") > day)["player_id"].implode())).row(0, named=True)
    stars = {s["player_id"]: s for s in (graded_star, later_star)}
    p_rel, t_rel = lz.player_boxscores_path(day.isoformat()), lz.team_boxscores_path(day.isoformat())
    originals = {rel: zone.read_bytes(rel) for rel in (p_rel, t_rel)}
    corrected = {p_rel: originals[p_rel], t_rel: originals[t_rel]}
    for star in stars.values():
        corrected[p_rel] = _correct(corrected[p_rel], star["player_id"], "PLAYER_ID")
        corrected[t_rel] = _correct(corrected[t_rel], star["team_id"], "TEAM_ID")

    with dg.instance_for_test() as instance:
        resources = {"landing": LandingResource(root=str(landing))}
        cursor = landing_zone_sensor(dg.build_sensor_context(instance=instance, resources=resources)).cursor
        assert zone.write(p_rel, corrected[p_rel]) and zone.write(t_rel, corrected[t_rel])
        ctx = dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources)
        requests = landing_zone_sensor(ctx).run_requests
    assert [(r.partition_key, sorted(k.to_user_string() for k in r.asset_selection)) for r in requests] == [
        (day.isoformat(), ["raw_player_boxscores", "raw_team_boxscores"])
    ]
    # The first version of each file is kept, byte for byte.
    for rel, data in originals.items():
        (kept,) = list((landing / lz.VERSIONS_DIR / rel).parent.glob("leaguegamelog.json.*"))
        assert kept.read_bytes() == data

    old = {name: table(name, warehouse) for name in (
        "player_game_summary", "team_game_summary", "ml_feature_store", "player_prop_predictions",
        "prediction_results", "system_daily_performance")}
    with dg.instance_for_test() as instance:
        materialize_range(day, END, str(landing), str(warehouse), chunk_days=CHUNK_DAYS, instance=instance)

    def at(name, when):
        return _rows(name, warehouse, when), old[name].filter(when).sort(pl.all())

    # Summaries of D carry the corrected points; grading of D uses them.
    new_pgs, old_pgs = at("player_game_summary", pl.col("game_date") == day)
    for player_id, star in stars.items():
        assert new_pgs.filter(pl.col("player_id") == player_id)["points"].item() == star["points"] + BUMP
    assert (new_pgs["points"] - old_pgs["points"]).sum() == BUMP * len(stars)
    new_tgs, old_tgs = at("team_game_summary", pl.col("game_date") == day)
    assert (new_tgs["points"] - old_tgs["points"]).sum() == BUMP * len(stars)
    regraded = _rows("prediction_results", warehouse, (pl.col("game_date") == day) & (pl.col("player_id") == graded_star["player_id"]))
    assert regraded.height and (regraded["actual_points"] == graded_star["points"] + BUMP).all()
    new_perf, old_perf = at("system_daily_performance", pl.col("game_date") == day)
    assert not new_perf.equals(old_perf)
    # Features of later dates see it; D's own features do not (point in time); earlier dates do not move.
    later = (pl.col("game_date") > day) & (pl.col("player_id") == later_star["player_id"])
    new_f, old_f = at("ml_feature_store", later)
    assert new_f.height and (new_f["points_avg_season"] > old_f["points_avg_season"]).all()
    for name in old:
        new_rows, old_rows = at(name, pl.col("game_date") < day)
        assert new_rows.equals(old_rows), name
    new_same_day, old_same_day = at("ml_feature_store", pl.col("game_date") == day)
    assert new_same_day.equals(old_same_day)
