"""What the commands print: backfill progress, a day's picks, the exports, the evaluation report.

The formatters are pure (they return text), so tests check them without a run; the `print_*` helpers
write them. The heavy modules (the prediction systems load LightGBM) are imported where they are used,
so `nba-platform` answers a bad argument without loading them.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import polars as pl

from nba_platform.cli.errors import UsageError
from nba_platform.core.settings import default_publish_location

# --- backfill progress -------------------------------------------------------------------------------


def clock(seconds: float) -> str:
    """mm:ss (h:mm:ss from an hour on)."""
    hours, rest = divmod(max(0, round(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def chunk_dates(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def _dates(n: int) -> str:
    return f"{n} date" if n == 1 else f"{n} dates"


def progress_line(report: Any, elapsed: float, dates_done: int, dates_total: int) -> str:
    """One plain line per chunk of a range (`report` is a runner.ChunkReport): which chunk, its dates,
    the rows it wrote, the time since the range started and what remains at the mean time per date so far."""
    rows = report.rows
    eta = elapsed / dates_done * (dates_total - dates_done) if dates_done else 0.0
    width = len(str(report.total))
    return (
        f"[{report.index:>{width}}/{report.total}] {report.start}..{report.end}  "
        f"{_dates(chunk_dates(report.start, report.end))}  "
        f"rows: games {rows.get('team_game_summary', 0) // 2}, players {rows.get('player_game_summary', 0)}, "
        f"lines {rows.get('raw_prop_lines', 0)}, features {rows.get('ml_feature_store', 0)}, "
        f"predictions {rows.get('player_prop_predictions', 0)}  "
        f"elapsed {clock(elapsed)}  ETA {clock(eta)}"
    )


class Progress:
    """The `on_chunk` callback of `runner.materialize_range` for start..end: prints `progress_line`."""

    def __init__(self, start: dt.date, end: dt.date, out: TextIO | None = None,
                 now: Callable[[], float] = time.perf_counter) -> None:
        self.dates_total = chunk_dates(start, end)
        self.dates_done = 0
        self.out = out
        self.now = now
        self.began = now()

    def __call__(self, report: Any) -> None:
        self.dates_done += chunk_dates(report.start, report.end)
        line = progress_line(report, self.now() - self.began, self.dates_done, self.dates_total)
        print(line, file=self.out or sys.stdout, flush=True)

    def step(self, report: Any) -> None:
        """The `on_step` callback: one indented line per run inside a chunk (`report` is a runner.StepReport)."""
        line = f"  {report.what}  {report.seconds:.1f}s  elapsed {clock(self.now() - self.began)}"
        print(line, file=self.out or sys.stdout, flush=True)


# --- a day's picks -------------------------------------------------------------------------------------


def read_predictions(game_date: dt.date, warehouse: str) -> pl.DataFrame:
    """Every system's predictions for the date; UsageError naming what the warehouse holds when none."""
    import duckdb

    from nba_platform.core.warehouse.read import connect_read_only, read_table
    from nba_platform.tables import TABLES

    if not Path(warehouse).is_file():
        raise UsageError(f"no warehouse at {warehouse}: run `nba-platform demo` or `backfill` first")
    table = "player_prop_predictions"
    try:
        preds = read_table(table, warehouse, where=f"where game_date = DATE '{game_date}'")
        if preds.height:
            return preds
        with connect_read_only(warehouse) as conn:
            first, last = conn.execute(
                f"select min(game_date), max(game_date) from {TABLES[table].dataset}.{table}"
            ).fetchone()
    except duckdb.CatalogException as exc:
        raise UsageError(f"the warehouse {warehouse} holds no predictions yet (no {table} table)") from exc
    held = f"it holds {first}..{last}" if first else "it holds none"
    raise UsageError(f"no predictions for {game_date} in the warehouse {warehouse} ({held})")


