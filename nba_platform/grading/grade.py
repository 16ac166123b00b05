"""Phase 5b: grade predictions against the box score.

Outcomes: HIT / MISS / PUSH for OVER and UNDER picks; VOID when the player did not play (DNP) in a
game that has a box score; NO_BET for PASS, NO_LINE and OUT rows (a player ruled out is never a pick, so
never in hit rate or ROI); PENDING while the game has no box
score yet. Profit is per 1-unit stake at the consensus price of the side taken.
"""

from __future__ import annotations

import polars as pl

from nba_platform import tables as schemas


def american_payout(price: pl.Expr) -> pl.Expr:
    """Winnings per unit staked at American odds (+150 -> 1.5, -110 -> 0.909)."""
    p = price.cast(pl.Float64)
    return pl.when(p > 0).then(p / 100.0).otherwise(100.0 / -p)


def grade_predictions(predictions: pl.DataFrame, player_summary: pl.DataFrame) -> pl.DataFrame:
    predictions = schemas.conform(predictions, "player_prop_predictions")
    player_summary = schemas.conform(player_summary, "player_game_summary")
    played_games = player_summary.select("game_id").unique().with_columns(_has_box=pl.lit(True))
    actual = player_summary.select("game_id", "player_id", pl.col("points").alias("actual_points"))
    rec, line, pts = pl.col("recommendation"), pl.col("line"), pl.col("actual_points")
    bet = rec.is_in(["OVER", "UNDER"])
    out = (
        predictions.join(played_games, on="game_id", how="left")
        .join(actual, on=["game_id", "player_id"], how="left")
        .with_columns(
            absolute_error=(pl.col("predicted_points") - pts).abs(),
            line_result=pl.when(pts.is_null() | line.is_null())
            .then(None)
            .when(pts > line)
            .then(pl.lit("OVER"))
            .when(pts < line)
            .then(pl.lit("UNDER"))
            .otherwise(pl.lit("PUSH")),
        )
        .with_columns(
            outcome=pl.when(pl.col("_has_box").is_null())
            .then(pl.lit("PENDING"))
            .when(~bet)
            .then(pl.lit("NO_BET"))
            .when(pts.is_null())
            .then(pl.lit("VOID"))
            .when(pl.col("line_result") == "PUSH")
            .then(pl.lit("PUSH"))
            .when(pl.col("line_result") == rec)
            .then(pl.lit("HIT"))
            .otherwise(pl.lit("MISS"))
        )
        .with_columns(
            profit_units=pl.when(pl.col("outcome") == "HIT")
            .then(american_payout(pl.when(rec == "OVER").then(pl.col("over_price")).otherwise(pl.col("under_price"))))
            .when(pl.col("outcome") == "MISS")
            .then(-1.0)
            .when(pl.col("outcome").is_in(["PUSH", "VOID"]))
            .then(0.0)
        )
    )
    return schemas.conform(out, "prediction_results")


def system_daily_performance(results: pl.DataFrame) -> pl.DataFrame:
    """Per system and date: MAE, bias, picks, hit rate, profit, ROI and Brier score.

    MAE and bias are over graded rows (the player played); hit rate over HIT + MISS; ROI = profit per
    pick staked (pushes and voids return the stake); Brier over graded rows with a line that did not
    push, as the mean of (p_over - 1[points > line])^2.
    """
    results = schemas.conform(results, "prediction_results")
    outcome = pl.col("outcome")
    graded = pl.col("absolute_error").is_not_null()
    brier_ok = pl.col("p_over").is_not_null() & pl.col("line_result").is_in(["OVER", "UNDER"])
    picks = outcome.is_in(["HIT", "MISS", "PUSH", "VOID"])
    out = (
        results.group_by("game_date", "system_id")
        .agg(
            predictions=pl.len().cast(pl.Int32),
            graded=graded.sum().cast(pl.Int32),
            mae=pl.col("absolute_error").mean(),
            bias=(pl.col("predicted_points") - pl.col("actual_points")).filter(graded).mean(),
            picks=picks.sum().cast(pl.Int32),
            hits=(outcome == "HIT").sum().cast(pl.Int32),
            misses=(outcome == "MISS").sum().cast(pl.Int32),
            pushes=(outcome == "PUSH").sum().cast(pl.Int32),
            voids=(outcome == "VOID").sum().cast(pl.Int32),
            profit_units=pl.col("profit_units").filter(picks).sum(),
            brier=((pl.col("p_over") - (pl.col("line_result") == "OVER").cast(pl.Float64)) ** 2).filter(brier_ok).mean(),
            brier_rows=brier_ok.sum().cast(pl.Int32),
        )
        .with_columns(
            hit_rate=pl.when((pl.col("hits") + pl.col("misses")) > 0).then(
                pl.col("hits") / (pl.col("hits") + pl.col("misses"))
            ),
            roi=pl.when(pl.col("picks") > 0).then(pl.col("profit_units") / pl.col("picks")),
        )
        .sort("game_date", "system_id")
    )
    return schemas.conform(out, "system_daily_performance")


def grade_picks(picks: pl.DataFrame, results: pl.DataFrame) -> pl.DataFrame:
    """Grade a card of picks (best bets) like every pick: HIT / MISS / PUSH by the side taken against the
    line, VOID when the player did not play, PENDING without a box score; profit per unit at the
    pick's own `price`.

    `picks` has `game_id`, `player_id`, `recommendation` (OVER or UNDER), `line` and `price`; `results`
    is the date's `prediction_results` (any system: the actual points do not depend on it). Returns
    `picks` with `actual_points`, `outcome` and `profit_units`, in the same order.
    """
    results = schemas.conform(results, "prediction_results")
    # One row per player and game: every system's row carries the same actual points and box-score state.
    facts = results.group_by("game_id", "player_id").agg(
        actual_points=pl.col("actual_points").first(),
        _pending=(pl.col("outcome") == "PENDING").all(),
    )
    pts, line, side = pl.col("actual_points"), pl.col("line"), pl.col("recommendation")
    out = picks.join(facts, on=["game_id", "player_id"], how="left", maintain_order="left").with_columns(
        outcome=pl.when(pl.col("_pending").is_null() | pl.col("_pending"))
        .then(pl.lit("PENDING"))
        .when(pts.is_null())
        .then(pl.lit("VOID"))
        .when(pts == line)
        .then(pl.lit("PUSH"))
        .when(pl.when(side == "OVER").then(pts > line).otherwise(pts < line))
        .then(pl.lit("HIT"))
        .otherwise(pl.lit("MISS"))
    )
    return out.with_columns(
        profit_units=pl.when(pl.col("outcome") == "HIT")
        .then(american_payout(pl.col("price")))
        .when(pl.col("outcome") == "MISS")
        .then(-1.0)
        .when(pl.col("outcome").is_in(["PUSH", "VOID"]))
        .then(0.0)
    ).drop("_pending")

