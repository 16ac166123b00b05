"""The publishing layer on hand-made frames: documents, status, schemas, publishers, the page."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from nba_platform import tables as schemas
from nba_platform.core.storage import GCSStore, LocalStore
from nba_platform.publishing import documents as docs
from nba_platform.publishing import performance
from nba_platform.publishing import players as player_docs
from nba_platform.publishing.page import render_page, table_rows
from nba_platform.publishing.publisher import Publisher, open_publisher, read_document, write_document
from nba_platform.publishing.status import FreshnessReading
from nba_platform.publishing.validation import KINDS, InvalidDocumentError, schema, validate_document

from ..scrape.test_gcs_landing import emulator  # noqa: F401  (module fixture: the GCS emulator)

UTC = dt.UTC
D = dt.date(2025, 11, 18)
NOON_ET = dt.datetime(2025, 11, 18, 17, tzinfo=UTC)  # 12:00 ET on the game date


def rows(table: str, records: list[dict]) -> pl.DataFrame:
    """A table's frame from a few records (unnamed columns null)."""
    df = pl.DataFrame(records)
    return pl.concat([schemas.empty(table), df], how="diagonal_relaxed").pipe(schemas.conform, table)


def game(game_id, home, away, tip_utc, status=1, date=D):
    return {
        "game_date": date, "game_id": game_id, "season": "2025-26", "season_type": "Regular Season",
        "game_status": status, "game_status_text": "7:00 pm ET", "tip_time_utc": tip_utc,
        "home_team_id": hash(home) % 1000, "home_team_abbr": home, "home_team_name": f"{home} name",
        "away_team_id": hash(away) % 1000, "away_team_abbr": away, "away_team_name": f"{away} name",
    }


def pred(game_id, pid, team, opp, system, points, line=None, rec=None, p_over=None, date=D, **extra):
    return {
        "game_date": date, "game_id": game_id, "player_id": pid, "player_lookup": f"player{pid}",
        "player_name": f"Player {pid}", "team_abbr": team, "opponent_team_abbr": opp, "system_id": system,
        "predicted_points": points, "predicted_std": 6.0, "line": line, "over_price": -110 if line else None,
        "under_price": -110 if line else None, "line_books": 3 if line else None,
        "line_snapshot_utc": dt.datetime(2025, 11, 18, 15, tzinfo=UTC) if line else None,
        "p_over": p_over, "edge": None if line is None else points - line,
        "recommendation": rec or ("PASS" if line else "NO_LINE"),
        "confidence": None if p_over is None else abs(2 * p_over - 1), "model_version": "m1", "feature_version": "v2",
        **extra,
    }


def feature(game_id, pid, **values):
    return {"game_date": D, "game_id": game_id, "player_id": pid, "player_lookup": f"player{pid}", **values}


@pytest.fixture
def slate():
    tip1 = dt.datetime(2025, 11, 19, 0, tzinfo=UTC)  # 19:00 ET
    tip2 = dt.datetime(2025, 11, 19, 3, 30, tzinfo=UTC)  # 22:30 ET
    schedule = rows("raw_schedule", [game("g2", "LAL", "MIL", tip2), game("g1", "BOS", "TOR", tip1)])
    predictions = rows(
        "player_prop_predictions",
        [
            pred("g1", 1, "BOS", "TOR", "ensemble", 24.0, 20.5, "OVER", 0.70),
            pred("g1", 1, "BOS", "TOR", "moving_average", 22.04, 20.5, "OVER", 0.62),
            pred("g1", 2, "TOR", "BOS", "ensemble", 6.0),
            pred("g1", 2, "TOR", "BOS", "moving_average", 7.0),
            pred("g2", 3, "MIL", "LAL", "ensemble", 15.0, 18.5, "UNDER", 0.30),
            pred("g2", 3, "MIL", "LAL", "moving_average", 16.0, 18.5, "UNDER", 0.40),
        ],
    )
    features = rows(
        "ml_feature_store",
        [
            feature("g1", 1, is_home=True, days_rest=1, back_to_back=True, points_avg_last_5=25.04, points_avg_season=22.5),
            feature("g1", 2, is_home=False, days_rest=3, back_to_back=False),
            feature("g2", 3, is_home=False, days_rest=2, back_to_back=False, points_avg_last_10=17.0),
        ],
    )
    return schedule, predictions, features


