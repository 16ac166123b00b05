"""Who plays tonight: each expected player's status, and what his team and the opponent lose.

Status sources, best first (each only as known before the game's cut-off: tip-off, or the prediction
time when that is earlier):

1. `nba_injury_report` - the official report's latest edition published before the cut-off. A player it
   lists has that status; a player of a team the edition covers but does not list is AVAILABLE.
2. `balldontlie` - the latest `/player_injuries` snapshot before the cut-off (a listed player only).
3. `market` - the odds snapshots: a player with a line at his book's latest pre-tip snapshot is
   AVAILABLE; one whose market every listing book pulled is DOUBTFUL (a late scratch); a rotation player
   (>= 15 minutes in >= 3 of his team's previous 5 games) with no line while the game has lines is
   QUESTIONABLE (on the 2025-26 replay weeks, 2025-10-21..11-07, 244 such player-games: 45.9% played,
   against 95.9% of the 1,066 with a line; the issue's own count was 61% and 94.7%).
4. `none` - UNKNOWN.

Absences: each status carries an expected absence (ABSENCE_WEIGHT); the team's and the opponent's
`*_out_*_share` features are the sums, over their rotation players, of weight x the player's share of
his team's minutes, FGA and points (his last-10 mean over the team's last-10 mean). A star is a
rotation player averaging >= STAR_POINTS over his last 10 games. Pure polars.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from nba_platform import tables as schemas
from nba_platform.analytics.lines import pre_tip_snapshots, still_listed

OFFICIAL, BALLDONTLIE, MARKET, NONE = "nba_injury_report", "balldontlie", "market", "none"
STATUSES = ("OUT", "DOUBTFUL", "QUESTIONABLE", "PROBABLE", "AVAILABLE", "UNKNOWN")
# No OVER/UNDER for these: the player is expected not to play.
NO_PICK_STATUSES = ("OUT", "DOUBTFUL")
# Expected share of the game a player of this status misses (conventions for the report's words; the
# market's no-line weight is the measured 1 - 0.459 on the 2025-26 replay weeks).
ABSENCE_WEIGHT = {"OUT": 1.0, "DOUBTFUL": 0.75, "QUESTIONABLE": 0.5, "PROBABLE": 0.0, "AVAILABLE": 0.0, "UNKNOWN": 0.0}
MARKET_NO_LINE_ABSENCE = 0.54
STAR_POINTS = 20.0
ROTATION_MINUTES, ROTATION_GAMES, ROTATION_WINDOW = 15.0, 3, 5

# The columns of `raw_injury_report` (one row per player and edition, every edition kept): the registry's.
INJURY_REPORT_SCHEMA = schemas.schema("raw_injury_report")

AVAILABILITY_SCHEMA = pl.Schema(
    {
        "availability_status": pl.String,
        "availability_source": pl.String,
        "availability_as_of_utc": schemas.UTC_TS,
        "availability_reason": pl.String,
    }
)


def injury_report_frame(report: pl.DataFrame | None) -> pl.DataFrame:
    """The report rows with the agreed columns and types (an empty frame when none was landed)."""
    if report is None or report.is_empty():
        return pl.DataFrame(schema=INJURY_REPORT_SCHEMA)
    missing = [c for c in INJURY_REPORT_SCHEMA.names() if c not in report.columns]
    if missing:
        raise ValueError(f"injury report frame lacks columns {missing}")
    out = report.select(INJURY_REPORT_SCHEMA.names()).cast(dict(INJURY_REPORT_SCHEMA))
    unknown = sorted(set(out["status"].drop_nulls().unique().to_list()) - set(STATUSES))
    if unknown:
        raise ValueError(f"injury report statuses {unknown} are not among {list(STATUSES)}")
    return out


def market_availability(raw_lines: pl.DataFrame) -> pl.DataFrame:
    """Per (game_date, event_id, player_lookup) seen before tip: `market_listed` (a book's latest pre-tip
    snapshot of the event lists him), `market_pulled` (listed earlier, by no book any more), and
    `market_as_of_utc` (the event's latest pre-tip snapshot)."""
    return (
        pre_tip_snapshots(raw_lines)
        .with_columns(
            _listed=still_listed(),
            _event_latest=pl.col("snapshot_utc").max().over("game_date", "event_id"),
        )
        .group_by("game_date", "event_id", "player_lookup")
        .agg(
            market_listed=pl.col("_listed").any(),
            market_as_of_utc=pl.col("_event_latest").first(),
        )
        .with_columns(market_pulled=~pl.col("market_listed"))
        .collect()
    )


def market_events(raw_lines: pl.DataFrame) -> pl.DataFrame:
    """Events with at least one pre-tip line, and their latest pre-tip snapshot."""
    pre = pre_tip_snapshots(raw_lines)
    return pre.group_by("game_date", "event_id").agg(event_as_of_utc=pl.col("snapshot_utc").max()).collect()


def rotation_flags(stats: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """`rotation_player` per (player_id, game_date, team_id) target: >= ROTATION_MINUTES in >= ROTATION_GAMES
    of the team's previous ROTATION_WINDOW games. `stats` has player_id, team_id, team_game_no, minutes;
    `targets` has player_id, game_date, team_id and team_games_before (the team's games before the date)."""
    running = (
        stats.select("player_id", "team_id", "team_game_no", (pl.col("minutes") >= ROTATION_MINUTES).alias("_big"))
        .sort("player_id", "team_id", "team_game_no")
        .with_columns(_big_to_date=pl.col("_big").cast(pl.Int32).cum_sum().over("player_id", "team_id"))
        .select("player_id", "team_id", "team_game_no", "_big_to_date")
        .sort("team_game_no")
    )
    t = targets.with_columns(
        _now=pl.col("team_games_before").fill_null(0).cast(pl.Int32),
        _then=(pl.col("team_games_before").fill_null(0) - ROTATION_WINDOW).cast(pl.Int32),
    )

    def as_of(column: str, name: str) -> pl.DataFrame:
        return t.sort(column).join_asof(
            running.rename({"team_game_no": column, "_big_to_date": name}).with_columns(pl.col(column).cast(pl.Int32)),
            on=column, by=["player_id", "team_id"], strategy="backward", check_sortedness=False,
        ).select("player_id", "game_date", "team_id", name)

    keys = ["player_id", "game_date", "team_id"]
    return (
        t.select(keys)
        .join(as_of("_now", "_n1"), on=keys, how="left")
        .join(as_of("_then", "_n0"), on=keys, how="left")
        .select(
            *keys,
            rotation_player=(pl.col("_n1").fill_null(0) - pl.col("_n0").fill_null(0)) >= ROTATION_GAMES,
        )
    )


def _latest_editions(games: pl.DataFrame, report: pl.DataFrame) -> pl.DataFrame:
    """Per (game_id, source) the latest edition published before the game's cut-off."""
    editions = report.select("source", "game_date", "edition", "published_utc").unique()
    return (
        games.join(editions, on="game_date", how="inner")
        .filter(pl.col("published_utc") < pl.col("cutoff_utc"))
        .sort("published_utc", "edition")
        .group_by("game_id", "source", maintain_order=True)
        .last()
        .select("game_id", "game_date", "source", "edition", "published_utc")
    )


def player_availability(
    players: pl.DataFrame, report: pl.DataFrame | None, events_with_lines: pl.DataFrame
) -> pl.DataFrame:
    """Status, source, as-of time and reason per context row.

    `players`: game_id, game_date, player_id, team_abbr, player_lookup, cutoff_utc, rotation_player, and
    `market_*` columns joined from `market_availability` (null when the market never listed him);
    `events_with_lines`: game_id, event_as_of_utc for games the books priced.
    Also returns `report_landed` (an edition of either report source covers the game before its cut-off).
    """
    report = injury_report_frame(report)
    games = players.select("game_id", "game_date", "cutoff_utc").unique()
    latest = _latest_editions(games, report)
    rows = report.join(latest, on=["source", "edition", "game_date"], how="inner", suffix="_ed")

    def listed(source: str) -> pl.DataFrame:
        return (
            rows.filter(pl.col("source") == source)
            .unique(["game_id_ed", "team_abbr", "player_lookup"], keep="first", maintain_order=True)
            .select(
                pl.col("game_id_ed").alias("game_id"), "team_abbr", "player_lookup",
                pl.col("status").alias(f"_{source}_status"), pl.col("reason").alias(f"_{source}_reason"),
                pl.col("published_utc").alias(f"_{source}_as_of"),
            )
        )

    # Teams an official edition covers: a team it does not list at all may simply not have submitted.
    covered = (
        rows.filter(pl.col("source") == OFFICIAL)
        .select(pl.col("game_id_ed").alias("game_id"), "team_abbr", pl.col("published_utc").alias("_covered_as_of"))
        .unique(["game_id", "team_abbr"])
    )
    landed = latest.group_by("game_id").agg(report_landed=pl.lit(True))
    key = ["game_id", "team_abbr", "player_lookup"]
    out = (
        players.join(listed(OFFICIAL), on=key, how="left")
        .join(listed(BALLDONTLIE), on=key, how="left")
        .join(covered, on=["game_id", "team_abbr"], how="left")
        .join(events_with_lines, on="game_id", how="left")
        .join(landed, on="game_id", how="left")
        .with_columns(pl.col("report_landed").fill_null(False))
    )
    official, bdl = f"_{OFFICIAL}_status", f"_{BALLDONTLIE}_status"
    listed_now = pl.col("market_listed").fill_null(False)
    pulled = pl.col("market_pulled").fill_null(False)
    no_line_rotation = pl.col("event_as_of_utc").is_not_null() & pl.col("market_listed").is_null() & pl.col(
        "rotation_player"
    ).fill_null(False)

    def pick(*cases: tuple[pl.Expr, pl.Expr], otherwise: pl.Expr) -> pl.Expr:
        chain = pl.when(cases[0][0]).then(cases[0][1])
        for cond, value in cases[1:]:
            chain = chain.when(cond).then(value)
        return chain.otherwise(otherwise)

    conditions = [
        pl.col(official).is_not_null(),
        pl.col("_covered_as_of").is_not_null(),
        pl.col(bdl).is_not_null(),
        listed_now,
        pulled,
        no_line_rotation,
    ]
    status = [pl.col(official), pl.lit("AVAILABLE"), pl.col(bdl), pl.lit("AVAILABLE"), pl.lit("DOUBTFUL"), pl.lit("QUESTIONABLE")]
    source = [pl.lit(OFFICIAL), pl.lit(OFFICIAL), pl.lit(BALLDONTLIE), pl.lit(MARKET), pl.lit(MARKET), pl.lit(MARKET)]
    as_of = [
        pl.col(f"_{OFFICIAL}_as_of"), pl.col("_covered_as_of"), pl.col(f"_{BALLDONTLIE}_as_of"),
        pl.col("market_as_of_utc"), pl.col("market_as_of_utc"), pl.col("event_as_of_utc"),
    ]
    reason = [
        pl.col(f"_{OFFICIAL}_reason"),
        pl.lit("not on the official injury report (his team is)"),
        pl.col(f"_{BALLDONTLIE}_reason"),
        pl.lit("line at the last pre-tip snapshot"),
        pl.lit("every book that listed his points market pulled it before tip"),
        pl.lit("rotation player without a points line at the last pre-tip snapshot"),
    ]
    weight = (
        pl.when(pl.col("availability_source") == MARKET)
        .then(
            pl.when(pl.col("availability_status") == "QUESTIONABLE")
            .then(MARKET_NO_LINE_ABSENCE)
            .otherwise(pl.col("availability_status").replace_strict(ABSENCE_WEIGHT, return_dtype=pl.Float64))
        )
        .otherwise(pl.col("availability_status").replace_strict(ABSENCE_WEIGHT, default=0.0, return_dtype=pl.Float64))
    )
    return (
        out.with_columns(
            availability_status=pick(*zip(conditions, status, strict=True), otherwise=pl.lit("UNKNOWN")),
            availability_source=pick(*zip(conditions, source, strict=True), otherwise=pl.lit(NONE)),
            availability_as_of_utc=pick(
                *zip(conditions, as_of, strict=True), otherwise=pl.lit(None, dtype=schemas.UTC_TS)
            ),
            availability_reason=pick(*zip(conditions, reason, strict=True), otherwise=pl.lit(None, dtype=pl.String)),
        )
        .with_columns(absence_weight=weight)
        .select(*players.columns, *AVAILABILITY_SCHEMA.names(), "absence_weight", "report_landed", "event_as_of_utc")
    )


def absence_features(rows: pl.DataFrame) -> pl.DataFrame:
    """Team and opponent absences per context row.

    `rows`: game_id, team_id, opponent_team_id, player_id, rotation_player, availability_status,
    absence_weight, the shares `minutes_share`, `fga_share`, `points_share` and `star`. A player's own
    absence is not his team's.
    """
    out_now = pl.col("availability_status").is_in(NO_PICK_STATUSES)
    rot = pl.col("rotation_player").fill_null(False)
    contrib = rows.with_columns(
        _w=pl.when(rot).then(pl.col("absence_weight")).otherwise(0.0),
        _out=(rot & out_now).cast(pl.Int32),
        _star_out=(rot & pl.col("star").fill_null(False) & out_now).cast(pl.Int32),
    ).with_columns(
        **{f"_{k}": pl.col("_w") * pl.col(f"{k}_share").fill_null(0.0) for k in ("minutes", "fga", "points")}
    )
    parts = ["_minutes", "_fga", "_points", "_out", "_star_out"]
    team = contrib.group_by("game_id", "team_id").agg(*[pl.col(p).sum().alias(f"{p}_team") for p in parts])
    opp = team.rename({"team_id": "opponent_team_id", **{f"{p}_team": f"{p}_opp" for p in parts}})
    joined = contrib.join(team, on=["game_id", "team_id"], how="left").join(
        opp, on=["game_id", "opponent_team_id"], how="left"
    )
    return joined.select(
        "game_id",
        "player_id",
        team_out_minutes_share=pl.col("_minutes_team") - pl.col("_minutes"),
        team_out_fga_share=pl.col("_fga_team") - pl.col("_fga"),
        team_out_points_share=pl.col("_points_team") - pl.col("_points"),
        team_rotation_out=(pl.col("_out_team") - pl.col("_out")).cast(pl.Int32),
        team_star_out=(pl.col("_star_out_team") - pl.col("_star_out")) > 0,
        opp_out_minutes_share=pl.col("_minutes_opp").fill_null(0.0),
        opp_out_fga_share=pl.col("_fga_opp").fill_null(0.0),
        opp_out_points_share=pl.col("_points_opp").fill_null(0.0),
        opp_rotation_out=pl.col("_out_opp").fill_null(0).cast(pl.Int32),
        opp_star_out=pl.col("_star_out_opp").fill_null(0) > 0,
    )


def cutoff_utc(as_of: dt.datetime | None) -> pl.Expr:
    """What may be known for a game: before tip-off, and before the prediction time when given."""
    tip = pl.col("tip_time_utc")
    if as_of is None:
        return tip
    return pl.min_horizontal(tip, pl.lit(as_of).cast(schemas.UTC_TS))
