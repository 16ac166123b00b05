"""Phase 6: the exports. Files in the publish location, not warehouse tables: each asset writes its
documents through the `publisher` resource and returns only metadata (paths, bytes, counts).

Every asset is `game_date`-partitioned and single-run backfillable: a range run writes each date's
documents in one pass. Documents are built by `nba_platform.publishing.documents`, validated against
their JSON Schema and written atomically; an invalid document fails the step and nothing is written.
"""


import datetime as dt
from collections.abc import Sequence
from typing import Any

import dagster as dg
import polars as pl

from nba_platform import policies
from nba_platform.core.partitions import game_date_partitions
from nba_platform.publishing import best_bets as bets
from nba_platform.publishing import documents as docs
from nba_platform.publishing import performance
from nba_platform.publishing import players as player_docs
from nba_platform.publishing.page import render_page, table_rows
from nba_platform.publishing.publisher import HTML_TYPE, Publisher, read_document, write_document
from nba_platform.publishing.resource import PublisherResource
from nba_platform.publishing.status import FreshnessReading
from nba_platform.table_assets import partition_dates, window_mapping

GROUP = "publishing"

# Season to date (a season spans at most ~11 months), the date itself included.
SEASON_WINDOW = window_mapping(start_offset=-366, end_offset=0)
# The calibration of the systems' document and page: the graded rows of the last 30 days, the date included.
CALIBRATION_WINDOW = window_mapping(start_offset=-(performance.SYSTEM_DAILY_DAYS - 1), end_offset=0)


def _spec(name: str, description: str, kind: str = "json") -> dict[str, Any]:
    """Decorator arguments of an export; its deadline and automation are in policies.py."""
    return {
        "name": name,
        "group_name": GROUP,
        "description": description,
        "partitions_def": game_date_partitions,
        "backfill_policy": dg.BackfillPolicy.single_run(),
        # Inputs come through the warehouse IO manager (a DuckDB connection): the writers' pool.
        "pool": policies.warehouse_pool(),
        "retry_policy": policies.WAREHOUSE_RETRY,
        "kinds": {kind},
    }


def read_freshness(context: dg.AssetExecutionContext, watched: Sequence[str]) -> list[FreshnessReading] | None:
    """The freshness state the instance records for this asset and the inputs it vouches for.

    None (reported as `freshness.checked: false`) when the instance cannot say: a status must never
    fail an export, so any error here is logged and the document goes out without it."""
    keys = [context.asset_key, *(dg.AssetKey(name) for name in watched)]
    try:
        records = context.instance.get_freshness_state_records(keys)
    except Exception as exc:  # noqa: BLE001 - advisory input; the reason is logged
        context.log.warning(f"freshness state unavailable ({type(exc).__name__}: {exc}); documents say checked=false")
        return None
    return [
        FreshnessReading(key.to_user_string(), record.freshness_state.value, record.updated_at)
        for key, record in sorted(records.items(), key=lambda kv: kv[0].to_user_string())
    ]


def _files_metadata(written: list[tuple[str, int]], **counts: Any) -> dict[str, Any]:
    return {
        "path": written[-1][0] if written else None,
        "files": len(written),
        "bytes": sum(size for _, size in written),
        "written": dg.MetadataValue.json([{"path": p, "bytes": b} for p, b in written[:20]]),
        **counts,
    }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# What tonight's picks vouch for besides themselves: the predictions, their features, the lines, the schedule.
TONIGHT_WATCHES = ("player_prop_predictions", "ml_feature_store", "raw_prop_lines", "raw_schedule")


# ----------------------------------------------------------------------------------------------


@dg.asset(
    **_spec(
        "exports_tonight",
        "tonight/{date}.json: every game with its players, line and prices, every system's predicted points, "
        "the published system's P(over), pick and confidence, and rest/form context.",
    )
)
def exports_tonight(
    context: dg.AssetExecutionContext,
    publisher: PublisherResource,
    player_prop_predictions: pl.DataFrame,
    ml_feature_store: pl.DataFrame,
    raw_schedule: pl.DataFrame,
) -> dg.MaterializeResult:
    out, freshness = publisher.publisher(), read_freshness(context, TONIGHT_WATCHES)
    written, players, picks, states = [], 0, 0, {}
    for day in partition_dates(context):
        doc = docs.build_tonight(day, raw_schedule, player_prop_predictions, ml_feature_store, _now(), freshness)
        written.append(write_document(out, docs.tonight_path(day), "tonight", doc))
        recs, state = doc["summary"]["recommendations"], doc["status"]["state"]
        players, picks = players + doc["summary"]["players"], picks + recs["OVER"] + recs["UNDER"]
        states[state] = states.get(state, 0) + 1
        context.log.info(f"{written[-1][0]}: {written[-1][1]} bytes, status {state}")
    return dg.MaterializeResult(
        metadata=_files_metadata(written, players=players, picks=picks, status=dg.MetadataValue.json(states))
    )


