"""The whole graph over simulated days: row counts, off-days, pre-tip lines only, idempotent re-runs,
and the exports and page the runs publish (checked against their schemas and in headless chromium)."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from dagster._core.definitions.freshness import FreshnessState, FreshnessStateChange

from nba_platform import tables as schemas
from nba_platform.definitions import ALL_ASSETS
from nba_platform.landing import zone as lz
from nba_platform.publishing import SCHEMA_VERSION
from nba_platform.publishing import assets as publishing_assets
from nba_platform.publishing import best_bets as bets
from nba_platform.publishing import documents as docs
from nba_platform.publishing.assets import PUBLISHING_ASSETS
from nba_platform.publishing.page import COLUMNS as page_columns
from nba_platform.publishing.resource import PublisherResource
from nba_platform.publishing.validation import validate_document
from nba_platform.resources import local_resources
from nba_platform.simulator import simulate

from ..browser import serve_folder
from ..helpers import run_graph, table, table_hash

START, END = dt.date(2025, 11, 22), dt.date(2025, 12, 1)  # ten days around Thanksgiving (no games)
THANKSGIVING = dt.date(2025, 11, 27)


@pytest.fixture(scope="module")
def sim_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("sim")
    summary = simulate(root / "landing", seed=4, teams=10, games_per_team=50, played_through=END - dt.timedelta(days=1))
    warehouse = root / "warehouse.duckdb"
    run_graph(root / "landing", warehouse, START, END, chunk_days=10)
    return root / "landing", warehouse, summary


def _landed_rows(landing, kind_path, date):
    path = landing / kind_path(date.isoformat())
    if not path.exists():
        return []
    return json.loads(path.read_bytes())["resultSets"][0]["rowSet"]


def test_tables_have_the_rows_they_should(sim_run):
    landing, warehouse, summary = sim_run
    days = [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]
    pgs = table("player_game_summary", warehouse)
    for d in days:
        assert pgs.filter(pl.col("game_date") == d).height == len(_landed_rows(landing, lz.player_boxscores_path, d))
    schedule = table("raw_schedule", warehouse)
    assert schedule.filter(pl.col("game_date") == THANKSGIVING).height == 0
    assert set(schedule["game_date"]) == {d for d in summary.game_dates if START <= d <= END}
    played = schedule.filter(pl.col("game_status") == 3)
    assert table("team_game_summary", warehouse).height == 2 * played.height
    # The simulator logs every player, so team points are the sum of their players' points.
    tgs = table("team_game_summary", warehouse)
    sums = pgs.group_by("game_id", "team_id").agg(pl.col("points").sum().alias("p"))
    assert tgs.join(sums, on=["game_id", "team_id"]).filter(pl.col("points") != pl.col("p")).height == 0


def test_off_day_is_an_empty_partition_and_the_next_day_still_runs(sim_run):
    _, warehouse, _ = sim_run
    for name in schemas.TABLES:
        assert table(name, warehouse).filter(pl.col("game_date") == THANKSGIVING).height == 0
    after = table("ml_feature_store", warehouse).filter(pl.col("game_date") == THANKSGIVING + dt.timedelta(days=1))
    assert after.height > 0 and after["days_rest"].min() >= 1


def test_tonight_is_predicted_and_pending(sim_run):
    _, warehouse, _ = sim_run
    preds = table("player_prop_predictions", warehouse).filter(pl.col("game_date") == END)
    assert preds.height > 0 and preds["line"].null_count() < preds.height
    results = table("prediction_results", warehouse).filter(pl.col("game_date") == END)
    assert set(results["outcome"]) == {"PENDING"}


def test_predictions_never_use_in_game_lines(sim_run):
    _, warehouse, _ = sim_run
    lines = table("raw_prop_lines", warehouse)
    in_game = lines.filter(pl.col("snapshot_utc") >= pl.col("commence_time_utc"))
    assert in_game.height > 0  # the simulator's bait is in the raw table...
    preds = table("player_prop_predictions", warehouse).filter(pl.col("line").is_not_null())
    schedule = table("raw_schedule", warehouse).select("game_id", "tip_time_utc")
    joined = preds.join(schedule, on="game_id")
    assert (joined["line_snapshot_utc"] < joined["tip_time_utc"]).all()  # ...and never reaches a prediction


def test_single_run_range_equals_day_by_day_runs(sim_run, tmp_path):
    landing, warehouse, _ = sim_run
    day_by_day = tmp_path / "daily.duckdb"
    run_graph(landing, day_by_day, START, END, chunk_days=1)
    for name in schemas.TABLES:
        assert table_hash(name, day_by_day) == table_hash(name, warehouse), name


def test_rerunning_a_range_changes_nothing(sim_run):
    landing, warehouse, _ = sim_run
    before = {t: table_hash(t, warehouse) for t in schemas.TABLES}
    run_graph(landing, warehouse, START, END, chunk_days=3)  # other chunking, same result
    assert {t: table_hash(t, warehouse) for t in schemas.TABLES} == before


# ---- Publishing: the exports and the page the same runs wrote beside the warehouse ----------------

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _published(warehouse: Path) -> Path:
    return warehouse.parent / "publish"


def _read(path: Path) -> dict:
    return json.loads(path.read_bytes())


def test_exports_exist_for_every_date_match_their_schemas_and_the_tables(sim_run):
    _, warehouse, _ = sim_run
    pub = _published(warehouse)
    days = [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]
    for d in days:  # off-days (Thanksgiving) too: an empty slate is still a document
        for rel in (docs.tonight_path(d), docs.results_path(d), docs.page_path(d)):
            assert (pub / rel).is_file(), rel
    documents = {p.relative_to(pub).as_posix(): _read(p) for p in pub.rglob("*.json")}
    for rel, doc in documents.items():
        validate_document(doc["document"], doc, where=rel)  # the real exports against their schemas
        assert doc["schema_version"] == SCHEMA_VERSION and doc["status"]["state"] in ("ok", "pending", "warn", "stale", "failing")
    index = documents[docs.PLAYERS_INDEX_PATH]
    players = {rel for rel in documents if rel.startswith("players/") and rel != docs.PLAYERS_INDEX_PATH}
    assert {e["path"] for e in index["players"]} == players
    assert all(documents[e["path"]]["game_date"] == e["game_date"] for e in index["players"])

    tonight = documents[docs.tonight_path(END)]
    preds = table("player_prop_predictions", warehouse).filter(pl.col("game_date") == END)
    published = preds.filter(pl.col("system_id") == "ensemble")
    assert tonight["summary"]["players"] == published.height > 0
    assert tonight["summary"]["games"] == table("raw_schedule", warehouse).filter(pl.col("game_date") == END).height
    assert tonight["summary"]["lined_players"] == published["line"].drop_nulls().len()
    assert {s for g in tonight["games"] for p in g["players"] for s in p["systems"]} == set(preds["system_id"])
    # Every game of tonight is still to be played and the date is long past: not current.
    assert tonight["status"]["stale"] and "in the past" in tonight["status"]["reasons"][0]

    graded_day = END - dt.timedelta(days=1)
    results = documents[docs.results_path(graded_day)]
    graded = table("prediction_results", warehouse).filter((pl.col("game_date") == graded_day) & (pl.col("system_id") == "ensemble"))
    assert results["summary"]["wins"] == (graded["outcome"] == "HIT").sum()
    assert results["summary"]["losses"] == (graded["outcome"] == "MISS").sum()
    assert results["games_pending"] == 0 and results["status"]["state"] == "ok"
    systems = documents[docs.SYSTEMS_PATH]
    assert systems["game_date"] == END.isoformat() and systems["as_of"] == graded_day.isoformat()


def test_exports_read_freshness_from_the_instance_and_never_replace_newer_documents(sim_run, tmp_path, monkeypatch):
    landing, warehouse, _ = sim_run
    out = tmp_path / "publish"
    resources = {**local_resources(str(landing), str(warehouse)), "publisher": PublisherResource(location=str(out))}
    # 11:00 ET on the last date: tonight's picks are current, unless a freshness policy says otherwise.
    monkeypatch.setattr(publishing_assets, "_now", lambda: dt.datetime.combine(END, dt.time(16), dt.UTC))
    with dg.instance_for_test() as instance:
        instance.report_runless_asset_event(
            FreshnessStateChange(
                key=dg.AssetKey("player_prop_predictions"),
                new_state=FreshnessState.FAIL,
                previous_state=FreshnessState.PASS,
                state_change_timestamp=time.time(),
            )
        )
        result = dg.materialize(
            ALL_ASSETS, selection=PUBLISHING_ASSETS, resources=resources, instance=instance, partition_key=END.isoformat()
        )
        assert result.success
        tonight_path = out / docs.tonight_path(END)
        status = _read(tonight_path)["status"]
        assert status["state"] == "failing" and status["stale"] is True
        assert status["reasons"][0].startswith("freshness policy of player_prop_predictions is failing since ")
        assert {"asset": "player_prop_predictions", "state": "FAIL"}.items() <= status["freshness"]["assets"][0].items()
        meta = result.asset_materializations_for_node("exports_tonight")[0].metadata
        assert meta["path"].value == str(tonight_path) and meta["bytes"].value == tonight_path.stat().st_size
        assert meta["players"].value == _read(tonight_path)["summary"]["players"]

        index_before = _read(out / docs.PLAYERS_INDEX_PATH)
        older = START + dt.timedelta(days=1)
        result = dg.materialize(
            ALL_ASSETS, selection=PUBLISHING_ASSETS, resources=resources, instance=instance, partition_key=older.isoformat()
        )
        assert result.success
    assert _read(out / docs.SYSTEMS_PATH)["game_date"] == END.isoformat()  # not replaced by the older date's
    index_after = {e["player_lookup"]: e for e in _read(out / docs.PLAYERS_INDEX_PATH)["players"]}
    for entry in index_before["players"]:  # players published as of the last date stay as of it
        assert index_after[entry["player_lookup"]]["game_date"] == END.isoformat()
        assert _read(out / entry["path"])["game_date"] == END.isoformat()
    skipped = result.asset_materializations_for_node("exports_players")[0].metadata["skipped_newer_published"].value
    written_older = [e for e in index_after.values() if e["game_date"] == older.isoformat()]
    assert skipped > 0 and written_older  # both kinds exist on this slate
    assert (out / docs.tonight_path(older)).is_file() and (out / docs.page_path(older)).is_file()


def test_page_is_built_from_the_published_documents_and_names_a_missing_one(sim_run, tmp_path):
    landing, warehouse, _ = sim_run
    out = tmp_path / "publish"
    resources = {**local_resources(str(landing), str(warehouse)), "publisher": PublisherResource(location=str(out))}
    page_only = [a for a in PUBLISHING_ASSETS if a.key == dg.AssetKey("exports_page")]
    with dg.instance_for_test() as instance:
        def page_run():
            return dg.materialize(
                ALL_ASSETS, selection=page_only, resources=resources, instance=instance,
                partition_key=END.isoformat(), raise_on_error=False,
            )

        result = page_run()  # nothing published yet
        assert not result.success and not (out / docs.page_path(END)).exists()
        error = result.get_step_failure_events()[0].step_failure_data.error
        message = error.cause.message if error.cause else error.message
        assert f"tonight/{END}.json is not published (or not JSON): materialize exports_tonight for {END} before exports_page" in message

        assert dg.materialize(
            ALL_ASSETS, selection=PUBLISHING_ASSETS, resources=resources, instance=instance, partition_key=END.isoformat()
        ).success
        tonight_path = out / docs.tonight_path(END)
        tonight = _read(tonight_path)
        player = next(p for g in tonight["games"] for p in g["players"] if p["line"] is not None)
        assert player["name"] in (out / docs.page_path(END)).read_text()
        player["name"] = "Published Name Marker"  # the page shows what the document says, not a rebuild
        tonight_path.write_text(json.dumps(tonight))
        assert page_run().success
        assert "Published Name Marker" in (out / docs.page_path(END)).read_text()


@pytest.mark.browser
def test_page_in_headless_chromium_shows_best_bets_charts_and_sorts_without_errors(sim_run, page):
    """Playwright (pytest-playwright's `page`) on Debian's chromium: the page the graph published."""
    _, warehouse, _ = sim_run
    pub = _published(warehouse)
    tonight = _read(pub / docs.tonight_path(END))
    card = _read(pub / bets.best_bets_path(END))
    systems = _read(pub / docs.SYSTEMS_PATH)
    expected = sum(p["line"] is not None for g in tonight["games"] for p in g["players"])
    assert expected >= 10
    col = {name: i for i, (name, _) in enumerate(page_columns)}
    problems, requests = [], []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type in ("error", "assert") else None)
    page.on("pageerror", lambda e: problems.append(f"exception: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("request", lambda r: requests.append(r.url))

    def column(name):
        return page.eval_on_selector_all(
            "#picks tbody tr", f"rows => rows.map(r => r.cells[{col[name]}].getAttribute('data-value') ?? r.cells[{col[name]}].textContent)"
        )

    with serve_folder(pub / "site") as base:
        page.goto(f"{base}/{END.isoformat()}.html")
        # The best-bets card is the first thing under the status line, above the props table.
        section = page.locator("#best-bets")
        assert section.is_visible()
        assert section.bounding_box()["y"] < page.locator("#picks").bounding_box()["y"]
        items = section.locator("li")
        assert items.count() == len(card["picks"]) == int(section.get_attribute("data-picks"))
        if card["picks"]:
            for i, pick in enumerate(card["picks"]):
                assert pick["name"] in items.nth(i).inner_text() and pick["recommendation"] in items.nth(i).inner_text()
        else:
            assert section.locator("p.empty").inner_text() == card["message"]

        # Charts: one line per system over the daily records, the break-even, the calibration diagonal.
        n_systems = len(systems["systems"])
        daily_points = sum(1 for s in systems["systems"] for d in s["daily"] if d["mae"] is not None)
        for chart_id in ("chart-daily-mae", "chart-daily-hit-rate", "chart-calibration"):
            chart = page.locator(f"#{chart_id}")
            box = chart.bounding_box()
            assert chart.is_visible() and box["width"] > 250 and box["height"] > 200, chart_id
            assert chart.locator("g.series").count() == (len(systems["calibration"]["systems"]) if chart_id == "chart-calibration" else n_systems)
        assert page.locator("#chart-daily-mae circle").count() == daily_points > 0
        assert page.locator("#chart-daily-hit-rate line.reference").count() == 1
        assert page.locator("#chart-calibration line.reference").count() == 1
        buckets = sum(len(s["buckets"]) for s in systems["calibration"]["systems"])
        assert page.locator("#chart-calibration circle").count() == buckets > 0
        assert page.locator("#chart-hit-rate rect, #chart-mae rect").count() == 4 * n_systems
        tooltip = page.locator("#chart-daily-mae circle title").first.text_content()
        assert tooltip.startswith(systems["systems"][0]["system_id"] + " ")

        # The table: as rendered most confident first; a click sorts by the column, again reverses.
        assert page.locator("#picks tbody tr").count() == expected
        conf = [float(v) if v else -1.0 for v in column("Conf")]  # blank: ruled out, listed last
        assert conf == sorted(conf, reverse=True)
        page.click(f"#picks th:nth-child({col['Pred'] + 1})")
        pred = [float(v) for v in column("Pred")]
        assert pred == sorted(pred) and pred != conf
        assert page.locator("#picks th").nth(col["Pred"]).get_attribute("aria-sort") == "ascending"
        page.click(f"#picks th:nth-child({col['Pred'] + 1})")
        assert [float(v) for v in column("Pred")] == sorted(pred, reverse=True)
        page.click(f"#picks th:nth-child({col['Player'] + 1})")
        names = column("Player")
        assert names == sorted(names, key=str.lower) and len(names) == expected
        assert page.locator("#sorted-by").text_content() == "Player (ascending)"

        assert problems == []
        assert requests and all(url.startswith(base) or url.startswith("data:") for url in requests)
        ARTIFACTS.mkdir(exist_ok=True)
        shot = page.screenshot(path=ARTIFACTS / f"page_{END.isoformat()}.png", full_page=True)
        assert len(shot) > 10_000
        page.evaluate("console.error('probe')")  # the listener is live: the empty list above means something
        assert problems == ["console: probe"]