def test_tonight_lists_every_game_in_tip_order_with_its_players(slate):
    doc = docs.build_tonight(D, *slate, now=NOON_ET)
    validate_document("tonight", doc)
    assert [g["game_id"] for g in doc["games"]] == ["g1", "g2"]
    g1 = doc["games"][0]
    assert g1["tip_time_et"] == "2025-11-18T19:00-05:00" and g1["tip_time_utc"] == "2025-11-19T00:00:00Z"
    assert (g1["home"]["abbr"], g1["away"]["abbr"], g1["status"]) == ("BOS", "TOR", "scheduled")
    assert [p["player_lookup"] for p in g1["players"]] == ["player1", "player2"]  # by team, then predicted points
    star = g1["players"][0]
    assert star["systems"] == {"ensemble": 24.0, "moving_average": 22.0}
    assert (star["line"], star["recommendation"], star["p_over"], star["confidence"]) == (20.5, "OVER", 0.7, 0.4)
    assert star["context"]["back_to_back"] is True and star["context"]["points_last_5"] == 25.0
    assert star["is_home"] is True and star["line_snapshot_utc"] == "2025-11-18T15:00:00Z"
    assert g1["players"][1]["recommendation"] == "NO_LINE" and g1["players"][1]["line"] is None
    assert doc["summary"] == {
        "games": 2, "players": 3, "lined_players": 2,
        "recommendations": {"OVER": 1, "UNDER": 1, "PASS": 0, "NO_LINE": 1, "OUT": 0},
    }
    assert star["availability"] == {"status": "UNKNOWN", "source": "none", "reason": None, "as_of_utc": None}
    assert doc["status"]["state"] == "ok" and doc["status"]["stale"] is False
    assert doc["status"]["data_as_of"] == "2025-11-18T15:00:00Z"
    assert (doc["schema_version"], doc["document"], doc["game_date"]) == ("1.1", "tonight", "2025-11-18")


def test_tonight_shows_a_ruled_out_player_with_status_source_and_no_pick(slate):
    schedule, predictions, features = slate
    ruled = {"availability_status": "OUT", "availability_source": "nba_injury_report",
             "availability_reason": "Injury/Illness Left Ankle; Sprain"}
    predictions = pl.concat(
        [predictions, rows("player_prop_predictions", [pred("g2", 4, "LAL", "MIL", "ensemble", 21.0, 22.5, "OUT", 0.45, **ruled)])]
    )
    as_of = dt.datetime(2025, 11, 18, 22, 30, tzinfo=UTC)
    features = pl.concat([features, rows("ml_feature_store", [feature("g2", 4, availability_as_of_utc=as_of)])])
    doc = docs.build_tonight(D, schedule, predictions, features, now=NOON_ET)
    validate_document("tonight", doc)
    out = next(p for g in doc["games"] for p in g["players"] if p["player_id"] == 4)
    assert out["recommendation"] == "OUT" and doc["summary"]["recommendations"]["OUT"] == 1
    assert out["availability"] == {
        "status": "OUT", "source": "nba_injury_report", "reason": "Injury/Illness Left Ankle; Sprain",
        "as_of_utc": "2025-11-18T22:30:00Z",
    }
    html = render_page(doc, None)
    assert '<tr class="out">' in html and "<td>OUT (injury report)</td>" in html
    # The schema refuses an OVER/UNDER for a player ruled out.
    out["recommendation"] = "OVER"
    with pytest.raises(InvalidDocumentError):
        validate_document("tonight", doc)


@pytest.mark.parametrize(
    ("now", "freshness", "state", "reason"),
    [
        # Yesterday's picks read the next day are not tonight's.
        (dt.datetime(2025, 11, 19, 17, tzinfo=UTC), None, "stale", "2025-11-18 is in the past (today is 2025-11-19 ET)"),
        # Lines scraped at 15:00 UTC, read at 23:30 UTC before the first tip: 8.5 h old.
        (dt.datetime(2025, 11, 18, 23, 30, tzinfo=UTC), None, "stale", "newest line snapshot is 8.5 h old (limit 6 h)"),
        (NOON_ET, [FreshnessReading("player_prop_predictions", "FAIL", NOON_ET)], "failing",
         "freshness policy of player_prop_predictions is failing since 2025-11-18T17:00:00Z"),
        (NOON_ET, [FreshnessReading("raw_prop_lines", "WARN")], "warn", "freshness policy of raw_prop_lines is close"),
        (NOON_ET, [FreshnessReading("raw_prop_lines", "PASS")], "ok", None),
        # The day before: the picks are published early and may still move.
        (dt.datetime(2025, 11, 17, 17, tzinfo=UTC), None, "pending", "2025-11-18 is after today"),
    ],
)
def test_tonight_status_says_when_the_picks_are_not_current(slate, now, freshness, state, reason):
    doc = docs.build_tonight(D, *slate, now=now, freshness=freshness)
    validate_document("tonight", doc)
    status = doc["status"]
    assert status["state"] == state
    assert status["stale"] is (state in ("stale", "failing"))
    assert (reason is None and status["reasons"] == []) or any(reason in r for r in status["reasons"])
    assert status["freshness"]["checked"] is (freshness is not None)


