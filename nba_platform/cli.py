"""`nba-platform`: simulate a league, run the demo, scrape the live sources, backfill a range of dates,
create the production BigQuery warehouse (`bq-init`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import shutil
import sys
import time
import warnings
from pathlib import Path

import polars as pl

from nba_platform.core.settings import (
    PlatformEnvError,
    ProdSettings,
    configure_openmp,
    default_landing_dir,
    default_publish_location,
    default_warehouse_path,
    platform_home,
)
from nba_platform.core.warehouse.read import read_table
from nba_platform.predictions.systems import ENSEMBLE
from nba_platform.runner import (
    ChunkReport,
    Interrupted,
    RunFailed,
    install_stop_handlers,
    materialize_range,
)

DEMO_SEASON = "2025-26"
DEMO_WEEKS = 4


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value}") from exc


def _quiet_dagster() -> None:
    # The CLI reports progress itself; Dagster's per-step debug lines would bury it.
    logging.getLogger("dagster").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", module="dagster")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def _progress(report: ChunkReport, out=None) -> None:
    rows = report.rows
    print(
        f"  {report.start}..{report.end}  {report.seconds:5.1f}s  "
        f"games {rows.get('team_game_summary', 0) // 2:>4}  player rows {rows.get('player_game_summary', 0):>5}  "
        f"lines {rows.get('raw_prop_lines', 0):>6}  features {rows.get('ml_feature_store', 0):>5}  "
        f"predictions {rows.get('player_prop_predictions', 0):>5}",
        flush=True,
        file=out or sys.stdout,
    )


def picks_table(game_date: dt.date, warehouse: str, system_id: str = ENSEMBLE, limit: int = 25) -> pl.DataFrame:
    """The date's OVER/UNDER picks of one system, most confident first."""
    preds = read_table("player_prop_predictions", warehouse, where=f"where game_date = DATE '{game_date}'")
    return (
        preds.filter(pl.col("recommendation").is_in(["OVER", "UNDER"]) & (pl.col("system_id") == system_id))
        .sort("confidence", descending=True)
        .select(
            "player_name",
            pl.col("team_abbr").alias("team"),
            pl.col("opponent_team_abbr").alias("opp"),
            "line",
            pl.col("predicted_points").round(1).alias("predicted"),
            pl.col("p_over").round(3),
            pl.col("edge").round(1),
            "recommendation",
            pl.col("confidence").round(2),
        )
        .head(limit)
    )


def _print_picks(game_date: dt.date, warehouse: str) -> None:
    table = picks_table(game_date, warehouse)
    preds = read_table("player_prop_predictions", warehouse, where=f"where game_date = DATE '{game_date}'")
    ensemble = preds.filter(pl.col("system_id") == ENSEMBLE)
    counts = dict(ensemble.group_by("recommendation").len().sort("recommendation").iter_rows())
    print(
        f"\nPicks for {game_date} from the {ENSEMBLE} system ({ensemble.height} players: {counts}; "
        f"model {ensemble['model_version'].first()}; {preds['system_id'].n_unique()} systems in player_prop_predictions)"
    )
    with pl.Config(tbl_rows=50, tbl_cols=12, tbl_width_chars=140, tbl_hide_dataframe_shape=True):
        print(table if table.height else "(no OVER/UNDER picks)")


def _print_exports(game_date: dt.date, warehouse: str) -> None:
    """Where the date's exports and page are, with their sizes (read back through the publisher)."""
    import json as _json

    from nba_platform.publishing import documents as docs
    from nba_platform.publishing.publisher import open_publisher

    location = default_publish_location(warehouse)
    publisher = open_publisher(location)
    print(f"\nExports for {game_date} in {location}:")
    for rel in (docs.tonight_path(game_date), docs.results_path(game_date), docs.SYSTEMS_PATH, docs.PLAYERS_INDEX_PATH):
        data = publisher.read_bytes(rel)
        if data is None:
            print(f"  {rel:<28} missing")
            continue
        doc = _json.loads(data)
        detail = ""
        if doc["document"] == "tonight":
            detail = f"  {doc['summary']['games']} games, {doc['summary']['players']} players"
        elif doc["document"] == "players_index":
            detail = f"  {len(doc['players'])} player documents in players/"
        print(f"  {rel:<28} {len(data):>8} bytes  status {doc['status']['state']}{detail}")
        if doc["document"] == "tonight" and doc["status"]["reasons"]:
            print(f"  {'':<28} {'':>8}        ({'; '.join(doc['status']['reasons'])})")
    page = docs.page_path(game_date)
    print(f"  {page:<28} open {publisher.describe(page)} in a browser")


