"""From every book's snapshots to one pre-tip points line per player and game.

The consensus rule (documented in docs/data_dictionary.md):
1. Only snapshots taken strictly before the game's tip-off count (never an in-game line).
2. Per book and player, the latest such snapshot, and only if it is the book's latest pre-tip snapshot
   of the event: a book that pulled the player's market (a late scratch) no longer counts his old line.
3. Per book, the *main* line: the one whose Over and Under prices are closest to each other
   (books that list alternates price them lopsided); a line without both prices is not a main line.
4. Consensus line = the median of the books' main lines, snapped to the nearest line a book
   actually offers (ties to the lower line); prices = the median implied probabilities of the books at that line,
   turned back into American odds.
"""

from __future__ import annotations

import polars as pl

from nba_platform import tables as schemas

CONSENSUS_SCHEMA = pl.Schema(
    {
        "game_date": pl.Date,
        "event_id": pl.String,
        "player_lookup": pl.String,
        "line": pl.Float64,
        "over_price": pl.Int32,
        "under_price": pl.Int32,
        "line_books": pl.Int32,
        "line_snapshot_utc": schemas.UTC_TS,
    }
)


# What the consensus and the event mapping read of raw_prop_lines (the analytics assets load only
# these: source_file, player_name and market_last_update_utc were a third of a season's line bytes).
LINE_COLUMNS = (
    "game_date", "snapshot_utc", "event_id", "commence_time_utc", "home_team", "away_team",
    "bookmaker", "player_lookup", "line", "over_price", "under_price",
)


def _conform_lines(raw_lines: pl.DataFrame) -> pl.DataFrame:
    """LINE_COLUMNS of the raw rows with their declared types (all of them, or a missing one is an error)."""
    return schemas.conform(raw_lines, "raw_prop_lines", LINE_COLUMNS)


def implied_probability(price: pl.Expr) -> pl.Expr:
    """American odds -> implied probability (with the book's margin)."""
    p = price.cast(pl.Float64)
    return pl.when(p < 0).then(-p / (-p + 100.0)).otherwise(100.0 / (p + 100.0))


def american_from_probability(prob: pl.Expr) -> pl.Expr:
    """Implied probability -> American odds (0.5238 -> -110, 0.4 -> +150)."""
    return (
        pl.when(prob >= 0.5).then(-100.0 * prob / (1.0 - prob)).otherwise(100.0 * (1.0 - prob) / prob)
    ).round(0).cast(pl.Int32)


def pre_tip_snapshots(raw_lines: pl.DataFrame) -> pl.LazyFrame:
    # Lazy until the consensus is collected: only the columns it uses are read and the filters run
    # before any copy (a simulated season holds 446k raw line rows, most of them superseded snapshots).
    lines = _conform_lines(raw_lines).lazy()
    return lines.filter(pl.col("snapshot_utc") < pl.col("commence_time_utc"))


BOOK_EVENT = ["game_date", "event_id", "bookmaker"]


def still_listed() -> pl.Expr:
    """The row is from its book's latest pre-tip snapshot of the event (the book still lists the player)."""
    return pl.col("snapshot_utc") == pl.col("snapshot_utc").max().over(BOOK_EVENT)


def consensus_lines(raw_lines: pl.DataFrame, snapshot: str = "latest") -> pl.DataFrame:
    """The consensus line per (date, event, player); `snapshot="earliest"` gives the opening line
    (each book's first pre-tip snapshot) instead of the current one."""
    if snapshot not in ("latest", "earliest"):
        raise ValueError(f"snapshot must be 'latest' or 'earliest', got {snapshot!r}")
    lines = pre_tip_snapshots(raw_lines)
    if snapshot == "latest":
        # Judged on every pre-tip row of the book, priced or not: a listed player without prices is still listed.
        lines = lines.filter(still_listed())
    lines = lines.filter(pl.col("over_price").is_not_null() & pl.col("under_price").is_not_null())
    book_key = ["game_date", "event_id", "bookmaker", "player_lookup"]
    main = (
        lines.filter(
            pl.col("snapshot_utc")
            == (pl.col("snapshot_utc").max() if snapshot == "latest" else pl.col("snapshot_utc").min()).over(book_key)
        )
        .with_columns(
            _imbalance=(implied_probability(pl.col("over_price")) - implied_probability(pl.col("under_price"))).abs()
        )
        .sort([*book_key, "_imbalance", "line"])
        .group_by(book_key, maintain_order=True)
        .first()
    )
    key = ["game_date", "event_id", "player_lookup"]
    snapped = (
        main.with_columns(_median=pl.col("line").median().over(key))
        .with_columns(_dist=(pl.col("line") - pl.col("_median")).abs())
        .with_columns(_chosen=pl.col("line").sort_by("_dist", "line").first().over(key))
    )
    at_line = snapped.filter(pl.col("line") == pl.col("_chosen"))
    out = at_line.group_by(key).agg(
        pl.col("line").first(),
        # Median in probability space: American odds are not linear (-110 and +108 do not average to -1).
        american_from_probability(implied_probability(pl.col("over_price")).median()).alias("over_price"),
        american_from_probability(implied_probability(pl.col("under_price")).median()).alias("under_price"),
        pl.len().cast(pl.Int32).alias("line_books"),
        pl.col("snapshot_utc").max().alias("line_snapshot_utc"),
    )
    books = snapped.group_by(key).agg(pl.len().cast(pl.Int32).alias("_all_books"))
    # line_books counts every book with a main line for the player, not only those at the consensus.
    out = out.join(books, on=key).with_columns(line_books=pl.col("_all_books"))
    return out.select(CONSENSUS_SCHEMA.names()).cast(dict(CONSENSUS_SCHEMA)).sort(key).collect()


def event_games(raw_lines: pl.DataFrame, schedule: pl.DataFrame) -> pl.DataFrame:
    """Odds events -> NBA game ids. Books name teams in full ("Los Angeles Clippers") and the
    schedule by nickname ("Clippers"), so an event matches the game of its date whose home and
    away nicknames end its team names."""
    events = _conform_lines(raw_lines).select("game_date", "event_id", "home_team", "away_team").unique()
    games = schemas.conform(schedule, "raw_schedule").select(
        "game_date", "game_id", "home_team_name", "away_team_name"
    )
    return (
        events.join(games, on="game_date", how="inner")
        .filter(
            pl.col("home_team").str.ends_with(pl.col("home_team_name"))
            & pl.col("away_team").str.ends_with(pl.col("away_team_name"))
        )
        .select("event_id", "game_id")
        .unique()
    )


def lines_by_game(raw_lines: pl.DataFrame, schedule: pl.DataFrame) -> pl.DataFrame:
    """The current consensus line per (game_id, player_lookup)."""
    return consensus_lines(raw_lines).join(event_games(raw_lines, schedule), on="event_id", how="inner").drop(
        "event_id", "game_date"
    )
