"""Best bets on hand-made predictions: who enters the card and why not, the ranking, grading, the document."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from nba_platform import tables as schemas
from nba_platform.publishing import best_bets as bets
from nba_platform.publishing.validation import validate_document

from .test_documents import NOON_ET, D, game, pred, rows

OTHERS = ("moving_average", "similarity", "matchup", "lightgbm")
TIP = dt.datetime(2025, 11, 19, 0, tzinfo=dt.UTC)


def player(pid, line, rec, p_over, points, others, **extra):
    """The ensemble's row for a player and one row per other system (their predicted points)."""
    game_id = f"g{pid}"
    out = [pred(game_id, pid, "BOS", "TOR", "ensemble", points, line, rec, p_over, **extra)]
    out += [pred(game_id, pid, "BOS", "TOR", s, pts, line, None, None) for s, pts in zip(OTHERS, others, strict=True)]
    return out


AGREE_OVER, AGREE_UNDER = (25.0, 24.0, 23.0, 22.0), (10.0, 11.0, 12.0, 13.0)


@pytest.fixture
def slate():
    predictions = rows(
        "player_prop_predictions",
        [
            *player(1, 20.5, "OVER", 0.62, 24.0, AGREE_OVER, line_books=5),  # qualifies
            *player(2, 20.5, "OVER", 0.54, 24.0, AGREE_OVER),  # 54% vs 52.38%: under the 2-point margin
            *player(3, 18.5, "UNDER", 0.35, 15.0, AGREE_UNDER, under_price=120),  # 65% vs 45.45% at +120: best
            *player(4, 20.5, "OVER", 0.62, 24.0, AGREE_OVER, line_books=2),  # too few books
            *player(5, 20.5, "OVER", 0.62, 24.0, (25.0, 24.0, 19.0, 18.0)),  # 2 of 4 agree
            *player(6, 18.5, "UNDER", 0.35, 15.0, AGREE_UNDER, under_price=None),  # no price for the side
            *player(7, 20.5, "PASS", 0.51, 21.0, AGREE_OVER),  # not a pick
            *player(8, 20.5, "OVER", 0.60, 24.0, AGREE_OVER, over_price=-150),  # 60% = break-even at -150
            *player(9, 20.5, "OVER", 0.60, 21.5, AGREE_OVER),  # 1 point of edge
        ],
    )
    schedule = rows("raw_schedule", [game(f"g{i}", "BOS", "TOR", TIP) for i in range(1, 10)])
    return predictions, schedule


def test_break_even_of_american_prices():
    assert bets.break_even(-110) == pytest.approx(110 / 210) == pytest.approx(0.5238, abs=1e-4)
    assert bets.break_even(+150) == pytest.approx(0.4)
    assert bets.break_even(-200) == pytest.approx(2 / 3)
    assert bets.break_even(100) == bets.break_even(-100) == 0.5
    with pytest.raises(ValueError, match="not an American price: 50"):
        bets.break_even(50)


def test_each_pick_is_measured_and_rejected_by_the_first_test_it_fails(slate):
    predictions, _ = slate
    c = bets.candidates(predictions).sort("player_id")
    assert c["player_id"].to_list() == [1, 2, 3, 4, 5, 6, 8, 9]  # the PASS is not a pick
    why = dict(zip(c["player_id"], c["rejected"], strict=True))
    assert why == {
        1: None,
        2: "probability does not beat break-even by 2 points",
        3: None,
        4: "line from fewer than 3 books",
        5: "fewer than 75% of the other systems agree",
        6: "no price for the side",
        8: "probability does not beat break-even by 2 points",
        9: "edge under 1.5 points",
    }
    one = c.filter(pl.col("player_id") == 1).row(0, named=True)
    assert one["price"] == -110 and one["break_even"] == pytest.approx(0.52381, abs=1e-5)
    assert one["probability_edge"] == pytest.approx(0.62 - 110 / 210)
    assert one["expected_value"] == pytest.approx(0.62 * 100 / 110 - 0.38)
    assert (one["edge_points"], one["systems_agree"], one["systems_total"]) == (3.5, 4, 4)
    three = c.filter(pl.col("player_id") == 3).row(0, named=True)
    assert (three["p_side"], three["price"], three["edge_points"]) == (pytest.approx(0.65), 120, 3.5)
    assert three["expected_value"] == pytest.approx(0.65 * 1.2 - 0.35)
    # Same probability, dearer price: 60% clears -110 by 7.6 points but only ties -150's break-even.
    eight = c.filter(pl.col("player_id") == 8).row(0, named=True)
    assert eight["break_even"] == pytest.approx(0.6) and eight["probability_edge"] == pytest.approx(0.0, abs=1e-12)