def cmd_simulate(args: argparse.Namespace) -> int:
    from nba_platform.simulator import simulate

    began = time.perf_counter()
    summary = simulate(args.out, seed=args.seed, teams=args.teams, seasons=args.seasons)
    print(
        f"simulated {', '.join(summary.seasons)}: {summary.games} games, {summary.player_rows} player rows, "
        f"{summary.files_written} files in {args.out} ({time.perf_counter() - began:.1f}s)"
    )
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    from nba_platform.core.settings import is_prod
    from nba_platform.resources import prod_resources

    _quiet_dagster()
    landing = args.landing or default_landing_dir()
    if not landing.startswith("gs://") and not Path(landing).is_dir():
        print(f"landing folder {landing} does not exist", file=sys.stderr)
        return 2
    resources, target = None, default_warehouse_path()
    if is_prod():  # NBA_PLATFORM_ENV=prod: BigQuery tables, bundles on GCS
        resources, target = prod_resources(landing_dir=landing), f"BigQuery project {ProdSettings.from_env().project}"
    print(f"backfill {args.start}..{args.end} from {landing} into {target}")
    began = time.perf_counter()
    materialize_range(args.start, args.end, landing, chunk_days=args.chunk_days, on_chunk=_progress, resources=resources)
    print(f"done in {time.perf_counter() - began:.1f}s")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from nba_platform.simulator import simulate

    _quiet_dagster()
    home = platform_home()
    landing = home / "landing"
    first = dt.date(int(DEMO_SEASON[:4]), 10, 21)
    last = first + dt.timedelta(weeks=DEMO_WEEKS)
    began = time.perf_counter()
    # "Tonight" is the last demo date: its games are scheduled, lines are posted, no results yet.
    summary = simulate(landing, seed=args.seed, last_season=DEMO_SEASON, played_through=last - dt.timedelta(days=1))
    print(f"simulated {summary.games} games of {DEMO_SEASON} into {landing} ({time.perf_counter() - began:.1f}s)")
    tonight = next((d for d in summary.game_dates if d >= last), None)
    if tonight is None:
        print("the simulated season has no game on or after the demo's last date", file=sys.stderr)
        return 1
    print(f"materializing every asset for {summary.first_date}..{tonight} into {default_warehouse_path()}")
    materialize_range(summary.first_date, tonight, str(landing), on_chunk=_progress)
    _print_picks(tonight, default_warehouse_path())
    _print_exports(tonight, default_warehouse_path())
    print(f"\ndemo done in {time.perf_counter() - began:.1f}s; open the UI with `make dev`")
    return 0


