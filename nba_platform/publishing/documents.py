"""The published documents, built from warehouse frames. Pure polars and Python, no Dagster.

Each builder takes the frames of one `game_date` (and windows of history where it needs them), the
time it runs (`now`, UTC) and the freshness readings the asset took from the Dagster instance, and
returns a plain dict ready for `validation.validate_document` and JSON. Field meanings are in
docs/data_dictionary.md ("Exports"); the schemas in `schemas/` pin their shapes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import polars as pl

from nba_platform import tables as schemas
from nba_platform.core.calendar import season_of
from nba_platform.publishing import PUBLISHED_SYSTEM, SCHEMA_VERSION
from nba_platform.publishing import status as st

RECOMMENDATIONS = ("OVER", "UNDER", "PASS", "NO_LINE", "OUT")
# Confidence buckets of the results breakdown: [low, high) on the 0-1 confidence scale.
CONFIDENCE_BUCKETS = ((0.0, 0.1), (0.1, 0.2), (0.2, 0.3), (0.3, 0.4), (0.4, 1.01))
GAME_LOG_GAMES = 10
GAME_STATUS = {1: "scheduled", 2: "live", 3: "final"}


# ----------------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------------


def num(value: Any, digits: int = 2) -> float | None:
    """A rounded float, or None for missing / NaN values (JSON has no NaN)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, digits)


def int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def header(kind: str, game_date: dt.date, now: dt.datetime, status: dict) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "document": kind,
        "generated_at": st.iso_utc(now),
        "game_date": game_date.isoformat(),
        "status": status,
    }


def season_start(game_date: dt.date) -> dt.date:
    """First day of the NBA season a date belongs to (seasons turn over in August)."""
    return dt.date(int(season_of(game_date)[:4]), 8, 1)


def rows_on(frame: pl.DataFrame, game_date: dt.date) -> pl.DataFrame:
    return frame.filter(pl.col("game_date") == game_date)


def table_on(frame: pl.DataFrame, table: str, game_date: dt.date) -> pl.DataFrame:
    """The table's rows of one date, conformed to its schema: the date first, so a range run's documents
    do not conform the whole range once per date."""
    return schemas.conform(frame if frame.width == 0 else rows_on(frame, game_date), table)


def season_to(frame: pl.DataFrame, game_date: dt.date) -> pl.DataFrame:
    return frame.filter(pl.col("game_date").is_between(season_start(game_date), game_date))


# ----------------------------------------------------------------------------------------------
# outcome summaries (results, player records)
# ----------------------------------------------------------------------------------------------

_SETTLED = ("HIT", "MISS", "PUSH", "VOID")


def summary_aggs() -> list[pl.Expr]:
    outcome, err = pl.col("outcome"), pl.col("absolute_error")
    settled = outcome.is_in(_SETTLED)
    return [
        pl.len().alias("predictions"),
        err.is_not_null().sum().alias("graded"),
        (outcome == "PENDING").sum().alias("pending"),
        pl.col("recommendation").is_in(["OVER", "UNDER"]).sum().alias("picks"),
        (outcome == "HIT").sum().alias("wins"),
        (outcome == "MISS").sum().alias("losses"),
        (outcome == "PUSH").sum().alias("pushes"),
        (outcome == "VOID").sum().alias("voids"),
        pl.col("profit_units").filter(settled).sum().alias("profit_units"),
        settled.sum().alias("settled"),
        err.mean().alias("mae"),
        (err <= 3.0).filter(err.is_not_null()).mean().alias("within_3_share"),
    ]