@dg.asset(
    **_spec(
        "exports_results",
        "results/{date}.json: the published system's graded picks with wins, losses, pushes, hit rate, ROI, MAE, "
        "share within 3 points, and breakdowns by system, recommendation and confidence bucket.",
    )
)
def exports_results(
    context: dg.AssetExecutionContext,
    publisher: PublisherResource,
    prediction_results: pl.DataFrame,
    player_prop_predictions: pl.DataFrame,
) -> dg.MaterializeResult:
    out, freshness = publisher.publisher(), read_freshness(context, ("prediction_results",))
    written, picks, states = [], 0, {}
    for day in partition_dates(context):
        doc = docs.build_results(day, prediction_results, player_prop_predictions, _now(), freshness)
        written.append(write_document(out, docs.results_path(day), "results", doc))
        picks += len(doc["picks"])
        states[doc["status"]["state"]] = states.get(doc["status"]["state"], 0) + 1
    return dg.MaterializeResult(metadata=_files_metadata(written, picks=picks, status=dg.MetadataValue.json(states)))


@dg.asset(
    **_spec(
        "exports_players",
        "players/{player_lookup}.json for everyone who played or was predicted on the date: last 10 games "
        "with predictions vs actuals, season splits, each system's record on him; players/index.json lists them.",
    ),
    ins={
        "player_game_summary": dg.AssetIn("player_game_summary", partition_mapping=SEASON_WINDOW),
        "prediction_results": dg.AssetIn("prediction_results", partition_mapping=SEASON_WINDOW),
    },
)
def exports_players(
    context: dg.AssetExecutionContext,
    publisher: PublisherResource,
    player_game_summary: pl.DataFrame,
    prediction_results: pl.DataFrame,
    player_prop_predictions: pl.DataFrame,
) -> dg.MaterializeResult:
    out, freshness = publisher.publisher(), read_freshness(context, ("prediction_results", "player_game_summary"))
    index = read_document(out, docs.PLAYERS_INDEX_PATH)
    published_dates = {e["player_lookup"]: e["game_date"] for e in (index or {}).get("players", [])}
    days = partition_dates(context)
    # Each player's document is as of his latest date in the range; a newer one already published
    # (a backfill of older dates) is left alone.
    latest: dict[str, dt.date] = {}
    for day in days:
        for lookup in player_docs.players_on(day, player_game_summary, prediction_results):
            latest[lookup] = day
    written, built, skipped = [], {}, 0
    for day in days:
        wanted = [k for k, d in latest.items() if d == day and published_dates.get(k, "") <= day.isoformat()]
        skipped += sum(1 for d in latest.values() if d == day) - len(wanted)
        if not wanted:
            continue
        documents = player_docs.build_players(
            day, player_game_summary, prediction_results, player_prop_predictions, _now(), freshness, only=wanted
        )
        for lookup, doc in documents.items():
            written.append(write_document(out, docs.player_path(lookup), "player", doc))
        built.update(documents)
    index_doc = player_docs.build_players_index(index, built, _now())
    written.append(write_document(out, docs.PLAYERS_INDEX_PATH, "players_index", index_doc))
    return dg.MaterializeResult(
        metadata=_files_metadata(
            written, players=len(built), skipped_newer_published=skipped, index_players=len(index_doc["players"])
        )
    )


@dg.asset(
    **_spec(
        "exports_systems",
        "systems/performance.json: each system's last 7 and 30 days and season (MAE, bias, hit rate, ROI, Brier), "
        "its daily record and the calibration of its P(over) over 30 days, as of the latest date run (an older date "
        "never replaces a newer document).",
    ),
    ins={
        "system_daily_performance": dg.AssetIn("system_daily_performance", partition_mapping=SEASON_WINDOW),
        "prediction_results": dg.AssetIn("prediction_results", partition_mapping=CALIBRATION_WINDOW),
    },
)
def exports_systems(
    context: dg.AssetExecutionContext,
    publisher: PublisherResource,
    system_daily_performance: pl.DataFrame,
    prediction_results: pl.DataFrame,
) -> dg.MaterializeResult:
    out, freshness = publisher.publisher(), read_freshness(context, ("system_daily_performance", "prediction_results"))
    day = partition_dates(context)[-1]
    current = read_document(out, docs.SYSTEMS_PATH)
    if current is not None and current.get("game_date", "") > day.isoformat():
        context.log.info(f"{docs.SYSTEMS_PATH} is as of {current['game_date']}, newer than {day}: left alone")
        return dg.MaterializeResult(metadata={"path": out.describe(docs.SYSTEMS_PATH), "skipped_newer_published": True})
    doc = performance.build_systems(day, system_daily_performance, prediction_results, _now(), freshness)
    written = [write_document(out, docs.SYSTEMS_PATH, "systems_performance", doc)]
    return dg.MaterializeResult(
        metadata=_files_metadata(written, systems=len(doc["systems"]), as_of=doc["as_of"], status=doc["status"]["state"])
    )


