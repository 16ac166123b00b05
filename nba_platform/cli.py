"""`nba-platform`: simulate a league, run the demo, backfill a range of dates from a landing folder."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
import warnings
from pathlib import Path

import polars as pl

from nba_platform.resources import default_warehouse_path, platform_home
from nba_platform.runner import ChunkReport, RunFailed, materialize_range, read_table

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


def _progress(report: ChunkReport) -> None:
    rows = report.rows
    print(
        f"  {report.start}..{report.end}  {report.seconds:5.1f}s  "
        f"games {rows.get('team_game_summary', 0) // 2:>4}  player rows {rows.get('player_game_summary', 0):>5}  "
        f"lines {rows.get('raw_prop_lines', 0):>6}  features {rows.get('ml_feature_store', 0):>5}  "
        f"predictions {rows.get('player_prop_predictions', 0):>5}",
        flush=True,
    )


def picks_table(game_date: dt.date, warehouse: str, limit: int = 25) -> pl.DataFrame:
    """The date's OVER/UNDER picks, most confident first."""
    preds = read_table("player_prop_predictions", warehouse, where=f"where game_date = DATE '{game_date}'")
    return (
        preds.filter(pl.col("recommendation").is_in(["OVER", "UNDER"]))
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
    all_preds = read_table("player_prop_predictions", warehouse, where=f"where game_date = DATE '{game_date}'")
    counts = dict(all_preds.group_by("recommendation").len().iter_rows())
    print(f"\nPicks for {game_date} ({len(all_preds)} predictions: {counts})")
    with pl.Config(tbl_rows=50, tbl_cols=12, tbl_width_chars=140, tbl_hide_dataframe_shape=True):
        print(table if table.height else "(no OVER/UNDER picks)")


def cmd_simulate(args: argparse.Namespace) -> int:
    from nba_platform.sources.simulated import simulate

    began = time.perf_counter()
    summary = simulate(args.out, seed=args.seed, teams=args.teams, seasons=args.seasons)
    print(
        f"simulated {', '.join(summary.seasons)}: {summary.games} games, {summary.player_rows} player rows, "
        f"{summary.files_written} files in {args.out} ({time.perf_counter() - began:.1f}s)"
    )
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    _quiet_dagster()
    landing = args.landing or os.environ.get("NBA_LANDING_DIR") or str(platform_home() / "landing")
    if not Path(landing).is_dir():
        print(f"landing folder {landing} does not exist", file=sys.stderr)
        return 2
    print(f"backfill {args.start}..{args.end} from {landing} into {default_warehouse_path()}")
    began = time.perf_counter()
    materialize_range(args.start, args.end, landing, chunk_days=args.chunk_days, on_chunk=_progress)
    print(f"done in {time.perf_counter() - began:.1f}s")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from nba_platform.sources.simulated import simulate

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
    print(f"\ndemo done in {time.perf_counter() - began:.1f}s; open the UI with `make dev`")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except RunFailed as exc:
        print(f"nba-platform {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