def test_old_dates_list_freshness_but_are_not_judged_by_it(slate):
    later = dt.datetime(2025, 11, 25, 17, tzinfo=UTC)
    doc = docs.build_tonight(D, *slate, now=later, freshness=[FreshnessReading("player_prop_predictions", "FAIL")])
    assert doc["status"]["state"] == "stale"  # the date is past, not "failing": today's FAIL is about today
    assert doc["status"]["freshness"] == {
        "checked": True, "applies": False, "assets": [{"asset": "player_prop_predictions", "state": "FAIL", "since": None}],
    }


def test_a_game_without_predictions_keeps_tonight_pending(slate):
    schedule, predictions, features = slate
    schedule = pl.concat([schedule, rows("raw_schedule", [game("g3", "NYK", "MIA", dt.datetime(2025, 11, 19, 1, tzinfo=UTC))])])
    doc = docs.build_tonight(D, schedule, predictions, features, now=NOON_ET)
    assert doc["status"]["state"] == "pending" and doc["status"]["reasons"] == ["no predictions yet for 1 of 3 games"]
    assert doc["games"][1]["players"] == []


def result(pid, system, rec, outcome, predicted, actual, line=20.5, p_over=0.7, profit=None, game_id="g1"):
    return {
        "game_date": D, "game_id": game_id, "player_id": pid, "player_lookup": f"player{pid}",
        "player_name": f"Player {pid}", "system_id": system, "recommendation": rec, "line": line,
        "predicted_points": predicted, "p_over": p_over, "actual_points": actual,
        "absolute_error": None if actual is None else abs(predicted - actual), "outcome": outcome,
        "profit_units": profit,
    }


def test_results_summary_and_breakdowns_by_hand():
    results = rows(
        "prediction_results",
        [
            result(1, "ensemble", "OVER", "HIT", 24.0, 26, p_over=0.70, profit=100 / 110),  # conf 0.40
            result(2, "ensemble", "UNDER", "MISS", 15.0, 22, p_over=0.35, profit=-1.0),  # conf 0.30, err 7
            result(3, "ensemble", "OVER", "PUSH", 21.0, 20, line=20.0, p_over=0.62, profit=0.0),  # conf 0.24
            result(4, "ensemble", "UNDER", "VOID", 12.0, None, p_over=0.25, profit=0.0),  # DNP, conf 0.5
            result(5, "ensemble", "PASS", "NO_BET", 10.0, 12, p_over=0.52),
            result(6, "ensemble", "NO_LINE", "NO_BET", 5.0, 5, line=None, p_over=None),
            result(1, "moving_average", "UNDER", "MISS", 19.0, 26, p_over=0.4, profit=-1.0),
        ],
    )
    predictions = rows("player_prop_predictions", [pred("g1", 1, "BOS", "TOR", "ensemble", 24.0, 20.5, "OVER", 0.70)])
    doc = docs.build_results(D, results, predictions, now=dt.datetime(2025, 11, 19, 12, tzinfo=UTC))
    validate_document("results", doc)
    summary = doc["summary"]
    # Errors of the played rows: 2, 7, 1, 2, 0 -> MAE 2.4; within 3 points: 4 of 5.
    assert summary == {
        "predictions": 6, "graded": 5, "pending": 0, "picks": 4, "wins": 1, "losses": 1, "pushes": 1, "voids": 1,
        "hit_rate": 0.5, "profit_units": round(100 / 110 - 1, 3), "roi": round((100 / 110 - 1) / 4, 4),
        "mae": 2.4, "within_3_share": 0.8,
    }
    assert [s["system_id"] for s in doc["by_system"]] == ["ensemble", "moving_average"]
    assert doc["by_system"][1]["losses"] == 1 and doc["by_system"][1]["hit_rate"] == 0.0
    by_rec = {r["recommendation"]: r for r in doc["by_recommendation"]}
    assert list(by_rec) == ["OVER", "UNDER", "PASS", "NO_LINE", "OUT"]
    assert by_rec["OUT"]["picks"] == 0
    assert (by_rec["OVER"]["wins"], by_rec["OVER"]["pushes"], by_rec["UNDER"]["voids"], by_rec["PASS"]["mae"]) == (1, 1, 1, 2.0)
    buckets = {b["bucket"]: b["picks"] for b in doc["by_confidence"]}
    assert buckets == {"0.00-0.10": 0, "0.10-0.20": 0, "0.20-0.30": 1, "0.30-0.40": 1, "0.40+": 2}
    assert [p["player_lookup"] for p in doc["picks"]] == ["player4", "player1", "player2", "player3"]  # confidence
    assert doc["picks"][1] | {"profit_units": None} == {
        "game_id": "g1", "player_lookup": "player1", "name": "Player 1", "team": "BOS", "opponent": "TOR",
        "recommendation": "OVER", "line": 20.5, "price": -110, "predicted_points": 24.0, "p_over": 0.7,
        "confidence": 0.4, "actual_points": 26, "absolute_error": 2.0, "outcome": "HIT", "profit_units": None,
    }
    assert doc["status"]["state"] == "ok"


