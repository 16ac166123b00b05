"""The player documents (`players/<player_lookup>.json` and `players/index.json`), built from warehouse
frames. Pure polars and Python, no Dagster; shared helpers are in `documents.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from nba_platform import tables as schemas
from nba_platform.analytics.history import played_only
from nba_platform.core.calendar import season_of
from nba_platform.publishing import PUBLISHED_SYSTEM
from nba_platform.publishing import status as st
from nba_platform.publishing.documents import (
    GAME_LOG_GAMES,
    header,
    int_or_none,
    num,
    player_path,
    rows_on,
    season_to,
    summary_aggs,
    summary_dict,
    table_on,
)

# ----------------------------------------------------------------------------------------------
# players/{player_lookup}.json
# ----------------------------------------------------------------------------------------------


def players_on(game_date: dt.date, player_summary: pl.DataFrame, results: pl.DataFrame) -> list[str]:
    """Who gets a document for the date: everyone who played or was predicted."""
    played = rows_on(played_only(player_summary), game_date)["player_lookup"]
    predicted = rows_on(results, game_date)["player_lookup"]
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
                "points_avg": num(r["points_avg"], 1),
                "minutes_avg": num(r["minutes_avg"], 1),
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
                "minutes": num(r["minutes"], 1),
                "points": int_or_none(r["points"]),
                "line": num(r["line"], 1),
                "predicted_points": num(r["predicted_points"], 1),
                "p_over": num(r["p_over"], 3),
                "recommendation": r["recommendation"],
                "outcome": r["outcome"],
                "absolute_error": num(r["absolute_error"], 1),
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
    pgs = season_to(played_only(schemas.conform(player_summary, "player_game_summary")), game_date)
    res = season_to(schemas.conform(results, "prediction_results"), game_date)
    preds = table_on(predictions, "player_prop_predictions", game_date)
    lookups = list(only) if only is not None else players_on(game_date, pgs, res)
    pgs = pgs.filter(pl.col("player_lookup").is_in(lookups))
    res = res.filter(pl.col("player_lookup").is_in(lookups))
    published = res.filter(pl.col("system_id") == PUBLISHED_SYSTEM)
    logs, splits = _game_logs(pgs, published), _splits(pgs)
    records: dict[str, list[dict[str, Any]]] = {}
    for r in res.group_by("player_lookup", "system_id").agg(summary_aggs()).sort("system_id").iter_rows(named=True):
        records.setdefault(r["player_lookup"], []).append({"system_id": r["system_id"], **summary_dict(r)})
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
    today_rows = {r["player_lookup"]: r for r in rows_on(published, game_date).iter_rows(named=True)}
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
                "line": num(r["line"], 1),
                "predicted_points": num(r["predicted_points"], 1),
                "p_over": num(r["p_over"], 3),
                "recommendation": r["recommendation"],
                "confidence": num(p.get("confidence"), 3),
                "actual_points": int_or_none(r["actual_points"]),
                "outcome": r["outcome"],
            }
        out[lookup] = {
            **header(
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
        **header("players_index", game_date, now, st.status_block([], None)),
        "players": [entries[k] for k in sorted(entries)],
    }


# ----------------------------------------------------------------------------------------------
# paths
