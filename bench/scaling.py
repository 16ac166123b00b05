"""Scaling: simulated seasons through the platform's pure transforms, one season after another.

Per season: analytics (team then player summaries), the upcoming-game context and the feature store
over the season with the previous 400 days as history (what a single-run backfill of the season
reads), one `points_model` bundle trained at mid-season on the features of the 60 weeks before it
(the asset's training window), and predictions of every system for the whole season with that bundle.
Outputs are written as parquet (a warehouse write) and dropped; only the history the next season
needs is kept. Every run starts after the same warm-up season (analytics and features only,
untimed), so each timed season has a previous season of history and training rows, as in steady
state; a cold first season would be cheaper and blur the curve. This measures the platform's
compute, not Dagster's bookkeeping (`season_backfill` measures that). Raw frames are parsed from the landing files once, before timing (`prepare`).
"""

from __future__ import annotations

import datetime as dt
import resource
import time
from pathlib import Path

import polars as pl

from nba_platform.analytics import summaries as analytics
from nba_platform.analytics.context import build_upcoming_context
from nba_platform.analytics.history import HISTORY_DAYS
from nba_platform.analytics.lines import lines_by_game
from nba_platform.core.calendar import week_start
from nba_platform.features.store import build_feature_store
from nba_platform.landing import zone as lz
from nba_platform.predictions.predict import predict_props
from nba_platform.predictions.training import train_week
from nba_platform.raw.nba_cdn import parse_schedule
from nba_platform.raw.nba_stats import parse_leaguegamelog
from nba_platform.raw.odds_api import parse_event_odds

RAW = ("raw_schedule", "raw_player_boxscores", "raw_team_boxscores", "raw_prop_lines")
TRAINING_WEEKS = 60  # points_model's TRAINING_WINDOW


def prepare(landing: str, out: str, seasons: list[str]) -> dict:
    """Raw frames per season, parsed by the sources' own parsers, as parquet under `out/<season>/`."""
    zone = lz.open_landing(landing)
    rows = {}
    for season in seasons:
        folder = Path(out) / season
        folder.mkdir(parents=True, exist_ok=True)
        schedule = parse_schedule(zone.read_bytes(lz.schedule_path(season)), lz.schedule_path(season))
        dates = sorted(set(schedule["game_date"].to_list()))
        frames = {"raw_schedule": schedule, "raw_player_boxscores": [], "raw_team_boxscores": [], "raw_prop_lines": []}
        for d in dates:
            for table, path_for, kind in (
                ("raw_player_boxscores", lz.player_boxscores_path, "P"),
                ("raw_team_boxscores", lz.team_boxscores_path, "T"),
            ):
                path = path_for(d.isoformat())
                if zone.exists(path):
                    frames[table].append(parse_leaguegamelog(zone.read_bytes(path), path, kind))
            for path in zone.list(f"{lz.ODDS_PLAYER_POINTS}/{d.isoformat()}"):
                snapshot = lz.parse_snapshot_name(path.split("/")[-1])
                frames["raw_prop_lines"].append(parse_event_odds(zone.read_bytes(path), path, d, snapshot))
        for table in RAW:
            frame = frames[table] if table == "raw_schedule" else pl.concat(frames[table])
            frame.write_parquet(folder / f"{table}.parquet")
            rows[f"{season}/{table}"] = frame.height
    return {"rows": rows}


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


class _Laps:
    """Seconds per named stage since the previous one."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.stages: dict[str, float] = {}

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = round(now - self.last, 3)
        self.last = now


def _season(raw: str, season: str, prev: dict | None, predict: bool) -> tuple[dict, dict]:
    """One season: analytics, context, features (history: the previous 400 days), then, when
    `predict`, one mid-season bundle and predictions. Returns the frames the next season needs."""
    laps = _Laps()
    folder = Path(raw) / season
    schedule, players_raw, teams_raw, lines = (pl.read_parquet(folder / f"{table}.parquet") for table in RAW)
    teams = analytics.team_game_summary(teams_raw, schedule, players_raw)
    players = analytics.player_game_summary(players_raw, teams, lines_by_game(lines, schedule))
    laps("read_and_analytics")

    first, last = schedule["game_date"].min(), schedule["game_date"].max()
    window = pl.col("game_date").is_between(first - dt.timedelta(days=HISTORY_DAYS), last, closed="left")
    history_p = pl.concat([f for f in (prev and prev["players"], players) if f is not None]).filter(window)
    history_t = pl.concat([f for f in (prev and prev["teams"], teams) if f is not None]).filter(window)
    context, _ = build_upcoming_context(schedule, lines, history_p, history_t)
    laps("context")
    features = build_feature_store(context, history_p, history_t)
    laps("features")
    out = {"feature_rows": features.height, "prediction_rows": 0, "model": "none (warm-up)"}
    frames = {"player_game_summary": players, "team_game_summary": teams, "ml_feature_store": features}
    if predict:
        dates = sorted(features["game_date"].unique().to_list())
        model_week = week_start(dates[len(dates) // 2])
        training = pl.concat([f for f in (prev and prev["features"], features) if f is not None]).filter(
            pl.col("game_date").is_between(model_week - dt.timedelta(weeks=TRAINING_WEEKS), model_week, closed="left")
        )
        bundle = train_week(model_week, training, history_p, history_t)
        laps("train")
        weeks = {week_start(d) for d in dates}
        frames["player_prop_predictions"] = predict_props(features, dict.fromkeys(weeks, bundle), history_p, history_t)
        laps("predict")
        out.update(prediction_rows=frames["player_prop_predictions"].height, model=bundle.metadata.get("status", "")[:40])
    return out | {"stages_s": laps.stages}, {"players": players, "teams": teams, "features": features, "frames": frames}


def run(raw: str, out: str, seasons: list[str], warm_up: str | None = None) -> dict:
    """`warm_up` (untimed, no predictions) then every season in order; per-season seconds, rows and
    resident memory after the season. Outputs are written as parquet (a warehouse write)."""
    prev = None
    warm = {}
    if warm_up:
        began = time.perf_counter()
        warm, prev = _season(raw, warm_up, None, predict=False)
        warm["seconds"] = time.perf_counter() - began
    per_season = []
    began = time.perf_counter()
    for season in seasons:
        t = time.perf_counter()
        info, prev = _season(raw, season, prev, predict=True)
        target = Path(out) / season
        target.mkdir(parents=True, exist_ok=True)
        for name, frame in prev.pop("frames").items():
            frame.write_parquet(target / f"{name}.parquet")
        per_season.append(
            {"season": season, "seconds": time.perf_counter() - t, **info, "rss_mib_after": round(_rss_mib(), 1)}
        )
    return {"seconds": time.perf_counter() - began, "per_season": per_season, "warm_up": warm}