class UnpublishedDocumentError(RuntimeError):
    """The page of a date whose tonight or best-bets document is not published."""


def published(out: Publisher, relpath: str, asset: str, day: dt.date) -> dict[str, Any]:
    """A document the page is built from; its asset writes it earlier in the same run (a dependency)."""
    doc = read_document(out, relpath)
    if doc is None:
        raise UnpublishedDocumentError(
            f"{out.describe(relpath)} is not published (or not JSON): materialize {asset} for {day} before exports_page"
        )
    return doc


@dg.asset(
    **_spec(
        "exports_page",
        "site/{date}.html: a self-contained page (inline CSS/JS/SVG, Jinja2 templates) with the date's best bets "
        "first, its props as a sortable table, each system's recent and daily hit rate and MAE and a calibration "
        "chart; built from the published tonight and best-bets documents and the systems' records.",
        kind="html",
    ),
    deps=["exports_tonight", "exports_systems", "exports_best_bets"],
    ins={
        "system_daily_performance": dg.AssetIn("system_daily_performance", partition_mapping=SEASON_WINDOW),
        "prediction_results": dg.AssetIn("prediction_results", partition_mapping=CALIBRATION_WINDOW),
    },
)
def exports_page(
    context: dg.AssetExecutionContext,
    publisher: PublisherResource,
    system_daily_performance: pl.DataFrame,
    prediction_results: pl.DataFrame,
) -> dg.MaterializeResult:
    # The tonight and best-bets documents are read back rather than rebuilt: the page shows exactly what
    # the JSON says (its status banner is tonight's), and a range run builds each document once.
    out = publisher.publisher()
    written, rows, best = [], 0, 0
    for day in partition_dates(context):
        tonight = published(out, docs.tonight_path(day), "exports_tonight", day)
        card = published(out, bets.best_bets_path(day), "exports_best_bets", day)
        systems = performance.build_systems(day, system_daily_performance, prediction_results, _now())
        html = render_page(tonight, systems, card).encode("utf-8")
        written.append((out.write_bytes(docs.page_path(day), html, HTML_TYPE), len(html)))
        rows, best = rows + len(table_rows(tonight)), best + len(card["picks"])
    return dg.MaterializeResult(metadata=_files_metadata(written, table_rows=rows, best_bets=best))


@dg.asset(
    **_spec(
        "exports_best_bets",
        "best_bets/{date}.json: the day's strongest picks of the published system, ranked by expected profit at "
        "the real price; a pick enters only when its calibrated probability beats the break-even of its price "
        "(and edge, books and agreement tests pass); never filled to a quota. Graded once the date's results exist.",
    )
)
def exports_best_bets(
    context: dg.AssetExecutionContext,
    publisher: PublisherResource,
    player_prop_predictions: pl.DataFrame,
    prediction_results: pl.DataFrame,
    raw_schedule: pl.DataFrame,
) -> dg.MaterializeResult:
    out, freshness = publisher.publisher(), read_freshness(context, ("player_prop_predictions", "prediction_results"))
    written, picks, graded = [], 0, 0
    for day in partition_dates(context):
        doc = bets.build_best_bets(day, player_prop_predictions, prediction_results, raw_schedule, _now(), freshness)
        written.append(write_document(out, bets.best_bets_path(day), "best_bets", doc))
        picks += doc["summary"]["picks"]
        graded += doc["summary"]["picks"] - doc["summary"]["pending"]
        context.log.info(f"{written[-1][0]}: {doc['summary']['picks']} best bets of {doc['summary']['considered']} picks")
    return dg.MaterializeResult(metadata=_files_metadata(written, best_bets=picks, graded=graded))


PUBLISHING_ASSETS = [exports_tonight, exports_results, exports_players, exports_systems, exports_best_bets, exports_page]