def test_results_are_pending_tonight_and_stale_when_the_box_score_never_came():
    results = rows("prediction_results", [result(1, "ensemble", "OVER", "PENDING", 24.0, None, profit=None)])
    tonight = docs.build_results(D, results, rows("player_prop_predictions", []), now=NOON_ET)
    assert tonight["status"]["state"] == "pending" and tonight["status"]["reasons"] == ["1 of 1 games not final yet"]
    later = docs.build_results(D, results, rows("player_prop_predictions", []), now=dt.datetime(2025, 11, 20, tzinfo=UTC))
    assert later["status"]["stale"] and later["status"]["reasons"] == ["results missing for 1 of 1 games (no box score yet)"]
    assert later["summary"]["pending"] == 1 and later["picks"][0]["outcome"] == "PENDING"


def daily(date, system, graded, mae, hits=0, misses=0, predictions=None, profit=0.0):
    return {
        "game_date": date, "system_id": system, "predictions": predictions if predictions is not None else graded,
        "graded": graded, "mae": mae, "bias": 0.0 if graded else None, "picks": hits + misses, "hits": hits,
        "misses": misses, "pushes": 0, "voids": 0, "hit_rate": hits / (hits + misses) if hits + misses else None,
        "profit_units": profit, "roi": None, "brier": 0.25 if graded else None, "brier_rows": graded,
    }


def test_systems_windows_weight_by_graded_rows_and_flag_missing_results():
    frame = rows(
        "system_daily_performance",
        [
            daily(dt.date(2025, 4, 10), "ensemble", 100, 9.0, hits=50, misses=50),  # last season: not in "season"
            daily(dt.date(2025, 11, 1), "ensemble", 20, 3.0, hits=5, misses=5),  # 30 days and season, not 7
            daily(dt.date(2025, 11, 14), "ensemble", 10, 4.0, hits=3, misses=1, profit=1.5),
            daily(dt.date(2025, 11, 16), "ensemble", 30, 6.0, hits=1, misses=3, profit=-2.3),
            daily(dt.date(2025, 11, 17), "ensemble", 0, None, predictions=40),  # predicted, never graded
            daily(dt.date(2025, 11, 18), "ensemble", 0, None, predictions=40),  # tonight
            daily(dt.date(2025, 11, 19), "ensemble", 50, 1.0),  # after the document's date
        ],
    )
    doc = performance.build_systems(D, frame, schemas.empty("prediction_results"), now=NOON_ET)
    validate_document("systems_performance", doc)
    (ens,) = doc["systems"]
    week, month, season = ens["last_7_days"], ens["last_30_days"], ens["season"]
    assert (week["days"], week["graded"], week["mae"], week["wins"], week["losses"]) == (2, 40, 5.5, 4, 4)
    assert (week["hit_rate"], week["profit_units"], week["roi"], week["predictions"]) == (0.5, -0.8, -0.1, 120)
    assert (month["graded"], month["mae"], month["hit_rate"]) == (60, round(280 / 60, 3), 0.5)
    assert season == month  # the season began inside the last 30 days
    assert doc["windows"]["season"] == {"from": "2025-08-01", "to": "2025-11-18"}
    assert doc["as_of"] == "2025-11-16"
    assert [d["game_date"] for d in ens["daily"]] == ["2025-11-01", "2025-11-14", "2025-11-16"]
    assert doc["status"]["state"] == "stale"
    assert doc["status"]["reasons"] == ["no graded results for 1 date(s) with predictions: 2025-11-17"]


