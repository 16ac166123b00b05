"""Best bets: the day's strongest picks of the published system, ranked, and never filled to a quota.

A pick of the published system enters the card only when it passes every test of `Criteria`:
* a real price for its side (no price, no bet: the break-even depends on it);
* its calibrated probability beats the break-even of that American price by `min_probability_edge`
  (-110 -> 110 / 210 = 52.38%). `p_over` is calibrated on rows that did not push, so P(side) and the
  break-even are both conditional on no push (a push returns the stake);
* an edge of at least `min_edge_points` between the predicted points and the line;
* the line offered by at least `min_books` books (a line from one book may be stale or an outlier);
* at least `min_agreement` of the other systems predicting the same side of the line.
The card ranks what passes by expected profit per unit staked at the real price, and shows at most
`max_picks`: a cap, never a quota. An empty card is the honest answer on a day without an edge.

Grading is `grading.grade.grade_picks` on the date's `prediction_results`: the card of a date is rebuilt
from that date's predictions (made before tip-off) and graded the next day like every pick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

from nba_platform import tables as schemas
from nba_platform.grading.grade import american_payout, grade_picks
from nba_platform.publishing import PUBLISHED_SYSTEM
from nba_platform.publishing import documents as docs
from nba_platform.publishing import status as st


@dataclass(frozen=True)
class Criteria:
    min_probability_edge: float = 0.02  # calibration is good to a couple of points: a hair over break-even is noise
    min_edge_points: float = 1.5
    min_books: int = 3
    min_agreement: float = 0.75  # share of the other systems on the same side of the line
    max_picks: int = 10


CRITERIA = Criteria()


def break_even(price: int) -> float:
    """The win probability at which a bet at an American price breaks even (-110 -> 0.5238, +150 -> 0.4)."""
    if -100 < price < 100:
        raise ValueError(f"not an American price: {price} (|price| must be at least 100)")
    return -price / (-price + 100) if price < 0 else 100 / (price + 100)


def _break_even_expr(price: pl.Expr) -> pl.Expr:
    p = price.cast(pl.Float64)
    return pl.when(p < 0).then(-p / (-p + 100.0)).otherwise(100.0 / (p + 100.0))


def candidates(predictions: pl.DataFrame, criteria: Criteria = CRITERIA) -> pl.DataFrame:
    """Every OVER/UNDER pick of the published system with its measures and, when it fails a test,
    the first test it fails (`rejected`, null for the picks that qualify), best first."""
    preds = schemas.conform(predictions, "player_prop_predictions")
    side = pl.col("recommendation")
    picks = preds.filter(
        (pl.col("system_id") == PUBLISHED_SYSTEM) & side.is_in(["OVER", "UNDER"]) & pl.col("line").is_not_null()
    )
    sign = pl.when(side == "OVER").then(1.0).otherwise(-1.0)
    others = (
        preds.filter((pl.col("system_id") != PUBLISHED_SYSTEM) & pl.col("predicted_points").is_not_null())
        .select("game_id", "player_id", pl.col("predicted_points").alias("_other"))
        .join(picks.select("game_id", "player_id", "line", "recommendation"), on=["game_id", "player_id"])
        .group_by("game_id", "player_id")
        .agg(
            systems_agree=((pl.col("_other") - pl.col("line")) * sign > 0).sum().cast(pl.Int32),
            systems_total=pl.len().cast(pl.Int32),
        )
    )
    price = pl.when(side == "OVER").then(pl.col("over_price")).otherwise(pl.col("under_price"))
    out = (
        picks.join(others, on=["game_id", "player_id"], how="left")
        .with_columns(
            price=price,
            p_side=pl.when(side == "OVER").then(pl.col("p_over")).otherwise(1.0 - pl.col("p_over")),
            edge_points=(pl.col("predicted_points") - pl.col("line")) * sign,
            systems_agree=pl.col("systems_agree").fill_null(0),
            systems_total=pl.col("systems_total").fill_null(0),
        )
        .with_columns(break_even=_break_even_expr(pl.col("price")))
        .with_columns(
            probability_edge=pl.col("p_side") - pl.col("break_even"),
            expected_value=pl.col("p_side") * american_payout(pl.col("price")) - (1.0 - pl.col("p_side")),
            agreement=pl.when(pl.col("systems_total") > 0).then(pl.col("systems_agree") / pl.col("systems_total")),
        )
    )
    c = criteria
    rejected = (
        pl.when(pl.col("price").is_null())
        .then(pl.lit("no price for the side"))
        .when(pl.col("p_side").is_null())
        .then(pl.lit("no calibrated probability"))
        .when(pl.col("probability_edge") < c.min_probability_edge)
        .then(pl.lit(f"probability does not beat break-even by {100 * c.min_probability_edge:.0f} points"))
        .when(pl.col("edge_points") < c.min_edge_points)
        .then(pl.lit(f"edge under {c.min_edge_points:g} points"))
        .when(pl.col("line_books").fill_null(0) < c.min_books)
        .then(pl.lit(f"line from fewer than {c.min_books} books"))
        .when(pl.col("agreement").fill_null(0.0) < c.min_agreement)
        .then(pl.lit(f"fewer than {100 * c.min_agreement:.0f}% of the other systems agree"))
    )
    return out.with_columns(rejected=rejected).sort(
        pl.col("rejected").is_not_null(), "expected_value", "probability_edge", "player_lookup",
        descending=[False, True, True, False],
        nulls_last=True,
    )


def select(considered: pl.DataFrame, criteria: Criteria = CRITERIA) -> pl.DataFrame:
    """The card of `candidates`: the qualifying picks, best first, at most `max_picks`, with their `rank` (1 = best)."""
    qualified = considered.filter(pl.col("rejected").is_null()).head(criteria.max_picks)
    return qualified.with_row_index("rank", offset=1).with_columns(pl.col("rank").cast(pl.Int32))


def empty_message(considered: pl.DataFrame, criteria: Criteria = CRITERIA) -> str:
    """Why the card is empty, in one sentence a reader understands."""
    if considered.height == 0:
        return "No best bets today: the published system made no OVER or UNDER pick against a posted line."
    counts = considered.group_by("rejected").len().sort("len", "rejected", descending=[True, False])
    top_reason, n = counts.row(0)
    return (
        f"No best bets today: none of the {considered.height} picks cleared the bar "
        f"(most common reason, {n} of them: {top_reason}). An empty card is the honest answer "
        "when the model finds no edge over the prices; it is never filled to a quota."
    )


def build_best_bets(
    game_date: dt.date,
    predictions: pl.DataFrame,
    results: pl.DataFrame,
    schedule: pl.DataFrame,
    now: dt.datetime,
    freshness: Sequence[st.FreshnessReading] | None = None,
    criteria: Criteria = CRITERIA,
) -> dict[str, Any]:
    """`best_bets/{date}.json`: the ranked card of the date, graded when the date's results exist."""
    predictions = docs.table_on(predictions, "player_prop_predictions", game_date)
    results = docs.table_on(results, "prediction_results", game_date)
    schedule = docs.table_on(schedule, "raw_schedule", game_date)
    considered = candidates(predictions, criteria)
    card = select(considered, criteria)
    graded = grade_picks(card, results)
    tips = {r["game_id"]: r["tip_time_utc"] for r in schedule.iter_rows(named=True)}
    picks = []
    for r in graded.iter_rows(named=True):
        tip = tips.get(r["game_id"])
        picks.append(
            {
                "rank": r["rank"],
                "game_id": r["game_id"],
                "player_lookup": r["player_lookup"],
                "name": r["player_name"],
                "team": r["team_abbr"],
                "opponent": r["opponent_team_abbr"],
                "tip_time_et": tip.astimezone(st.ET).isoformat(timespec="minutes") if tip else None,
                "recommendation": r["recommendation"],
                "line": docs.num(r["line"], 1),
                "price": int(r["price"]),
                "break_even": docs.num(r["break_even"], 4),
                "p_side": docs.num(r["p_side"], 4),
                "probability_edge": docs.num(r["probability_edge"], 4),
                "predicted_points": docs.num(r["predicted_points"], 1),
                "edge_points": docs.num(r["edge_points"], 1),
                "expected_value": docs.num(r["expected_value"], 4),
                "line_books": docs.int_or_none(r["line_books"]),
                "systems_agree": int(r["systems_agree"]),
                "systems_total": int(r["systems_total"]),
                "actual_points": docs.int_or_none(r["actual_points"]),
                "outcome": r["outcome"],
                "profit_units": docs.num(r["profit_units"], 3),
            }
        )
    outcomes = [p["outcome"] for p in picks]
    wins, losses = outcomes.count("HIT"), outcomes.count("MISS")
    settled = [p for p in picks if p["outcome"] in ("HIT", "MISS", "PUSH", "VOID")]
    profit = sum(p["profit_units"] or 0.0 for p in settled)
    pending = outcomes.count("PENDING")
    # Before and on its date the card is tonight's picks; after it, a graded record that is
    # complete only once every pick has its box score.
    if game_date < st.today_et(now):
        findings = [st.Finding("stale", f"{pending} of {len(picks)} best bets not graded yet (no box score)")] if pending else []
    else:
        findings = st.date_findings(game_date, now)
    return {
        **docs.header(
            "best_bets", game_date, now, st.status_block(findings, freshness, applies=st.freshness_applies(game_date, now))
        ),
        "published_system": PUBLISHED_SYSTEM,
        "criteria": asdict(criteria),
        "summary": {
            "considered": considered.height,
            "qualified": int(considered["rejected"].is_null().sum()),
            "picks": len(picks),
            "pending": pending,
            "wins": wins,
            "losses": losses,
            "pushes": outcomes.count("PUSH"),
            "voids": outcomes.count("VOID"),
            "hit_rate": docs.num(wins / (wins + losses), 4) if wins + losses else None,
            "profit_units": docs.num(profit, 3) if settled else None,
        },
        "message": None if picks else empty_message(considered, criteria),
        "picks": picks,
    }


def best_bets_path(game_date: dt.date) -> str:
    return f"best_bets/{game_date.isoformat()}.json"
