"""`nba-platform`: simulate a league, run the demo, scrape the live sources, backfill a range of dates,
evaluate the systems walk-forward, print a day's picks, create the production BigQuery warehouse (`bq-init`).

Every error the user can cause (an argument, a setting, a missing folder, refused credentials) is one
line on stderr and exit status 2, found before any Dagster run starts; a failed run exits 1, a signal 130.
The Dagster graph (and LightGBM) is imported only by the commands that run it.
"""

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
from types import ModuleType
from typing import NoReturn

from nba_platform.cli.errors import CommandFailed, UsageError
from nba_platform.cli.output import Progress, evaluation_text, print_exports, print_picks
from nba_platform.core.settings import (
    PlatformEnvError,
    ProdSettings,
    Settings,
    configure_openmp,
    default_landing_dir,
    default_warehouse_path,
    platform_home,
)

PROG = "nba-platform"
DEMO_SEASON = "2025-26"
DEMO_WEEKS = 4
# The commands that run the Dagster graph (runner.materialize_range).
GRAPH_COMMANDS = ("backfill", "demo", "evaluate")


class OneLineParser(argparse.ArgumentParser):
    """Reports a bad argument on one line (not the usage block) and exits 2, as argparse does."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, usage_line(self.prog, message) + "\n")


def usage_line(prog: str, message: str) -> str:
    return f"{prog}: {message} (see {prog} --help)"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from exc
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def _quiet_dagster() -> None:
    # The CLI reports progress itself; Dagster's per-step debug lines would bury it.
    logging.getLogger("dagster").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", module="dagster")
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def _local_landing(landing: str) -> str:
    """The landing folder, which must exist (a gs:// location is checked by its first read)."""
    if not landing.startswith("gs://") and not Path(landing).is_dir():
        raise UsageError(f"landing folder {landing} does not exist")
    return landing


# --- checks of the arguments, before anything runs (a message, or None) ----------------------------------


def _check_range(args: argparse.Namespace) -> str | None:
    if args.start is not None and args.end is not None and args.end < args.start:
        return f"--start {args.start} is after --end {args.end}"
    return None


def _check_scrape(args: argparse.Namespace) -> str | None:
    if (args.date is None) == (args.start is None and args.end is None) or (args.start is None) != (args.end is None):
        return "give --date D, or --start A and --end B"
    return _check_range(args)


def _check_simulation(**arguments: int) -> str | None:
    from nba_platform.simulator import check_arguments

    try:
        check_arguments(**arguments)
    except ValueError as exc:
        return str(exc)
    return None


def _check_simulate(args: argparse.Namespace) -> str | None:
    return _check_simulation(seed=args.seed, teams=args.teams, seasons=args.seasons)


def _check_demo(args: argparse.Namespace) -> str | None:
    return _check_simulation(seed=args.seed)


# --- the commands ----------------------------------------------------------------------------------


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
    from nba_platform.resources import prod_resources
    from nba_platform.runner import materialize_range

    _quiet_dagster()
    landing = _local_landing(args.landing or default_landing_dir())
    resources, target = None, default_warehouse_path()
    settings = Settings.from_env()
    if settings.prod:  # NBA_PLATFORM_ENV=prod: BigQuery tables, bundles on GCS
        resources, target = prod_resources(landing_dir=landing), f"BigQuery project {settings.prod.project}"
    print(f"backfill {args.start}..{args.end} from {landing} into {target}")
    began = time.perf_counter()
    progress = Progress(args.start, args.end)
    materialize_range(args.start, args.end, landing, chunk_days=args.chunk_days,
                      on_chunk=progress, on_step=progress.step, resources=resources)
    print(f"done in {time.perf_counter() - began:.1f}s")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from nba_platform.runner import materialize_range, seed_sensors_after
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
        raise CommandFailed("the simulated season has no game on or after the demo's last date")
    print(f"materializing every asset for {summary.first_date}..{tonight} into {default_warehouse_path()}")
    progress = Progress(summary.first_date, tonight)
    materialize_range(summary.first_date, tonight, str(landing), on_chunk=progress, on_step=progress.step)
    # The season's later dates are the simulation's future: `make dev` must not request them (nor
    # anything already materialized) when it opens.
    handled = seed_sensors_after(str(landing))
    print(f"landing sensor: {handled} landed files recorded as handled; `make dev` runs only what lands next")
    print()
    print_picks(tonight, default_warehouse_path())
    print_exports(tonight, default_warehouse_path())
    print(f"\ndemo done in {time.perf_counter() - began:.1f}s; open the UI with `make dev`")
    return 0


def cmd_picks(args: argparse.Namespace) -> int:
    if Settings.from_env().is_prod:
        raise UsageError("picks reads the local DuckDB warehouse; with NBA_PLATFORM_ENV=prod the tables are in BigQuery")
    print_picks(args.date, default_warehouse_path(), args.system, args.limit, as_json=args.json)
    return 0


def cmd_scrape(args: argparse.Namespace) -> int:
    """Scrape sources for one date or a range into a landing zone; exit 1 with a one-line reason on failure."""
    from nba_platform.core.calendar import date_range
    from nba_platform.landing.zone import open_landing
    from nba_platform.scrape.errors import CircuitOpenError, ConfigError, HTTPStatusError, ScrapeError
    from nba_platform.scrape.resources import scrape_resources
    from nba_platform.scrape.run import DEFAULT_SOURCES, Scraper

    dates = [args.date] if args.date else date_range(args.start, args.end)
    # Log lines (retries, quarantines) go to stdout between the progress lines; stderr gets the one-line reason.
    logging.basicConfig(
        stream=sys.stdout, level=logging.INFO if args.verbose else logging.WARNING, format="  %(levelname)s %(message)s"
    )
    if not args.verbose:
        logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines (key redacted) only with -v
    location = args.landing or default_landing_dir()
    sources = [args.source] if args.source else list(DEFAULT_SOURCES)
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
    from nba_platform.cli.bigquery_errors import explain
    from nba_platform.core.warehouse.bigquery import JobLimits, init_warehouse, make_bigquery_client

    settings = ProdSettings.from_env()
    with explain(settings):
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


def _box_score_dates(landing: str) -> list[dt.date]:
    return sorted(dt.date.fromisoformat(p.name) for p in (Path(landing) / "nba_stats" / "player_boxscores").glob("????-??-??"))


def cmd_evaluate(args: argparse.Namespace) -> int:
    from nba_platform.core.warehouse.read import read_table
    from nba_platform.grading.evaluation import evaluate
    from nba_platform.runner import materialize_range

    _quiet_dagster()
    out = sys.stderr if args.json else sys.stdout
    landed = _box_score_dates(_local_landing(args.landing))
    if not any(args.start <= day <= args.end for day in landed):
        held = f"it holds {landed[0]}..{landed[-1]}" if landed else "it holds none"
        raise UsageError(f"no box scores under {args.landing} for {args.start}..{args.end} ({held})")
    home = platform_home() / "evaluation"
    shutil.rmtree(home, ignore_errors=True)  # rebuilt from the landing folder every time: nothing stale
    warehouse = str(home / "warehouse.duckdb")
    began = time.perf_counter()
    if landed[0] < args.start:
        print(f"history {landed[0]}..{args.start - dt.timedelta(days=1)} through the feature store", file=out, flush=True)
        materialize_range(landed[0], args.start - dt.timedelta(days=1), args.landing, warehouse, chunk_days=400,
                          through_features=True)
    print(f"walk-forward {args.start}..{args.end}", file=out, flush=True)
    progress = Progress(args.start, args.end, out)
    materialize_range(args.start, args.end, args.landing, warehouse, on_chunk=progress, on_step=progress.step)
    where = f"where game_date between DATE '{args.start}' and DATE '{args.end}'"
    report = evaluate(
        read_table("prediction_results", warehouse, where),
        read_table("ml_feature_store", warehouse, where),
        read_table("player_prop_predictions", warehouse, where),
        read_table("player_game_summary", warehouse, where),
    )
    report["seconds"] = round(time.perf_counter() - began, 1)
    print(json.dumps(report) if args.json else "\n" + evaluation_text(report))
    return 0


# --- the parser ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """Every argument has help text; a default, when there is one, is shown in it."""
    parser = OneLineParser(prog=PROG, description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    def command(name: str, about: str, func, check=None) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=about, description=about)
        cmd.set_defaults(func=func, check=check)
        return cmd

    def date_range_arguments(cmd: argparse.ArgumentParser, what: str) -> None:
        cmd.add_argument("--start", type=_date, required=True, help=f"first game date (ET) {what}, YYYY-MM-DD")
        cmd.add_argument("--end", type=_date, required=True, help="last game date, inclusive, YYYY-MM-DD")

    sim = command("simulate", "write a simulated league into a landing folder", cmd_simulate, _check_simulate)
    sim.add_argument("--out", required=True, help="landing folder to write (created if missing)")
    sim.add_argument("--seed", type=int, required=True, help="random seed, 0 or more: a seed gives the same files")
    sim.add_argument("--teams", type=int, default=30, help="number of teams, even, 2-30 (default %(default)s)")
    sim.add_argument("--seasons", type=int, default=1,
                     help="regular seasons to simulate, ending with 2025-26 (default %(default)s)")

    demo = command("demo", "simulate a season, run a few weeks of the graph, print the picks", cmd_demo, _check_demo)
    demo.add_argument("--seed", type=int, default=7, help="the simulated league's seed, 0 or more (default %(default)s)")

    back = command("backfill", "materialize every asset for a range of game dates", cmd_backfill, _check_range)
    date_range_arguments(back, "to materialize")
    back.add_argument("--landing", help="landing folder or gs://bucket/prefix (default $NBA_LANDING_DIR, "
                                        "else $NBA_PLATFORM_HOME/landing)")
    back.add_argument("--chunk-days", type=_positive_int,
                      help="dates per chunk (an upstream and a downstream Dagster run), 1 or more (default: "
                           "the fewest chunks of at most 92 dates; a season is 2)")

    ev = command("evaluate", "walk-forward evaluation of every system against baselines and the line",
                 cmd_evaluate, _check_range)
    ev.add_argument("--landing", required=True,
                    help="landing folder to rebuild from (into $NBA_PLATFORM_HOME/evaluation, replaced each time)")
    date_range_arguments(ev, "to predict and grade (the dates before it are history)")
    ev.add_argument("--json", action="store_true",
                    help="print the report as one JSON object (progress goes to stderr) instead of tables")

    picks = command("picks", "print a day's picks from the warehouse", cmd_picks)
    picks.add_argument("--date", type=_date, required=True, help="game date (ET), YYYY-MM-DD")
    picks.add_argument("--system", help="a system_id of player_prop_predictions (default the ensemble)")
    picks.add_argument("--limit", type=_positive_int, default=25, help="most picks to show (default %(default)s)")
    picks.add_argument("--json", action="store_true", help="print the card as one JSON object instead of a table")

    command("bq-init", "create the BigQuery datasets and tables from sql/ddl (production settings)", cmd_bq_init)

    scrape = command("scrape", "fetch the live sources for a date (or range) into the landing zone", cmd_scrape,
                     _check_scrape)
    scrape.add_argument("--date", type=_date, help="one ET game date (or --start and --end)")
    scrape.add_argument("--start", type=_date, help="first date of a range (past dates use historical odds)")
    scrape.add_argument("--end", type=_date, help="last date of the range (inclusive)")
    scrape.add_argument("--source", choices=["nba_cdn", "nba_stats", "odds_api", "nba_injury_report", "balldontlie"],
                        help="one source (default: all but balldontlie, which needs BALLDONTLIE_API_KEY and also "
                        "backs up nba_stats)")
    scrape.add_argument("--landing", help="landing folder or gs://bucket/prefix (default $NBA_LANDING_DIR, "
                                          "else $NBA_PLATFORM_HOME/landing)")
    scrape.add_argument("-v", "--verbose", action="store_true", help="log every request, retry and landed file")
    return parser


def _graph_runner() -> ModuleType:
    """The runner (importing it imports the graph), with SIGINT/SIGTERM asking a range to stop after its run."""
    from nba_platform import runner

    runner.install_stop_handlers()
    return runner


def _fail(command: str, exc: BaseException | str, status: int) -> int:
    print(f"{PROG} {command}: {' '.join(str(exc).split())}", file=sys.stderr)  # always one line
    return status


def main(argv: list[str] | None = None) -> int:
    # Before a command loads lightgbm (importing nba_platform.definitions does the same; the first call counts).
    configure_openmp()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0), or a bad argument already reported on one line (2)
        return int(exc.code or 0)
    problem = args.check(args) if args.check else None
    if problem:
        print(usage_line(f"{PROG} {args.command}", problem), file=sys.stderr)
        return 2
    try:
        Settings.from_env()  # a malformed variable is reported here, before the graph is imported
        runner = _graph_runner() if args.command in GRAPH_COMMANDS else None
    except PlatformEnvError as exc:
        return _fail(args.command, exc, 2)
    failed: tuple[type[BaseException], ...] = (CommandFailed,)
    stopped: tuple[type[BaseException], ...] = (KeyboardInterrupt,)
    if runner is not None:
        failed, stopped = (CommandFailed, runner.RunFailed), (runner.Interrupted, KeyboardInterrupt)
    try:
        return args.func(args)
    except (UsageError, PlatformEnvError) as exc:
        return _fail(args.command, exc, 2)
    except failed as exc:
        return _fail(args.command, exc, 1)
    except stopped as exc:
        # Between runs a signal lands here directly; during a run, after that run (runner.Interrupted).
        detail = f": {exc}" if str(exc) else ""
        return _fail(args.command, f"stopped on a signal{detail}; run the same command again to finish", 130)