def box(date, pid, points, is_home, over_under=None, game_id=None):
    return {
        "game_date": date, "game_id": game_id or f"b{date:%m%d}", "season": "2025-26", "player_id": pid,
        "player_lookup": f"player{pid}", "player_name": f"Player {pid}", "team_abbr": "BOS",
        "opponent_team_abbr": "NYK", "is_home": is_home, "minutes": 30.0, "points": points,
        "over_under_result": over_under,
    }


def test_player_document_game_log_splits_and_record():
    pgs = rows(
        "player_game_summary",
        [
            box(dt.date(2025, 4, 1), 1, 50, True),  # last season: no split counts it
            box(dt.date(2025, 11, 10), 1, 20, True, "UNDER"),
            box(dt.date(2025, 11, 11), 1, 30, False, "OVER"),  # back-to-back
            box(dt.date(2025, 11, 14), 1, 25, True, "OVER"),  # 3 days rest
        ],
    )
    results = rows(
        "prediction_results",
        [
            result(1, "ensemble", "OVER", "MISS", 24.0, 20, game_id="b1110", profit=-1.0) | {"game_date": dt.date(2025, 11, 10)},
            result(1, "ensemble", "OVER", "HIT", 24.0, 30, game_id="b1111", profit=0.909) | {"game_date": dt.date(2025, 11, 11)},
            # Predicted on the 16th, did not play (VOID): no box-score row.
            result(1, "ensemble", "UNDER", "VOID", 20.0, None, game_id="b1116", profit=0.0) | {"game_date": dt.date(2025, 11, 16)},
            result(1, "ensemble", "OVER", "PENDING", 26.0, None, game_id="g1"),
            result(1, "moving_average", "PASS", "PENDING", 23.0, None, game_id="g1"),
        ],
    )
    predictions = rows("player_prop_predictions", [pred("g1", 1, "BOS", "TOR", "ensemble", 26.0, 20.5, "OVER", 0.7)])
    (doc,) = player_docs.build_players(D, pgs, results, predictions, now=NOON_ET).values()
    validate_document("player", doc)
    assert doc["player"] == {"player_lookup": "player1", "player_id": 1, "name": "Player 1", "team": "BOS", "season": "2025-26"}
    log = doc["game_log"]
    assert [(g["game_date"], g["played"], g["points"], g["outcome"]) for g in log] == [
        ("2025-11-18", False, None, "PENDING"),
        ("2025-11-16", False, None, "VOID"),
        ("2025-11-14", True, 25, None),
        ("2025-11-11", True, 30, "HIT"),
        ("2025-11-10", True, 20, "MISS"),
    ]
    assert log[0]["opponent"] == "TOR" and log[3]["predicted_points"] == 24.0 and log[3]["absolute_error"] == 6.0
    splits = {s["split"]: (s["games"], s["points_avg"], s["over_line"], s["under_line"]) for s in doc["season_splits"]}
    assert splits == {
        "all": (3, 25.0, 2, 1), "home": (2, 22.5, 1, 1), "away": (1, 30.0, 1, 0), "last_5": (3, 25.0, 2, 1),
        "last_10": (3, 25.0, 2, 1), "back_to_back": (1, 30.0, 1, 0), "rested": (1, 25.0, 1, 0),
    }
    record = {r["system_id"]: r for r in doc["record"]}
    assert (record["ensemble"]["wins"], record["ensemble"]["losses"], record["ensemble"]["voids"]) == (1, 1, 1)
    assert record["ensemble"]["pending"] == 1 and record["moving_average"]["predictions"] == 1
    assert doc["on_date"]["recommendation"] == "OVER" and doc["on_date"]["confidence"] == 0.4
    assert doc["status"]["state"] == "ok"


def test_players_index_keeps_other_players():
    existing = {"players": [{"player_lookup": "old", "name": "Old", "team": "X", "game_date": "2025-11-01", "path": "players/old.json"}]}
    new = {"player1": {"game_date": "2025-11-18", "player": {"name": "Player 1", "team": "BOS"}}}
    index = player_docs.build_players_index(existing, new, NOON_ET)
    validate_document("players_index", index)
    assert [(p["player_lookup"], p["game_date"]) for p in index["players"]] == [("old", "2025-11-01"), ("player1", "2025-11-18")]
    assert index["game_date"] == "2025-11-18"