def picks_table(preds: pl.DataFrame, system_id: str, limit: int = 25) -> pl.DataFrame:
    """One system's OVER/UNDER picks among a date's predictions, most confident first, with each player's
    availability (status and its source)."""
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
            pl.col("availability_status").alias("status"),
            pl.col("availability_source").alias("source"),
        )
        .head(limit)
    )


def ruled_out_table(preds: pl.DataFrame, system_id: str) -> pl.DataFrame:
    """The players of the date given OUT (ruled out or doubtful): no pick, with why and from where."""
    return (
        preds.filter((pl.col("recommendation") == "OUT") & (pl.col("system_id") == system_id))
        .sort("team_abbr", "player_name")
        .select(
            "player_name",
            pl.col("team_abbr").alias("team"),
            pl.col("opponent_team_abbr").alias("opp"),
            "line",
            pl.col("availability_status").alias("status"),
            pl.col("availability_source").alias("source"),
            pl.col("availability_reason").alias("reason"),
        )
    )


def picks_card(preds: pl.DataFrame, game_date: dt.date, system_id: str, limit: int = 25) -> dict[str, Any]:
    """The date's card of one system: its picks and what they were chosen from (what `picks --json` prints)."""
    rows = preds.filter(pl.col("system_id") == system_id)
    if rows.is_empty():
        systems = ", ".join(sorted(preds["system_id"].unique()))
        raise UsageError(f"no predictions of system {system_id!r} for {game_date} (systems: {systems})")
    return {
        "game_date": game_date.isoformat(),
        "system_id": system_id,
        "model_version": rows["model_version"].first(),
        "players": rows.height,
        "recommendations": dict(rows.group_by("recommendation").len().sort("recommendation").iter_rows()),
        "systems": preds["system_id"].n_unique(),
        "picks": picks_table(preds, system_id, limit).to_dicts(),
        "ruled_out": ruled_out_table(preds, system_id).to_dicts(),
    }


def picks_text(card: dict[str, Any]) -> str:
    header = (
        f"Picks for {card['game_date']} from the {card['system_id']} system ({card['players']} players: "
        f"{card['recommendations']}; model {card['model_version']}; "
        f"{card['systems']} systems in player_prop_predictions)"
    )
    with pl.Config(tbl_rows=50, tbl_cols=12, tbl_width_chars=140, tbl_hide_dataframe_shape=True):
        table = str(pl.DataFrame(card["picks"])) if card["picks"] else "(no OVER/UNDER picks)"
        out = (
            f"\nRuled out (no pick):\n{pl.DataFrame(card['ruled_out'])}" if card.get("ruled_out") else ""
        )
    return f"{header}\n{table}{out}"


def print_picks(game_date: dt.date, warehouse: str, system_id: str | None = None, limit: int = 25,
                as_json: bool = False) -> None:
    from nba_platform.predictions.systems import ENSEMBLE

    card = picks_card(read_predictions(game_date, warehouse), game_date, system_id or ENSEMBLE, limit)
    print(json.dumps(card) if as_json else picks_text(card))


# --- the exports -------------------------------------------------------------------------------------


def print_exports(game_date: dt.date, warehouse: str) -> None:
    """Where the date's exports and page are, with their sizes (read back through the publisher)."""
    from nba_platform.publishing import documents as docs
    from nba_platform.publishing.best_bets import best_bets_path
    from nba_platform.publishing.publisher import open_publisher

    location = default_publish_location(warehouse)
    publisher = open_publisher(location)
    print(f"\nExports for {game_date} in {location}:")
    paths = (best_bets_path(game_date), docs.tonight_path(game_date), docs.results_path(game_date), docs.SYSTEMS_PATH,
             docs.PLAYERS_INDEX_PATH)
    for rel in paths:
        data = publisher.read_bytes(rel)
        if data is None:
            print(f"  {rel:<28} missing")
            continue
        doc = json.loads(data)
        detail = ""
        if doc["document"] == "tonight":
            detail = f"  {doc['summary']['games']} games, {doc['summary']['players']} players"
        elif doc["document"] == "best_bets":
            detail = f"  {doc['summary']['picks']} best bets" + ("" if doc["summary"]["picks"] else f": {doc['message']}")
        elif doc["document"] == "players_index":
            detail = f"  {len(doc['players'])} player documents in players/"
        print(f"  {rel:<28} {len(data):>8} bytes  status {doc['status']['state']}{detail}")
        if doc["document"] == "tonight" and doc["status"]["reasons"]:
            print(f"  {'':<28} {'':>8}        ({'; '.join(doc['status']['reasons'])})")
    page = docs.page_path(game_date)
    print(f"  {page:<28} open {publisher.describe(page)} in a browser")