def cmd_scrape(args: argparse.Namespace) -> int:
    """Scrape sources for one date or a range into a landing zone; exit 1 with a one-line reason on failure."""
    from nba_platform.core.calendar import date_range
    from nba_platform.landing.zone import open_landing
    from nba_platform.scrape.errors import CircuitOpenError, ConfigError, HTTPStatusError, ScrapeError
    from nba_platform.scrape.resources import scrape_resources
    from nba_platform.scrape.run import SOURCES, Scraper

    if (args.date is None) == (args.start is None and args.end is None) or (args.start is None) != (args.end is None):
        print("scrape: give --date D, or --start A and --end B", file=sys.stderr)
        return 2
    dates = [args.date] if args.date else date_range(args.start, args.end)
    if not dates:
        print(f"scrape: --start {args.start} is after --end {args.end}", file=sys.stderr)
        return 2
    # Log lines (retries, quarantines) go to stdout between the progress lines; stderr gets the one-line reason.
    logging.basicConfig(
        stream=sys.stdout, level=logging.INFO if args.verbose else logging.WARNING, format="  %(levelname)s %(message)s"
    )
    if not args.verbose:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines (key redacted) only with -v
    location = args.landing or default_landing_dir()
    sources = [args.source] if args.source else list(SOURCES)
    # The same scraper resources as the code location's scrape jobs (configured from the environment).
    scraper = Scraper(open_landing(location), resources=scrape_resources())
    print(f"scrape {', '.join(sources)} for {dates[0]}..{dates[-1]} into {location}", flush=True)
    failures: list[str] = []
    stopped: dict[str, str] = {}  # source -> why the rest of its dates are not tried
    began = time.perf_counter()
    try:
        for i, day in enumerate(dates, 1):
            for source in sources:
                prefix = f"[{i}/{len(dates)}] {day} {source}:"
                if source in stopped:
                    print(f"{prefix} not tried ({stopped[source]})", flush=True)
                    continue
                try:
                    report = scraper.run(source, day)
                except ScrapeError as exc:
                    failures.append(exc.one_line())
                    print(f"{prefix} FAILED {exc.one_line()}", flush=True)
                    # A bad or missing key, a refused client or an open circuit fails every date alike.
                    refused = isinstance(exc, HTTPStatusError) and exc.status in (401, 403)
                    if refused or isinstance(exc, (CircuitOpenError, ConfigError)):
                        stopped[source] = exc.reason
                    continue
                print(f"{prefix} {report.summary()}", flush=True)
    finally:
        scraper.close()
    print(f"done in {time.perf_counter() - began:.1f}s: {len(failures)} failed", flush=True)
    if failures:
        more = f" (and {len(failures) - 1} more above)" if len(failures) > 1 else ""
        print(f"scrape failed: {failures[0]}{more}", file=sys.stderr)
        return 1
    return 0


def cmd_bq_init(args: argparse.Namespace) -> int:
    """Create the BigQuery datasets and tables from the generated DDL (idempotent; NBA_PLATFORM_ENV=prod settings)."""
    from nba_platform.core.warehouse.bigquery import JobLimits, init_warehouse, make_bigquery_client

    settings = ProdSettings.from_env()
    client = make_bigquery_client(settings.project, settings.location)
    try:
        report = init_warehouse(
            client,
            settings.project,
            settings.location,
            JobLimits(settings.maximum_bytes_billed, settings.job_timeout_s),
            settings.dataset_prefix,
        )
    finally:
        client.close()
    print(f"datasets in {settings.project} ({settings.location}): {', '.join(report.datasets)}")
    print(f"tables ({len(report.tables)}): {', '.join(t.split('.', 1)[1] for t in report.tables)}")
    print(f"columns added: {', '.join(report.added_columns) or 'none'}")
    return 0


def _earliest_box_score_date(landing: str) -> dt.date | None:
    folders = sorted(p.name for p in (Path(landing) / "nba_stats" / "player_boxscores").glob("????-??-??"))
    return dt.date.fromisoformat(folders[0]) if folders else None


def _print_evaluation(report: dict) -> None:
    print(f"\nWalk-forward evaluation {report['start']}..{report['end']}: {report['rows']} rows "
          f"({report['rows_with_line']} with a line) of {report['played_rows']} played player-games")
    lined = report["mae_on_lined_rows"]
    print(f"{'system':<22}{'MAE all':>9}{'MAE lined':>11}{'picks':>7}{'hit rate':>10}{'95% CI':>16}{'ROI':>8}{'Brier':>8}")
    for name, mae in report["mae"].items():
        bet = report["betting"].get(name, {})
        ci = bet.get("hit_rate_95ci")
        print(
            f"{name:<22}{mae if mae is not None else float('nan'):>9.3f}{lined.get(name) or float('nan'):>11.3f}"
            f"{bet.get('picks', ''):>7}{(bet.get('hit_rate') or float('nan')) if bet else float('nan'):>10.3f}"
            f"{(f'{ci[0]:.3f}-{ci[1]:.3f}' if ci else ''):>16}{(bet.get('roi') or float('nan')) if bet else float('nan'):>8.3f}"
            f"{report['brier'].get(name) or float('nan'):>8.3f}"
        )
    print(f"{'line':<22}{'':>9}{lined.get('line') or float('nan'):>11.3f}")


