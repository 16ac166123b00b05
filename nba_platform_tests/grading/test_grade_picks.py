"""grade_picks: a card of picks graded from the date's prediction_results, at each pick's own price."""

from __future__ import annotations

import datetime as dt

import polars as pl

from nba_platform.grading.grade import grade_picks

from ..publishing.test_documents import rows

D = dt.date(2025, 11, 18)


def res(game_id, pid, points, outcome, system="ensemble"):
    return {"game_date": D, "game_id": game_id, "player_id": pid, "system_id": system, "actual_points": points, "outcome": outcome}


def test_hits_misses_pushes_voids_and_pending_at_the_picks_prices():
    picks = pl.DataFrame(
        {
            "game_id": ["g1", "g1", "g2", "g2", "g3", "g4"],
            "player_id": [1, 2, 3, 4, 5, 6],
            "recommendation": ["OVER", "UNDER", "UNDER", "OVER", "OVER", "UNDER"],
            "line": [20.5, 10.5, 18.0, 7.5, 12.5, 30.5],
            "price": [-110, 120, -105, -200, -110, -110],
        }
    )
    results = rows(
        "prediction_results",
        [
            res("g1", 1, 25, "MISS"),  # the ensemble row's own outcome does not matter: the side taken does
            res("g1", 1, 25, "HIT", "lightgbm"),
            res("g1", 2, 8, "NO_BET"),
            res("g2", 3, 18, "PUSH"),
            res("g2", 4, None, "VOID"),  # did not play in a game with a box score
            res("g3", 5, None, "PENDING"),
            # g4: no results at all yet
        ],
    )
    out = grade_picks(picks, results)
    assert out["player_id"].to_list() == [1, 2, 3, 4, 5, 6]  # the card's order
    assert out["outcome"].to_list() == ["HIT", "HIT", "PUSH", "VOID", "PENDING", "PENDING"]
    assert out["actual_points"].to_list() == [25, 8, 18, None, None, None]
    profit = out["profit_units"].to_list()
    assert profit[0] == 100 / 110 and profit[1] == 1.2 and profit[2:4] == [0.0, 0.0] and profit[4:] == [None, None]
    miss = grade_picks(picks.head(1).with_columns(recommendation=pl.lit("UNDER")), results)
    assert (miss["outcome"][0], miss["profit_units"][0]) == ("MISS", -1.0)