# --- the evaluation report ---------------------------------------------------------------------------


def _num(value: float | None, width: int, digits: int = 3) -> str:
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


def evaluation_text(report: dict[str, Any]) -> str:
    """`grading.evaluation.evaluate`'s report as tables: accuracy and betting per system, then calibration."""
    lined = report["mae_on_lined_rows"]
    lines = [
        f"Walk-forward evaluation {report['start']}..{report['end']}: {report['rows']} rows "
        f"({report['rows_with_line']} with a line) of {report['played_rows']} played player-games",
        f"{'system':<22}{'MAE all':>9}{'MAE lined':>11}{'picks':>7}{'hit rate':>10}{'95% CI':>16}{'ROI':>8}{'Brier':>8}",
    ]
    for name, mae in report["mae"].items():
        bet = report["betting"].get(name, {})
        ci = bet.get("hit_rate_95ci")
        lines.append(
            f"{name:<22}{_num(mae, 9)}{_num(lined.get(name), 11)}{bet.get('picks', '-'):>7}"
            f"{_num(bet.get('hit_rate'), 10)}{(f'{ci[0]:.3f}-{ci[1]:.3f}' if ci else '-'):>16}"
            f"{_num(bet.get('roi'), 8)}{_num(report['brier'].get(name), 8)}"
        )
    lines.append(f"{'line':<22}{'':>9}{_num(lined.get('line'), 11)}")
    done = [f"evaluated in {report['seconds']:.0f} s"] if "seconds" in report else []
    minutes = minutes_lines(report["minutes"]) if "minutes" in report else []
    return "\n".join([*lines, *minutes, "", *calibration_lines(report["calibration"]), *done])


def minutes_lines(minutes: dict[str, Any]) -> list[str]:
    """The minutes projection beside its naive baselines (MAE in minutes, same played rows)."""
    lines = [
        "",
        f"Minutes: {minutes['rows']} rows ({minutes['rows_with_line']} with a line) of {minutes['played_rows']} "
        "played player-games",
        f"{'projection':<26}{'MAE all':>9}{'MAE lined':>11}",
    ]
    for name, mae in minutes["mae"].items():
        lines.append(f"{name:<26}{_num(mae, 9)}{_num(minutes['mae_on_lined_rows'].get(name), 11)}")
    return lines


def calibration_lines(calibration: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Per P(over) bucket and system: mean predicted P(over), observed over rate, rows (pushes left out)."""
    systems = list(calibration)
    cells = {(name, row["bucket"]): row for name in systems for row in calibration[name]}
    buckets = sorted({bucket for _, bucket in cells})
    lines = [
        "Calibration of p_over: per bucket of predicted P(over), each system's mean prediction, "
        "observed over rate and rows",
        f"{'bucket':<10}" + "".join(f"{name:>20}" for name in systems),
        f"{'':<10}" + f"{'pred':>8}{'obs':>6}{'rows':>6}" * len(systems),
    ]
    for bucket in buckets:
        row = f"{bucket:<10}"
        for name in systems:
            cell = cells.get((name, bucket))
            row += (f"{cell['mean_p_over']:>8.3f}{cell['observed_over']:>6.3f}{cell['n']:>6}" if cell
                    else f"{'-':>8}{'-':>6}{0:>6}")
        lines.append(row)
    return lines