def test_an_invalid_document_is_refused_with_a_clear_error_and_nothing_is_written(slate, tmp_path):
    doc = docs.build_tonight(D, *slate, now=NOON_ET)
    doc["games"][0]["players"][0]["p_over"] = 1.5
    del doc["status"]
    publisher = open_publisher(tmp_path / "publish")
    with pytest.raises(InvalidDocumentError) as failure:
        write_document(publisher, docs.tonight_path(D), "tonight", doc)
    message = str(failure.value)
    assert message.startswith("tonight document tonight/2025-11-18.json does not match tonight.schema.json: 2 error(s)")
    assert "at (document root): \"status\" is a required property" in message
    assert "at /games/0/players/0/p_over: 1.5 is greater than the maximum of 1" in message
    assert not (tmp_path / "publish").exists()


def test_the_status_block_cannot_call_stale_data_current(slate):
    doc = docs.build_tonight(D, *slate, now=dt.datetime(2025, 11, 20, tzinfo=UTC))
    doc["status"]["stale"] = False
    with pytest.raises(InvalidDocumentError, match="at /status/stale: true was expected"):
        validate_document("tonight", doc)


def test_schemas_ship_in_the_package_and_are_valid():
    for kind in KINDS:
        assert schema(kind)["$id"].endswith(f"/{kind}.schema.json")
        with pytest.raises(InvalidDocumentError, match='"schema_version" is a required property'):
            validate_document(kind, {})  # compiles the schema (meta-validated) and refuses an empty document


def test_local_publisher_writes_atomically_and_reads_back(tmp_path):
    publisher = open_publisher(tmp_path / "pub")
    assert isinstance(publisher.store, LocalStore)
    index = player_docs.build_players_index(None, {}, NOON_ET)
    location, size = write_document(publisher, docs.PLAYERS_INDEX_PATH, "players_index", index)
    assert location == str(tmp_path / "pub" / "players" / "index.json") and size == len(publisher.read_bytes(docs.PLAYERS_INDEX_PATH))
    assert read_document(publisher, docs.PLAYERS_INDEX_PATH) == index
    assert [p.name for p in (tmp_path / "pub" / "players").iterdir()] == ["index.json"]  # no temp files left
    assert read_document(publisher, "results/2020-01-01.json") is None


def test_gcs_publisher_on_the_emulator(emulator, monkeypatch, slate):  # noqa: F811
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", emulator)
    client = storage.Client(project="test", credentials=AnonymousCredentials())
    client.create_bucket("site-bucket")
    assert isinstance(open_publisher("gs://site-bucket/nba").store, GCSStore)
    publisher = Publisher(GCSStore.from_url("gs://site-bucket/nba", client=client))
    doc = docs.build_tonight(D, *slate, now=NOON_ET)
    location, size = write_document(publisher, docs.tonight_path(D), "tonight", doc)
    assert location == "gs://site-bucket/nba/tonight/2025-11-18.json"
    blob = client.bucket("site-bucket").get_blob("nba/tonight/2025-11-18.json")
    assert (blob.size, blob.content_type, blob.cache_control) == (size, "application/json", "public, max-age=60")
    assert read_document(publisher, docs.tonight_path(D)) == json.loads(json.dumps(doc))
    assert publisher.read_bytes("tonight/1999-01-01.json") is None


def test_page_lists_lined_players_escapes_names_and_loads_nothing_external(slate):
    schedule, predictions, features = slate
    predictions = predictions.with_columns(
        player_name=pl.when(pl.col("player_id") == 3).then(pl.lit("<script>alert(1)</script>")).otherwise("player_name")
    )
    tonight = docs.build_tonight(D, schedule, predictions, features, now=NOON_ET)
    systems = performance.build_systems(D, rows("system_daily_performance", [daily(D - dt.timedelta(days=1), "ensemble", 10, 4.0, 3, 2)]), schemas.empty("prediction_results"), NOON_ET)
    html = render_page(tonight, systems)
    # NO_LINE left out; most confident first, ties (0.4 and 0.4) by name ("<" sorts before "P").
    assert [p["player_lookup"] for p in table_rows(tonight)] == ["player3", "player1"]
    assert html.count("<tr") == 1 + 2
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "src=" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'id="chart-hit-rate"' in html and 'id="chart-mae"' in html and 'data-state="ok"' in html