def summary_dict(row: dict[str, Any]) -> dict[str, Any]:
    wins, losses, settled = int(row["wins"]), int(row["losses"]), int(row["settled"])
    profit = float(row["profit_units"] or 0.0)
    return {
        "predictions": int(row["predictions"]),
        "graded": int(row["graded"]),
        "pending": int(row["pending"]),
        "picks": int(row["picks"]),
        "wins": wins,
        "losses": losses,
        "pushes": int(row["pushes"]),
        "voids": int(row["voids"]),
        "hit_rate": num(wins / (wins + losses), 4) if wins + losses else None,
        "profit_units": num(profit, 3),
        "roi": num(profit / settled, 4) if settled else None,
        "mae": num(row["mae"], 3),
        "within_3_share": num(row["within_3_share"], 4),
    }


def outcome_summary(results: pl.DataFrame) -> dict[str, Any]:
    """Wins, losses, pushes, voids, hit rate (wins / (wins + losses)), profit and ROI per settled pick
    (pushes and voids return the stake), MAE and share within 3 points over played rows."""
    return summary_dict(results.select(summary_aggs()).row(0, named=True))


def summaries_by(results: pl.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    rows = results.group_by(key).agg(summary_aggs()).iter_rows(named=True)
    return {row[key]: summary_dict(row) for row in rows}


# ----------------------------------------------------------------------------------------------
# tonight/{date}.json
# ----------------------------------------------------------------------------------------------


def _team(row: dict[str, Any], side: str) -> dict[str, Any]:
    return {
        "team_id": row[f"{side}_team_id"],
        "abbr": row[f"{side}_team_abbr"],
        "name": row[f"{side}_team_name"],
        "score": int_or_none(row[f"{side}_score"]),
    }


def _game(row: dict[str, Any]) -> dict[str, Any]:
    tip = row["tip_time_utc"]
    return {
        "game_id": row["game_id"],
        "season_type": row["season_type"],
        "tip_time_et": tip.astimezone(st.ET).isoformat(timespec="minutes") if tip else None,
        "tip_time_utc": st.iso_utc(tip),
        "status": GAME_STATUS.get(row["game_status"], "unknown"),
        "status_text": row["game_status_text"],
        "away": _team(row, "away"),
        "home": _team(row, "home"),
        "players": [],
    }


# The feature columns a tonight entry shows (its context block, home/away, the status's time).
PLAYER_FEATURES = (
    "is_home", "availability_as_of_utc", "days_rest", "back_to_back", "points_avg_last_5", "points_avg_last_10",
    "points_avg_season", "recent_trend", "minutes_avg_last_5", "games_played_season", "opponent_def_rating",
)


def _context(f: dict[str, Any] | None) -> dict[str, Any]:
    f = f or {}
    return {
        "days_rest": int_or_none(f.get("days_rest")),
        "back_to_back": f.get("back_to_back"),
        "points_last_5": num(f.get("points_avg_last_5"), 1),
        "points_last_10": num(f.get("points_avg_last_10"), 1),
        "points_season": num(f.get("points_avg_season"), 1),
        "recent_trend": num(f.get("recent_trend"), 1),
        "minutes_last_5": num(f.get("minutes_avg_last_5"), 1),
        "games_played_season": int_or_none(f.get("games_played_season")),
        "opponent_def_rating": num(f.get("opponent_def_rating"), 1),
    }


def tonight_players(predictions: pl.DataFrame, features: pl.DataFrame) -> list[dict[str, Any]]:
    """One entry per player of the published system, with every system's predicted points and context."""
    preds = schemas.conform(predictions, "player_prop_predictions")
    published = preds.filter(pl.col("system_id") == PUBLISHED_SYSTEM)
    by_system: dict[tuple[str, int], dict[str, float | None]] = {}
    for game_id, player_id, system_id, points in preds.select(
        "game_id", "player_id", "system_id", "predicted_points"
    ).sort("system_id").iter_rows():
        by_system.setdefault((game_id, player_id), {})[system_id] = num(points, 1)
    feats = {
        (r["game_id"], r["player_id"]): r
        for r in schemas.conform(features, "ml_feature_store", ["game_id", "player_id", *PLAYER_FEATURES]).iter_rows(named=True)
    }
    out = []
    for p in published.sort("game_id", "team_abbr", "predicted_points", descending=[False, False, True]).iter_rows(named=True):
        key = (p["game_id"], p["player_id"])
        f = feats.get(key)
        out.append(
            {
                "game_id": p["game_id"],
                "player_lookup": p["player_lookup"],
                "player_id": p["player_id"],
                "name": p["player_name"],
                "team": p["team_abbr"],
                "opponent": p["opponent_team_abbr"],
                "is_home": f.get("is_home") if f else None,
                "line": num(p["line"], 1),
                "over_price": int_or_none(p["over_price"]),
                "under_price": int_or_none(p["under_price"]),
                "line_books": int_or_none(p["line_books"]),
                "line_snapshot_utc": st.iso_utc(p["line_snapshot_utc"]),
                "predicted_points": num(p["predicted_points"], 1),
                "predicted_std": num(p["predicted_std"], 1),
                "p_over": num(p["p_over"], 3),
                "edge": num(p["edge"], 1),
                "recommendation": p["recommendation"],
                "confidence": num(p["confidence"], 3),
                "model_version": p["model_version"],
                "availability": {
                    "status": p["availability_status"] or "UNKNOWN",
                    "source": p["availability_source"] or "none",
                    "reason": p["availability_reason"],
                    "as_of_utc": st.iso_utc(f.get("availability_as_of_utc")) if f else None,
                },
                "systems": by_system.get(key, {}),
                "context": _context(f),
            }
        )
    return out


def build_tonight(
    game_date: dt.date,
    schedule: pl.DataFrame,
    predictions: pl.DataFrame,
    features: pl.DataFrame,
    now: dt.datetime,
    freshness: Sequence[st.FreshnessReading] | None = None,
) -> dict[str, Any]:
    """`tonight/{date}.json`: every game of the date with its players and the published system's picks."""
    schedule = table_on(schedule, "raw_schedule", game_date)
    predictions = table_on(predictions, "player_prop_predictions", game_date)
    features = table_on(features, "ml_feature_store", game_date)
    games = {r["game_id"]: _game(r) for r in schedule.sort("tip_time_utc", "game_id").iter_rows(named=True)}
    players = tonight_players(predictions, features)
    for p in players:
        game = games.get(p.pop("game_id"))
        if game is not None:  # predictions always come from a scheduled game; guard anyway
            game["players"].append(p)
    placed = [p for g in games.values() for p in g["players"]]
    lined = [p for p in placed if p["line"] is not None]
    snapshots = predictions.filter(pl.col("system_id") == PUBLISHED_SYSTEM)["line_snapshot_utc"].drop_nulls()
    newest = snapshots.max() if snapshots.len() else None
    to_tip = [g for g in games.values() if g["status"] == "scheduled"]
    findings = [
        *st.date_findings(game_date, now),
        *st.line_findings(game_date, now, newest, len(to_tip), len(lined)),
    ]
    unpredicted = [g for g in to_tip if not g["players"]]
    if unpredicted and game_date >= st.today_et(now):
        findings.append(st.Finding("pending", f"no predictions yet for {len(unpredicted)} of {len(games)} games"))
    counts = {rec: sum(p["recommendation"] == rec for p in placed) for rec in RECOMMENDATIONS}
    return {
        **header("tonight", game_date, now, st.status_block(findings, freshness, newest, st.freshness_applies(game_date, now))),
        "published_system": PUBLISHED_SYSTEM,
        "systems": sorted(predictions["system_id"].unique().to_list()),
        "summary": {"games": len(games), "players": len(placed), "lined_players": len(lined), "recommendations": counts},
        "games": list(games.values()),
    }


# ----------------------------------------------------------------------------------------------
# results/{date}.json
# ----------------------------------------------------------------------------------------------


def _bucket_label(low: float, high: float) -> str:
    return f"{low:.2f}+" if high > 1 else f"{low:.2f}-{high:.2f}"


def build_results(
    game_date: dt.date,
    results: pl.DataFrame,
    predictions: pl.DataFrame,
    now: dt.datetime,
    freshness: Sequence[st.FreshnessReading] | None = None,
) -> dict[str, Any]:
    """`results/{date}.json`: the published system's graded picks, a summary and breakdowns."""
    results = table_on(results, "prediction_results", game_date)
    extra = table_on(predictions, "player_prop_predictions", game_date).select(
        "game_id", "player_id", "system_id", "team_abbr", "opponent_team_abbr", "over_price", "under_price", "confidence"
    )
    # Bucketed as published (3 decimals): a pick shown with confidence 0.4 is in the 0.40+ bucket.
    rows = results.join(extra, on=["game_id", "player_id", "system_id"], how="left").with_columns(
        confidence=pl.coalesce("confidence", (2 * pl.col("p_over") - 1).abs()).round(3)
    )
    published = rows.filter(pl.col("system_id") == PUBLISHED_SYSTEM)
    picks = published.filter(pl.col("recommendation").is_in(["OVER", "UNDER"]))
    games = results["game_id"].n_unique()
    pending_games = results.filter(pl.col("outcome") == "PENDING")["game_id"].n_unique()
    by_system = summaries_by(rows, "system_id")
    by_rec = summaries_by(published, "recommendation")
    empty = outcome_summary(published.clear())
    buckets = []
    for low, high in CONFIDENCE_BUCKETS:
        in_bucket = picks.filter((pl.col("confidence") >= low) & (pl.col("confidence") < high))
        buckets.append({"bucket": _bucket_label(low, high), "low": low, "high": min(high, 1.0), **outcome_summary(in_bucket)})
    pick_rows = []
    for r in picks.sort("confidence", descending=True).iter_rows(named=True):
        price = r["over_price"] if r["recommendation"] == "OVER" else r["under_price"]
        pick_rows.append(
            {
                "game_id": r["game_id"],
                "player_lookup": r["player_lookup"],
                "name": r["player_name"],
                "team": r["team_abbr"],
                "opponent": r["opponent_team_abbr"],
                "recommendation": r["recommendation"],
                "line": num(r["line"], 1),
                "price": int_or_none(price),
                "predicted_points": num(r["predicted_points"], 1),
                "p_over": num(r["p_over"], 3),
                "confidence": num(r["confidence"], 3),
                "actual_points": int_or_none(r["actual_points"]),
                "absolute_error": num(r["absolute_error"], 1),
                "outcome": r["outcome"],
                "profit_units": num(r["profit_units"], 3),
            }
        )
    findings = st.results_findings(game_date, now, pending_games, games)
    return {
        **header(
            "results", game_date, now, st.status_block(findings, freshness, applies=st.freshness_applies(game_date, now))
        ),
        "published_system": PUBLISHED_SYSTEM,
        "games": games,
        "games_pending": pending_games,
        "summary": outcome_summary(published),
        "by_system": [{"system_id": s, **by_system[s]} for s in sorted(by_system)],
        "by_recommendation": [{"recommendation": r, **by_rec.get(r, empty)} for r in RECOMMENDATIONS],
        "by_confidence": buckets,
        "picks": pick_rows,
    }


# ----------------------------------------------------------------------------------------------


def tonight_path(game_date: dt.date) -> str:
    return f"tonight/{game_date.isoformat()}.json"


def results_path(game_date: dt.date) -> str:
    return f"results/{game_date.isoformat()}.json"


def player_path(player_lookup: str) -> str:
    return f"players/{player_lookup}.json"


PLAYERS_INDEX_PATH = "players/index.json"
SYSTEMS_PATH = "systems/performance.json"


def page_path(game_date: dt.date) -> str:
    return f"site/{game_date.isoformat()}.html"