def cmd_evaluate(args: argparse.Namespace) -> int:
    from nba_platform.grading.evaluation import evaluate

    _quiet_dagster()
    out = sys.stderr if args.json else sys.stdout
    earliest = _earliest_box_score_date(args.landing)
    if earliest is None:
        print(f"no box scores under {args.landing}", file=sys.stderr)
        return 2
    home = platform_home() / "evaluation"
    shutil.rmtree(home, ignore_errors=True)  # rebuilt from the landing folder every time: nothing stale
    warehouse = str(home / "warehouse.duckdb")
    began = time.perf_counter()
    if earliest < args.start:
        print(f"history {earliest}..{args.start - dt.timedelta(days=1)} through the feature store", file=out, flush=True)
        materialize_range(earliest, args.start - dt.timedelta(days=1), args.landing, warehouse, chunk_days=400,
                          through_features=True)
    print(f"walk-forward {args.start}..{args.end}", file=out, flush=True)
    materialize_range(args.start, args.end, args.landing, warehouse, on_chunk=lambda r: _progress(r, out))
    where = f"where game_date between DATE '{args.start}' and DATE '{args.end}'"
    report = evaluate(read_table("prediction_results", warehouse, where), read_table("ml_feature_store", warehouse, where))
    report["seconds"] = round(time.perf_counter() - began, 1)
    if args.json:
        print(json.dumps(report))
    else:
        _print_evaluation(report)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nba-platform", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sim = sub.add_parser("simulate", help="write a simulated league into a landing folder")
    sim.add_argument("--out", required=True)
    sim.add_argument("--seed", type=int, required=True)
    sim.add_argument("--teams", type=int, default=30)
    sim.add_argument("--seasons", type=int, default=1)
    sim.set_defaults(func=cmd_simulate)

    demo = sub.add_parser("demo", help="simulate a season, run a few weeks of the graph, print the picks")
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(func=cmd_demo)

    back = sub.add_parser("backfill", help="materialize every asset for a range of game dates")
    back.add_argument("--start", type=_date, required=True)
    back.add_argument("--end", type=_date, required=True)
    back.add_argument("--landing", help="landing folder (default $NBA_LANDING_DIR or $NBA_PLATFORM_HOME/landing)")
    back.add_argument("--chunk-days", type=int, default=7, help="dates per Dagster run (default 7)")
    back.set_defaults(func=cmd_backfill)

    ev = sub.add_parser("evaluate", help="walk-forward evaluation of every system against baselines and the line")
    ev.add_argument("--landing", required=True)
    ev.add_argument("--start", type=_date, required=True)
    ev.add_argument("--end", type=_date, required=True)
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.set_defaults(func=cmd_evaluate)

    bq = sub.add_parser("bq-init", help="create the BigQuery datasets and tables from sql/ddl (production settings)")
    bq.set_defaults(func=cmd_bq_init)

    scrape = sub.add_parser("scrape", help="fetch the live sources for a date (or range) into the landing zone")
    scrape.add_argument("--date", type=_date, help="one ET game date")
    scrape.add_argument("--start", type=_date, help="first date of a range (past dates use historical odds)")
    scrape.add_argument("--end", type=_date, help="last date of the range (inclusive)")
    scrape.add_argument("--source", choices=["nba_cdn", "nba_stats", "odds_api"], help="one source (default: all)")
    scrape.add_argument("--landing", help="landing folder or gs://bucket/prefix (default $NBA_LANDING_DIR)")
    scrape.add_argument("-v", "--verbose", action="store_true", help="log every request, retry and landed file")
    scrape.set_defaults(func=cmd_scrape)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Before a command loads lightgbm (importing nba_platform.definitions does the same; the first call counts).
    configure_openmp()
    args = build_parser().parse_args(argv)
    install_stop_handlers()
    try:
        return args.func(args)
    except RunFailed as exc:
        print(f"nba-platform {args.command}: {exc}", file=sys.stderr)
        return 1
    except PlatformEnvError as exc:
        print(f"nba-platform {args.command}: {exc}", file=sys.stderr)
        return 2
    except (Interrupted, KeyboardInterrupt) as exc:
        # Between runs a signal lands here directly; during a run, after that run (runner.Interrupted).
        detail = f": {exc}" if str(exc) else ""
        print(f"nba-platform {args.command}: stopped on a signal{detail}; run the same command again to finish",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
