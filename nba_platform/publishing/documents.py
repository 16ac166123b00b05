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

RECOMMENDATIONS = ("OVER", "UNDER", "PASS", "NO_LINE")
# Confidence buckets of the results breakdown: [low, high) on the 0-1 confidence scale.
CONFIDENCE_BUCKETS = ((0.0, 0.1), (0.1, 0.2), (0.2, 0.3), (0.3, 0.4), (0.4, 1.01))
GAME_LOG_GAMES = 10
SYSTEM_DAILY_DAYS = 30
GAME_STATUS = {1: "scheduled", 2: "live", 3: "final"}


# ----------------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------------


def _num(value: Any, digits: int = 2) -> float | None:
    """A rounded float, or None for missing / NaN values (JSON has no NaN)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, digits)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _header(kind: str, game_date: dt.date, now: dt.datetime, status: dict) -> dict[str, Any]:
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


def _on(frame: pl.DataFrame, game_date: dt.date) -> pl.DataFrame:
    return frame.filter(pl.col("game_date") == game_date)


def _season_to(frame: pl.DataFrame, game_date: dt.date) -> pl.DataFrame:
    return frame.filter(pl.col("game_date").is_between(season_start(game_date), game_date))


# ----------------------------------------------------------------------------------------------
# outcome summaries (results, player records)
# ----------------------------------------------------------------------------------------------

_SETTLED = ("HIT", "MISS", "PUSH", "VOID")


def _summary_aggs() -> list[pl.Expr]:
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


def _summary_dict(row: dict[str, Any]) -> dict[str, Any]:
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
        "hit_rate": _num(wins / (wins + losses), 4) if wins + losses else None,
        "profit_units": _num(profit, 3),
        "roi": _num(profit / settled, 4) if settled else None,
        "mae": _num(row["mae"], 3),
        "within_3_share": _num(row["within_3_share"], 4),
    }


def outcome_summary(results: pl.DataFrame) -> dict[str, Any]:
    """Wins, losses, pushes, voids, hit rate (wins / (wins + losses)), profit and ROI per settled pick
    (pushes and voids return the stake), MAE and share within 3 points over played rows."""
    return _summary_dict(results.select(_summary_aggs()).row(0, named=True))


def _summaries_by(results: pl.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    rows = results.group_by(key).agg(_summary_aggs()).iter_rows(named=True)
    return {row[key]: _summary_dict(row) for row in rows}


# ----------------------------------------------------------------------------------------------
# tonight/{date}.json
# ----------------------------------------------------------------------------------------------


def _team(row: dict[str, Any], side: str) -> dict[str, Any]:
    return {
        "team_id": row[f"{side}_team_id"],
        "abbr": row[f"{side}_team_abbr"],
        "name": row[f"{side}_team_name"],
        "score": _int(row[f"{side}_score"]),
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


def _context(f: dict[str, Any] | None) -> dict[str, Any]:
    f = f or {}
    return {
        "days_rest": _int(f.get("days_rest")),
        "back_to_back": f.get("back_to_back"),
        "points_last_5": _num(f.get("points_avg_last_5"), 1),
        "points_last_10": _num(f.get("points_avg_last_10"), 1),
        "points_season": _num(f.get("points_avg_season"), 1),
        "recent_trend": _num(f.get("recent_trend"), 1),
        "minutes_last_5": _num(f.get("minutes_avg_last_5"), 1),
        "games_played_season": _int(f.get("games_played_season")),
        "opponent_def_rating": _num(f.get("opponent_def_rating"), 1),
    }


def tonight_players(predictions: pl.DataFrame, features: pl.DataFrame) -> list[dict[str, Any]]:
    """One entry per player of the published system, with every system's predicted points and context."""
    preds = schemas.conform(predictions, "player_prop_predictions")
    published = preds.filter(pl.col("system_id") == PUBLISHED_SYSTEM)
    by_system: dict[tuple[str, int], dict[str, float | None]] = {}
    for game_id, player_id, system_id, points in preds.select(
        "game_id", "player_id", "system_id", "predicted_points"
    ).sort("system_id").iter_rows():
        by_system.setdefault((game_id, player_id), {})[system_id] = _num(points, 1)
    feats = {(r["game_id"], r["player_id"]): r for r in schemas.conform(features, "ml_feature_store").iter_rows(named=True)}
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
                "line": _num(p["line"], 1),
                "over_price": _int(p["over_price"]),
                "under_price": _int(p["under_price"]),
                "line_books": _int(p["line_books"]),
                "line_snapshot_utc": st.iso_utc(p["line_snapshot_utc"]),
                "predicted_points": _num(p["predicted_points"], 1),
                "predicted_std": _num(p["predicted_std"], 1),
                "p_over": _num(p["p_over"], 3),
                "edge": _num(p["edge"], 1),
                "recommendation": p["recommendation"],
                "confidence": _num(p["confidence"], 3),
                "model_version": p["model_version"],
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
    schedule = _on(schemas.conform(schedule, "raw_schedule"), game_date)
    predictions = _on(schemas.conform(predictions, "player_prop_predictions"), game_date)
    features = _on(schemas.conform(features, "ml_feature_store"), game_date)
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
        **_header("tonight", game_date, now, st.status_block(findings, freshness, newest, st.freshness_applies(game_date, now))),
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
    results = _on(schemas.conform(results, "prediction_results"), game_date)
    extra = _on(schemas.conform(predictions, "player_prop_predictions"), game_date).select(
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
    by_system = _summaries_by(rows, "system_id")
    by_rec = _summaries_by(published, "recommendation")
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
                "line": _num(r["line"], 1),
                "price": _int(price),
                "predicted_points": _num(r["predicted_points"], 1),
                "p_over": _num(r["p_over"], 3),
                "confidence": _num(r["confidence"], 3),
                "actual_points": _int(r["actual_points"]),
                "absolute_error": _num(r["absolute_error"], 1),
                "outcome": r["outcome"],
                "profit_units": _num(r["profit_units"], 3),
            }
        )
    findings = st.results_findings(game_date, now, pending_games, games)
    return {
        **_header(
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
# systems/performance.json
# ----------------------------------------------------------------------------------------------


def _window_summary(daily: pl.DataFrame) -> dict[str, Any]:
    """Sums of daily counts; MAE and bias weighted by graded rows, Brier by its rows."""
    row = daily.select(
        days=(pl.col("graded") > 0).sum(),
        predictions=pl.col("predictions").sum(),
        graded=pl.col("graded").sum(),
        mae_sum=(pl.col("mae") * pl.col("graded")).sum(),
        bias_sum=(pl.col("bias") * pl.col("graded")).sum(),
        settled=pl.col("picks").sum(),
        wins=pl.col("hits").sum(),
        losses=pl.col("misses").sum(),
        pushes=pl.col("pushes").sum(),
        voids=pl.col("voids").sum(),
        profit=pl.col("profit_units").sum(),
        brier_sum=(pl.col("brier") * pl.col("brier_rows")).sum(),
        brier_rows=pl.col("brier_rows").sum(),
    ).row(0, named=True)
    graded, wins, losses, settled = (int(row[k] or 0) for k in ("graded", "wins", "losses", "settled"))
    profit = float(row["profit"] or 0.0)
    return {
        "days": int(row["days"] or 0),
        "predictions": int(row["predictions"] or 0),
        "graded": graded,
        "mae": _num(row["mae_sum"] / graded, 3) if graded else None,
        "bias": _num(row["bias_sum"] / graded, 3) if graded else None,
        "picks": settled,
        "wins": wins,
        "losses": losses,
        "pushes": int(row["pushes"] or 0),
        "voids": int(row["voids"] or 0),
        "hit_rate": _num(wins / (wins + losses), 4) if wins + losses else None,
        "profit_units": _num(profit, 3),
        "roi": _num(profit / settled, 4) if settled else None,
        "brier": _num(row["brier_sum"] / row["brier_rows"], 4) if row["brier_rows"] else None,
    }


def build_systems(
    game_date: dt.date,
    daily: pl.DataFrame,
    now: dt.datetime,
    freshness: Sequence[st.FreshnessReading] | None = None,
) -> dict[str, Any]:
    """`systems/performance.json`: each system over the last 7 and 30 days and the season, as of the date."""
    daily = schemas.conform(daily, "system_daily_performance").filter(pl.col("game_date") <= game_date)
    windows = {
        "last_7_days": game_date - dt.timedelta(days=6),
        "last_30_days": game_date - dt.timedelta(days=29),
        "season": season_start(game_date),
    }
    graded_dates = daily.filter(pl.col("graded") > 0)["game_date"]
    as_of = graded_dates.max() if graded_dates.len() else None
    systems = []
    for system_id in sorted(daily["system_id"].unique().to_list()):
        mine = daily.filter(pl.col("system_id") == system_id)
        series = mine.filter(
            (pl.col("game_date") > game_date - dt.timedelta(days=SYSTEM_DAILY_DAYS)) & (pl.col("graded") > 0)
        ).sort("game_date")
        systems.append(
            {
                "system_id": system_id,
                **{name: _window_summary(mine.filter(pl.col("game_date") >= first)) for name, first in windows.items()},
                "daily": [
                    {
                        "game_date": r["game_date"].isoformat(),
                        "graded": r["graded"],
                        "mae": _num(r["mae"], 3),
                        "picks": r["picks"],
                        "hit_rate": _num(r["hit_rate"], 4),
                        "roi": _num(r["roi"], 4),
                    }
                    for r in series.iter_rows(named=True)
                ],
            }
        )
    findings = st.missing_results_findings(daily, game_date, now)
    return {
        **_header(
            "systems_performance",
            game_date,
            now,
            st.status_block(findings, freshness, applies=st.freshness_applies(game_date, now)),
        ),
        "published_system": PUBLISHED_SYSTEM,
        "as_of": as_of.isoformat() if as_of else None,
        "windows": {name: {"from": first.isoformat(), "to": game_date.isoformat()} for name, first in windows.items()},
        "systems": systems,
    }


# ----------------------------------------------------------------------------------------------
# players/{player_lookup}.json
# ----------------------------------------------------------------------------------------------


def players_on(game_date: dt.date, player_summary: pl.DataFrame, results: pl.DataFrame) -> list[str]:
    """Who gets a document for the date: everyone who played or was predicted."""
    played = _on(player_summary, game_date)["player_lookup"]
    predicted = _on(results, game_date)["player_lookup"]
    return sorted(set(played.to_list()) | set(predicted.to_list()))


def _splits(pgs: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Season splits per player: all, home, away, last 5, last 10, back-to-back, rested."""
    ranked = pgs.sort("player_lookup", "game_date").with_columns(
        recency=(pl.col("game_date").rank("ordinal", descending=True).over("player_lookup") - 1),
        # Days since his previous game this season (null for his first).
        rest=pl.col("game_date").diff().dt.total_days().over("player_lookup"),
    )
    splits = {
        "all": pl.lit(True),
        "home": pl.col("is_home"),
        "away": ~pl.col("is_home"),
        "last_5": pl.col("recency") < 5,
        "last_10": pl.col("recency") < 10,
        "back_to_back": pl.col("rest") == 1,
        "rested": pl.col("rest") >= 2,
    }
    result = pl.col("over_under_result")
    frames = [
        ranked.filter(cond.fill_null(False))
        .group_by("player_lookup")
        .agg(
            games=pl.len(),
            points_avg=pl.col("points").mean(),
            minutes_avg=pl.col("minutes").mean(),
            over_line=(result == "OVER").sum(),
            under_line=(result == "UNDER").sum(),
            push_line=(result == "PUSH").sum(),
        )
        .with_columns(split=pl.lit(name))
        for name, cond in splits.items()
    ]
    out: dict[str, list[dict[str, Any]]] = {}
    order = {name: i for i, name in enumerate(splits)}
    for r in sorted(pl.concat(frames).iter_rows(named=True), key=lambda r: order[r["split"]]):
        out.setdefault(r["player_lookup"], []).append(
            {
                "split": r["split"],
                "games": int(r["games"]),
                "points_avg": _num(r["points_avg"], 1),
                "minutes_avg": _num(r["minutes_avg"], 1),
                "over_line": int(r["over_line"]),
                "under_line": int(r["under_line"]),
                "push_line": int(r["push_line"]),
            }
        )
    return out


def _game_logs(pgs: pl.DataFrame, published: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Last games (played or predicted) per player, newest first, with the published prediction.

    A predicted game he did not play (DNP, or not final yet) has `played` false and no box score
    columns; its opponent is only known for the document's own date (filled in by the caller)."""
    played = pgs.select(
        "player_lookup", "game_date", "game_id", "opponent_team_abbr", "is_home", "minutes", "points"
    )
    preds = published.select(
        "player_lookup", "game_date", "game_id", "line", "predicted_points", "p_over", "recommendation",
        "outcome", "absolute_error",
    )
    log = (
        played.with_columns(played=pl.lit(True))
        .join(preds, on=["player_lookup", "game_id"], how="full", coalesce=True)
        .with_columns(game_date=pl.coalesce("game_date", "game_date_right"), played=pl.col("played").fill_null(False))
        .sort("game_date", "game_id", descending=True)
        .group_by("player_lookup", maintain_order=True)
        .head(GAME_LOG_GAMES)
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for r in log.iter_rows(named=True):
        out.setdefault(r["player_lookup"], []).append(
            {
                "game_date": r["game_date"].isoformat(),
                "game_id": r["game_id"],
                "played": r["played"],
                "opponent": r["opponent_team_abbr"],
                "is_home": r["is_home"],
                "minutes": _num(r["minutes"], 1),
                "points": _int(r["points"]),
                "line": _num(r["line"], 1),
                "predicted_points": _num(r["predicted_points"], 1),
                "p_over": _num(r["p_over"], 3),
                "recommendation": r["recommendation"],
                "outcome": r["outcome"],
                "absolute_error": _num(r["absolute_error"], 1),
            }
        )
    return out


def build_players(
    game_date: dt.date,
    player_summary: pl.DataFrame,
    results: pl.DataFrame,
    predictions: pl.DataFrame,
    now: dt.datetime,
    freshness: Sequence[st.FreshnessReading] | None = None,
    only: Sequence[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """`players/{player_lookup}.json` for everyone who played or was predicted on the date (or `only`).

    Season to date: the game log (last 10 games, played or predicted, newest first), season splits and
    each system's record on the player."""
    pgs = _season_to(schemas.conform(player_summary, "player_game_summary"), game_date)
    res = _season_to(schemas.conform(results, "prediction_results"), game_date)
    preds = _on(schemas.conform(predictions, "player_prop_predictions"), game_date)
    lookups = list(only) if only is not None else players_on(game_date, pgs, res)
    pgs = pgs.filter(pl.col("player_lookup").is_in(lookups))
    res = res.filter(pl.col("player_lookup").is_in(lookups))
    published = res.filter(pl.col("system_id") == PUBLISHED_SYSTEM)
    logs, splits = _game_logs(pgs, published), _splits(pgs)
    records: dict[str, list[dict[str, Any]]] = {}
    for r in res.group_by("player_lookup", "system_id").agg(_summary_aggs()).sort("system_id").iter_rows(named=True):
        records.setdefault(r["player_lookup"], []).append({"system_id": r["system_id"], **_summary_dict(r)})
    # Identity: the latest of box score and prediction rows.
    ident = (
        pl.concat(
            [
                pgs.select("player_lookup", "game_date", "player_id", "player_name", "team_abbr"),
                preds.select("player_lookup", "game_date", "player_id", "player_name", "team_abbr"),
            ]
        )
        .sort("game_date")
        .group_by("player_lookup")
        .last()
    )
    idents = {r["player_lookup"]: r for r in ident.iter_rows(named=True)}
    today_rows = {r["player_lookup"]: r for r in _on(published, game_date).iter_rows(named=True)}
    today_preds = {
        r["player_lookup"]: r for r in preds.filter(pl.col("system_id") == PUBLISHED_SYSTEM).iter_rows(named=True)
    }
    out = {}
    for lookup in lookups:
        who = idents.get(lookup)
        if who is None:
            continue
        log = logs.get(lookup, [])
        pred = today_preds.get(lookup)
        for game in log:
            if pred is not None and game["game_id"] == pred["game_id"] and game["opponent"] is None:
                game["opponent"] = pred["opponent_team_abbr"]
        missing = [g for g in log if g["outcome"] == "PENDING" and dt.date.fromisoformat(g["game_date"]) < st.today_et(now)]
        findings = (
            [st.Finding("stale", f"results missing for {len(missing)} past game(s) in the log")] if missing else []
        )
        on_date = None
        if lookup in today_rows:
            r, p = today_rows[lookup], today_preds.get(lookup, {})
            on_date = {
                "game_id": r["game_id"],
                "opponent": p.get("opponent_team_abbr"),
                "line": _num(r["line"], 1),
                "predicted_points": _num(r["predicted_points"], 1),
                "p_over": _num(r["p_over"], 3),
                "recommendation": r["recommendation"],
                "confidence": _num(p.get("confidence"), 3),
                "actual_points": _int(r["actual_points"]),
                "outcome": r["outcome"],
            }
        out[lookup] = {
            **_header(
                "player", game_date, now, st.status_block(findings, freshness, applies=st.freshness_applies(game_date, now))
            ),
            "published_system": PUBLISHED_SYSTEM,
            "player": {
                "player_lookup": lookup,
                "player_id": who["player_id"],
                "name": who["player_name"],
                "team": who["team_abbr"],
                "season": season_of(game_date),
            },
            "on_date": on_date,
            "game_log": log,
            "season_splits": splits.get(lookup, []),
            "record": records.get(lookup, []),
        }
    return out


def build_players_index(
    existing: dict[str, Any] | None, documents: dict[str, dict[str, Any]], now: dt.datetime
) -> dict[str, Any]:
    """`players/index.json`: every player with a document, the date it is as of, and its path.

    Entries of players not in `documents` are kept from `existing`."""
    entries = {e["player_lookup"]: e for e in (existing or {}).get("players", [])}
    for lookup, doc in documents.items():
        entries[lookup] = {
            "player_lookup": lookup,
            "name": doc["player"]["name"],
            "team": doc["player"]["team"],
            "game_date": doc["game_date"],
            "path": player_path(lookup),
        }
    latest = max((e["game_date"] for e in entries.values()), default=None)
    game_date = dt.date.fromisoformat(latest) if latest else now.astimezone(st.ET).date()
    return {
        **_header("players_index", game_date, now, st.status_block([], None)),
        "players": [entries[k] for k in sorted(entries)],
    }


# ----------------------------------------------------------------------------------------------
# paths
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