def test_the_card_ranks_by_expected_value_and_is_capped_never_filled(slate):
    predictions, _ = slate
    card = bets.select(bets.candidates(predictions))
    assert card["player_id"].to_list() == [3, 1] and card["rank"].to_list() == [1, 2]
    one = dataclasses.replace(bets.CRITERIA, max_picks=1)
    assert bets.select(bets.candidates(predictions, one), one)["player_id"].to_list() == [3]
    strict = dataclasses.replace(bets.CRITERIA, min_probability_edge=0.25)
    assert bets.select(bets.candidates(predictions, strict), strict).height == 0  # nothing is promoted to fill the card


def result(pid, points, outcome="HIT", line_result="OVER", system="ensemble"):
    return {
        "game_date": D, "game_id": f"g{pid}", "player_id": pid, "player_lookup": f"player{pid}",
        "player_name": f"Player {pid}", "system_id": system, "recommendation": "OVER", "line": 20.5,
        "predicted_points": 20.0, "actual_points": points, "outcome": outcome, "line_result": line_result,
    }


def test_the_document_is_graded_the_next_day_and_matches_its_schema(slate):
    predictions, schedule = slate
    before = bets.build_best_bets(D, predictions, schemas.empty("prediction_results"), schedule, NOON_ET)
    validate_document("best_bets", before)
    assert [p["player_lookup"] for p in before["picks"]] == ["player3", "player1"]
    first = before["picks"][0]
    assert (first["recommendation"], first["line"], first["price"], first["break_even"], first["p_side"]) == (
        "UNDER", 18.5, 120, 0.4545, 0.65
    )
    assert (first["tip_time_et"], first["outcome"], first["profit_units"]) == ("2025-11-18T19:00-05:00", "PENDING", None)
    assert before["summary"] == {
        "considered": 8, "qualified": 2, "picks": 2, "pending": 2, "wins": 0, "losses": 0, "pushes": 0, "voids": 0,
        "hit_rate": None, "profit_units": None,
    }
    assert before["message"] is None and before["status"]["state"] == "ok"
    bad_price = {**before, "picks": [{**first, "price": -50}, *before["picks"][1:]]}
    with pytest.raises(ValueError, match="at /picks/0/price"):
        validate_document("best_bets", bad_price)  # not an American price

    results = rows("prediction_results", [result(3, 15, line_result="UNDER"), result(1, 20, "MISS", "UNDER")])
    next_day = NOON_ET + dt.timedelta(days=1)
    after = bets.build_best_bets(D, predictions, results, schedule, next_day)
    validate_document("best_bets", after)
    assert [(p["outcome"], p["actual_points"], p["profit_units"]) for p in after["picks"]] == [
        ("HIT", 15, 1.2),
        ("MISS", 20, -1.0),
    ]
    s = after["summary"]
    assert (s["wins"], s["losses"], s["pending"], s["hit_rate"], s["profit_units"]) == (1, 1, 0, 0.5, 0.2)
    assert after["status"]["state"] == "ok"  # a past date, fully graded: a complete record


def test_an_empty_card_says_so_plainly(slate):
    predictions, schedule = slate
    strict = dataclasses.replace(bets.CRITERIA, min_probability_edge=0.25)
    doc = bets.build_best_bets(D, predictions, schemas.empty("prediction_results"), schedule, NOON_ET, criteria=strict)
    validate_document("best_bets", doc)
    assert doc["picks"] == [] and doc["summary"]["considered"] == 8 and doc["summary"]["qualified"] == 0
    assert doc["message"].startswith("No best bets today: none of the 8 picks cleared the bar (most common reason, 7 of them: probability does not beat break-even by 25 points)")
    assert "never filled to a quota" in doc["message"]
    nothing = bets.build_best_bets(D, schemas.empty("player_prop_predictions"), schemas.empty("prediction_results"), schedule, NOON_ET)
    validate_document("best_bets", nothing)
    assert nothing["message"] == "No best bets today: the published system made no OVER or UNDER pick against a posted line."
    bad = {**doc, "message": None}
    with pytest.raises(ValueError, match="best_bets document"):
        validate_document("best_bets", bad)  # an empty card must say why
