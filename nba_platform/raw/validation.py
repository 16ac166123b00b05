"""Row-level validation at the raw boundary: bad rows are set aside with a reason, good rows land.

A file is refused whole (`SourceParseError`, quarantined by the raw asset) only when it cannot be read
at all: not JSON, not UTF-8, the result set or a required column missing. Everything that is wrong
with *some rows* is handled here, by one mechanism, so a single bad value never costs a night of box
scores and never reaches the warehouse:

* the parsers reject rows they cannot type (a row with the wrong number of values, ``"twenty"`` in
  an integer column, an outcome without a price line) -- `Parsed.rejected`;
* `validate` applies the table's row rules to the typed rows -- `RULES` below.

Every rejected row carries ``source_file``, the row itself (JSON) and a reason ``<rule>: <detail>``;
the raw asset writes them next to the file, under ``_quarantine/<file>.rejected_rows.json``, and
reports the counts per rule in its metadata and its non-blocking ``rows_valid`` check.

The rules (per table; the required columns and the numeric ranges are the table registry's, shared
with the `required_not_null` and `values_in_range` checks):

| rule | tables | rejects |
|---|---|---|
| ``missing_value`` | all | a key or required column is null |
| ``wrong_date`` | box scores, lines | a row dated (box scores) or tipping off (lines, ET) on another date than the file's |
| ``out_of_range`` | all with ranges | a value outside its plausible range (e.g. negative minutes) |
| ``negative_count`` | box scores | a negative box-score count (FGM, REB, ...) |
| ``no_prices`` | lines | a line with neither an Over nor an Under price |
| ``bad_price`` | lines | a price that is not American odds (between -100 and +100) |
| ``same_team`` | schedule | a game whose home and away team are the same |
| ``two_teams`` | player box scores | a player listed for two teams in one game (every such row) |
| ``too_many_teams`` | team box scores | a game with more than two team rows (every such row) |
| ``duplicate_row`` | all | an exact copy of another row (the first copy lands) |
| ``conflicting_rows`` | all | two different rows for one key (none lands: which is right is unknown) |
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl

from nba_platform.core.calendar import TIMEZONE
from nba_platform.tables import TABLES

REJECTED = pl.Schema({"source_file": pl.String, "row": pl.String, "reason": pl.String})

_COUNTS = ["fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "reb", "ast", "stl", "blk", "tov", "pf"]


@dataclass(frozen=True)
class Parsed:
    """What a parser made of one file: the typed rows and the rows it had to refuse (REJECTED). A parser
    of many small files may give row tuples instead, typed into one frame for many files by its caller."""

    frame: pl.DataFrame | list[tuple]
    rejected: pl.DataFrame


def rejected_rows(source_file: str, items: Iterable[tuple[Any, str]]) -> pl.DataFrame:
    """REJECTED rows from (row as it came, reason) pairs."""
    rows = [
        {"source_file": source_file, "row": json.dumps(row, default=str, ensure_ascii=False), "reason": reason}
        for row, reason in items
    ]
    return pl.DataFrame(rows, schema=REJECTED)


def _file_date() -> pl.Expr:
    """The date segment of the landing path (``.../<YYYY-MM-DD>/...``); null for other locations."""
    return pl.col("source_file").str.extract(r"(?:^|/)(\d{4}-\d{2}-\d{2})/", 1).str.to_date("%Y-%m-%d", strict=False)


def _fmt(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).fill_null("null")


def _row_rules(table: str) -> list[pl.Expr]:
    """Expressions giving a reason (or null) per row, in order of precedence."""
    rules: list[pl.Expr] = []
    spec = TABLES[table]
    required = [c for c in (*spec.keys, *spec.required) if c in spec.schema]
    for column in dict.fromkeys(required):
        rules.append(pl.when(pl.col(column).is_null()).then(pl.lit(f"missing_value: {column} is null")))
    if table in ("raw_player_boxscores", "raw_team_boxscores"):
        rules.append(
            pl.when(pl.col("game_date") != _file_date()).then(
                pl.format("wrong_date: dated {}, the file is for {}", _fmt(pl.col("game_date")), _fmt(_file_date()))
            )
        )
    if table == "raw_prop_lines":
        tip_date = pl.col("commence_time_utc").dt.convert_time_zone(TIMEZONE).dt.date()
        rules.append(
            pl.when(tip_date != pl.col("game_date")).then(
                pl.format("wrong_date: the game tips off on {} ET, the file is for {}", _fmt(tip_date), _fmt(pl.col("game_date")))
            )
        )
    for column, (low, high) in spec.ranges.items():
        rules.append(
            pl.when(pl.col(column).is_not_null() & ~pl.col(column).is_between(low, high)).then(
                pl.format(f"out_of_range: {column} {{}} not in [{low}, {high}]", _fmt(pl.col(column)))
            )
        )
    if table in ("raw_player_boxscores", "raw_team_boxscores"):
        for column in _COUNTS:
            rules.append(
                pl.when(pl.col(column) < 0).then(pl.format(f"negative_count: {column} {{}}", _fmt(pl.col(column))))
            )
    if table == "raw_prop_lines":
        rules.append(
            pl.when(pl.col("over_price").is_null() & pl.col("under_price").is_null()).then(
                pl.lit("no_prices: a line without an Over or an Under price")
            )
        )
        for column in ("over_price", "under_price"):
            rules.append(
                pl.when(pl.col(column).is_between(-99, 99)).then(
                    pl.format(f"bad_price: {column} {{}} is not American odds", _fmt(pl.col(column)))
                )
            )
    if table == "raw_schedule":
        rules.append(
            pl.when(pl.col("home_team_id") == pl.col("away_team_id")).then(
                pl.format("same_team: team {} plays itself", _fmt(pl.col("home_team_id")))
            )
        )
    return rules


def _group_rules(frame: pl.DataFrame, table: str) -> pl.Expr:
    """A reason (or null) per row from the rows it shares a game or a key with."""
    keys = list(TABLES[table].keys)
    data_columns = [c for c in frame.columns if c != "source_file"]
    identical_before = pl.int_range(pl.len()).over(data_columns) > 0
    variants = pl.struct(data_columns).n_unique().over(keys)
    key_text = pl.concat_str([_fmt(pl.col(k)) for k in keys], separator="/")
    reason = pl.when(False).then(pl.lit(None, dtype=pl.String))
    if table == "raw_player_boxscores":
        teams = pl.col("team_id").n_unique().over("game_id", "player_id")
        reason = reason.when(teams > 1).then(
            pl.format(
                "two_teams: player {} is listed for teams {} in game {}",
                _fmt(pl.col("player_id")),
                pl.col("team_id").unique().sort().cast(pl.String).str.join("+").over("game_id", "player_id"),
                _fmt(pl.col("game_id")),
            )
        )
    if table == "raw_team_boxscores":
        teams = pl.col("team_id").n_unique().over("game_id")
        reason = reason.when(teams > 2).then(
            pl.format("too_many_teams: game {} has {} teams", _fmt(pl.col("game_id")), _fmt(teams))
        )
    return (
        reason.when(variants > 1)
        .then(pl.format("conflicting_rows: {} different rows for key {}", _fmt(variants), key_text))
        .when(identical_before)
        .then(pl.lit("duplicate_row: an exact copy of another row"))
    )


def validate(frame: pl.DataFrame, table: str) -> Parsed:
    """Split typed raw rows into those that land and those rejected (REJECTED, with reasons)."""
    if frame.is_empty():
        return Parsed(frame, pl.DataFrame(schema=REJECTED))
    rules = _row_rules(table)
    scored = frame.with_columns(pl.coalesce(*rules).alias("_reason") if rules else pl.lit(None, pl.String).alias("_reason"))
    # Group rules look only at rows that passed the row rules (a bad row cannot make a good one a duplicate).
    passing = scored.filter(pl.col("_reason").is_null()).drop("_reason")
    grouped = passing.with_columns(_group_rules(passing, table).alias("_reason")) if passing.height else scored.head(0)
    bad = pl.concat([scored.filter(pl.col("_reason").is_not_null()), grouped.filter(pl.col("_reason").is_not_null())])
    good = grouped.filter(pl.col("_reason").is_null()).drop("_reason")
    rejected = bad.select(
        pl.col("source_file"),
        pl.struct(pl.exclude("_reason", "source_file")).map_elements(
            lambda row: json.dumps(row, default=str, ensure_ascii=False), return_dtype=pl.String
        ).alias("row"),
        pl.col("_reason").alias("reason"),
    ) if bad.height else pl.DataFrame(schema=REJECTED)
    return Parsed(good, rejected)


def reason_counts(rejected: pl.DataFrame) -> dict[str, int]:
    """Rejected rows per rule (the part of the reason before the colon)."""
    if rejected.is_empty():
        return {}
    rules = rejected.select(pl.col("reason").str.split(":").list.first().alias("rule"))
    return dict(rules.group_by("rule").len().sort("rule").iter_rows())


def record(rejected: pl.DataFrame, source_file: str, table: str, file_sha256: str) -> bytes:
    """The quarantine record of one file's rejected rows (JSON, stable for identical input). The file's
    digest tells which version of the file it describes (a corrected file replaces it, if it still has
    rejected rows, or leaves it behind as history -- compare the digest)."""
    rows = rejected.filter(pl.col("source_file") == source_file)
    document = {
        "table": table,
        "source_file": source_file,
        "file_sha256": file_sha256,
        "rejected_rows": rows.height,
        "reasons": reason_counts(rows),
        "rows": [{"reason": r, "row": json.loads(v)} for v, r in rows.select("row", "reason").iter_rows()],
    }
    return json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8")
