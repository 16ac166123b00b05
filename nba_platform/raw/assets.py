"""Phase 2: raw tables parsed from the landing zone, one `game_date` partition per ET date.

A file that cannot be read is quarantined with its reason and reported; the other files of the run
still land. Rows that fail the row rules (`raw/validation.py`: a value of the wrong type, negative
minutes, a player on two teams, a row dated on another day, a line without prices, duplicates, ...)
are written with their reasons to ``_quarantine/<file>.rejected_rows.json``, counted in the metadata
and in the non-blocking ``rows_valid`` check; the file's other rows land.
"""


import datetime as dt
from collections.abc import Callable, Iterable

import dagster as dg
import polars as pl

from nba_platform import tables as schemas
from nba_platform.core.calendar import season_of
from nba_platform.core.names import player_lookup_expr
from nba_platform.landing import zone as lz
from nba_platform.landing.resource import LandingResource
from nba_platform.raw import boxscore_sources as sources
from nba_platform.raw.balldontlie_box_scores import GAME_COLUMNS, read_box_scores, unmatched_players
from nba_platform.raw.game_days import COUNTED_GAME_TYPES, games_on, landed_schedule, postponed
from nba_platform.raw.injury_report import (
    TEAMS_SCHEMA,
    assign_next_games,
    attach_game_ids,
    read_injury_report_pdf,
    read_player_injuries,
)
from nba_platform.raw.nba_cdn import read_boxscore, read_schedule
from nba_platform.raw.nba_stats import read_leaguegamelog
from nba_platform.raw.odds_api import event_odds_rows, lines_frame
from nba_platform.raw.parsing import SourceParseError
from nba_platform.raw.validation import Parsed, reason_counts, record, validate
from nba_platform.table_assets import count_check, emit, partition_dates, table_asset_kwargs

_COMPACT_EVERY = 200  # files parsed before their frames are concatenated into one


def _read_all(
    context: dg.AssetExecutionContext,
    zone: lz.LandingZone,
    relpaths: Iterable[str],
    parse: Callable[[bytes, str], Parsed],
    table: str,
    dates: list[dt.date] | None = None,
    rows_to_frame: Callable[[list[tuple]], pl.DataFrame] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Parse every file and validate its rows: quarantine unreadable files and rejected rows, keep going.

    Returns the good rows, the rejected rows (REJECTED) and the quarantined files. With ``dates`` (files
    that cover more than the partition, i.e. the season schedule) the whole file is validated and its
    record written, and only the rows of those dates are returned. With ``rows_to_frame``, ``parse``
    gives row tuples, typed into one frame per batch of files."""
    frames, batch, rejected, quarantined, digests = [], [], [], [], {}

    def compact() -> None:
        if batch:
            frames.append(
                rows_to_frame([row for rows in batch for row in rows]) if rows_to_frame
                else pl.concat(batch, how="vertical", rechunk=True)
            )
            batch.clear()

    for relpath in relpaths:
        data = zone.read_bytes(relpath)
        digests[relpath] = lz.content_digest(data)
        try:
            parsed = parse(data, relpath)
        except SourceParseError as exc:
            dest = zone.quarantine(relpath, str(exc))
            context.log.error(f"{exc} -> quarantined at {dest}")
            quarantined.append(relpath)
            continue
        batch.append(parsed.frame)
        if parsed.rejected.height:
            rejected.append(parsed.rejected)
        # Thousands of small frames (a season of odds snapshots) weigh far more than their rows: compact
        # them as they come, and let them go before the rows are validated.
        if len(batch) == _COMPACT_EVERY:
            compact()
    compact()
    combined = pl.concat(frames, how="vertical") if frames else schemas.empty(table)
    frames.clear()
    checked = validate(combined, table)
    del combined
    bad = pl.concat([*rejected, checked.rejected]) if rejected else checked.rejected
    for source_file in sorted(set(bad["source_file"].to_list())):
        rows = bad.filter(pl.col("source_file") == source_file)
        dest = f"{lz.QUARANTINE_DIR}/{source_file}.rejected_rows.json"
        zone.write(dest, record(rows, source_file, table, digests[source_file]))
        context.log.warning(
            f"{table}: {rows.height} rows of {source_file} rejected {reason_counts(rows)} "
            f"(e.g. {rows['reason'][0]}) -> {dest}"
        )
    if dates is None:
        return checked.frame, bad, quarantined
    keys = [d.isoformat() for d in dates]
    row_date = pl.coalesce(
        pl.col("row").str.json_path_match("$.game_date"), pl.col("row").str.json_path_match("$.gameDateEst")
    ).str.slice(0, 10)
    return checked.frame.filter(pl.col("game_date").is_in(dates)), bad.filter(row_date.is_in(keys)), quarantined


def _quality_metadata(quarantined: list[str], rejected: pl.DataFrame) -> dict[str, object]:
    return {
        "quarantined_files": len(quarantined),
        "quarantined": dg.MetadataValue.json(quarantined),
        "rejected_rows": rejected.height,
        "rejected_reasons": dg.MetadataValue.json(reason_counts(rejected)),
    }


def _rows_valid(table: str, rejected: pl.DataFrame) -> dg.AssetCheckResult:
    files = sorted(set(rejected["source_file"].to_list()))
    return count_check(
        table, "rows_valid", rejected.height, blocking_failure=False,
        reasons=dg.MetadataValue.json(reason_counts(rejected)), files=dg.MetadataValue.json(files),
    )


def _raw_kwargs(table: str) -> dict:
    return table_asset_kwargs(
        table,
        extra_checks=[
            dg.AssetCheckSpec(
                "rows_valid", asset=table, blocking=False,
                description="rows rejected by the row rules (raw/validation.py), recorded under _quarantine/",
            )
        ],
    )


@dg.asset(**_raw_kwargs("raw_schedule"))
def raw_schedule(context: dg.AssetExecutionContext, landing: LandingResource):
    zone, dates = landing.zone(), partition_dates(context)
    seasons = sorted({season_of(d) for d in dates})
    paths = [lz.schedule_path(s) for s in seasons if zone.exists(lz.schedule_path(s))]
    missing = [s for s in seasons if lz.schedule_path(s) not in paths]
    if missing:
        context.log.warning(f"no schedule file landed for seasons {missing}: those dates have no games")
    # A season file covers every date: only the partition's games (and their rejected rows) count here.
    frame, rejected, quarantined = _read_all(context, zone, paths, read_schedule, "raw_schedule", dates)
    frame = frame.sort("game_date", "game_id")
    yield from emit(
        context, "raw_schedule", frame, _quality_metadata(quarantined, rejected),
        checks=[_rows_valid("raw_schedule", rejected)],
    )


def _read_leaguegamelog(player_or_team: str) -> Callable[[bytes, str], Parsed]:
    def parse(data: bytes, relpath: str) -> Parsed:
        parsed = read_leaguegamelog(data, relpath, player_or_team)
        if parsed.frame.is_empty() and parsed.rejected.is_empty():
            # Box scores are landed for game days only: an empty log is a scrape too early, not a result.
            raise SourceParseError("nba_stats.leaguegamelog", relpath, "empty result set: no box-score rows")
        return parsed

    return parse


@dg.asset(**_raw_kwargs("raw_team_boxscores"))
def raw_team_boxscores(context: dg.AssetExecutionContext, landing: LandingResource):
    zone, dates = landing.zone(), partition_dates(context)
    paths = [lz.team_boxscores_path(d.isoformat()) for d in dates if zone.exists(lz.team_boxscores_path(d.isoformat()))]
    frame, rejected, quarantined = _read_all(context, zone, paths, _read_leaguegamelog("T"), "raw_team_boxscores")
    yield from emit(
        context, "raw_team_boxscores", frame, {"files": len(paths), **_quality_metadata(quarantined, rejected)},
        checks=[_rows_valid("raw_team_boxscores", rejected)],
    )


def _landed_schedules(
    context: dg.AssetExecutionContext, zone: lz.LandingZone, seasons: Iterable[str], without: str
) -> dict[str, pl.DataFrame]:
    """The landed schedule of each season that has a readable one; the others are logged with `without`
    (what their rows lose)."""
    found = {}
    for season in sorted(set(seasons)):
        try:
            schedule = landed_schedule(zone, season)
        except SourceParseError as exc:
            context.log.warning(f"{exc}: {without.format(season=season)}")
            continue
        if schedule is None:
            context.log.warning(f"no schedule landed for {season}: {without.format(season=season)}")
            continue
        found[season] = schedule
    return found


def _scheduled_games(context: dg.AssetExecutionContext, zone: lz.LandingZone, dates: list[dt.date]) -> pl.DataFrame | None:
    """The games of the dates from the landed season schedules (postponed ones left out); None when no
    season of the dates has one. A season without one is logged: its box scores are neither placed
    (balldontlie) nor checked."""
    schedules = _landed_schedules(
        context, zone, (season_of(d) for d in dates), "the box scores of {season} cannot be placed or checked"
    )
    frames = [games_on(schedules[season_of(d)], d) for d in dates if season_of(d) in schedules]
    return pl.concat(frames) if frames else None


@dg.asset(
    **table_asset_kwargs(
        "raw_player_boxscores",
        extra_checks=[
            dg.AssetCheckSpec(
                "rows_valid", asset="raw_player_boxscores", blocking=False,
                description="rows rejected by the row rules (raw/validation.py), recorded under _quarantine/",
            ),
            dg.AssetCheckSpec(
                "sources_agree", asset="raw_player_boxscores", blocking=False,
                description="where two sources landed a game: the same points, and minutes within 1, per player",
            ),
            dg.AssetCheckSpec(
                "every_final_game_has_box_scores", asset="raw_player_boxscores", blocking=True,
                description="every final game of the landed schedule has box scores from some source (the NBA Cup final, "
                "which counts toward no statistics, is reported apart)",
            ),
        ],
    )
)
def raw_player_boxscores(context: dg.AssetExecutionContext, landing: LandingResource):
    """Every source's player rows for the dates; each game from its most preferred source (boxscore_sources)."""
    zone, dates = landing.zone(), partition_dates(context)
    days = [d.isoformat() for d in dates]
    table = "raw_player_boxscores"
    stats_paths = [lz.player_boxscores_path(d) for d in days if zone.exists(lz.player_boxscores_path(d))]
    cdn_paths = [p for d in days for p in zone.list(f"{lz.CDN_BOXSCORES}/{d}")]
    bdl_paths = [lz.bdl_box_scores_path(d) for d in days if zone.exists(lz.bdl_box_scores_path(d))]
    stats, rejected_stats, q_stats = _read_all(context, zone, stats_paths, _read_leaguegamelog("P"), table)
    cdn, rejected_cdn, q_cdn = _read_all(context, zone, cdn_paths, read_boxscore, table)
    scheduled = _scheduled_games(context, zone, dates)
    games = None if scheduled is None else scheduled.select(GAME_COLUMNS)
    known = pl.concat([stats, cdn]).select(
        "team_abbreviation", player_lookup_expr("player_name").alias("player_lookup"), "player_id"
    )
    bdl, rejected_bdl, q_bdl = _read_all(
        context, zone, bdl_paths, lambda data, relpath: read_box_scores(data, relpath, games, known), table
    )
    frames = [cdn, stats, bdl]
    frame = sources.preferred(frames).sort("game_date", "game_id", "player_id")
    rejected = pl.concat([rejected_stats, rejected_cdn, rejected_bdl])
    quarantined = q_stats + q_cdn + q_bdl

    differ = sources.disagreements(frames)
    unmatched = unmatched_players(bdl)
    if unmatched:
        context.log.warning(f"{table}: {len(unmatched)} balldontlie players have no NBA id (e.g. {unmatched[0]})")
    if differ.height:
        first = differ.row(0, named=True)
        context.log.warning(
            f"{table}: {differ.height} player rows differ between sources, e.g. {first['player_name']} "
            f"({first['game_id']}): {first['source']} {first['pts']} pts {first['min']:.1f} min, "
            f"{first['other_source']} {first['other_pts']} pts {first['other_min']:.1f} min"
        )
    covered = set(frame["game_id"].unique().to_list())
    team_paths = [lz.team_boxscores_path(d) for d in days if zone.exists(lz.team_boxscores_path(d))]
    missing_uncounted = []
    if scheduled is None:
        missing = None
    else:
        finals = scheduled.filter((pl.col("game_status") == 3) & pl.col("season_type").is_in(COUNTED_GAME_TYPES))
        missing = sources.missing_games(finals, covered)
        if missing.height and team_paths:
            # A game stats.nba.com's team log has is box-scored (the replay's player logs skip playoffs).
            team_games = _team_log_games(zone, team_paths)
            missing = missing.filter(~pl.col("game_id").is_in(sorted(team_games)))
        # The NBA Cup final counts toward no season's statistics, so stats.nba.com's logs leave it out:
        # without a cdn or balldontlie box score it is reported, not a reason to stop the dates.
        uncounted = missing.filter(pl.col("game_id").is_in(finals.filter(pl.col("season_type") == "NBA Cup")["game_id"].implode()))
        if uncounted.height:
            missing_uncounted = [f"{d} {g} {m}" for d, g, m in uncounted.iter_rows()]
            context.log.warning(f"{table}: no box scores for the NBA Cup final {', '.join(missing_uncounted)} (not in the stats logs)")
            missing = missing.join(uncounted, on="game_id", how="anti")
    by_source = dict(frame.group_by("source").agg(pl.col("game_id").n_unique()).sort("source").iter_rows())
    yield from emit(
        context, table, frame,
        {
            "files": len(stats_paths) + len(cdn_paths) + len(bdl_paths),
            "games_by_source": dg.MetadataValue.json(by_source),
            "unmatched_balldontlie_players": len(unmatched),
            **_quality_metadata(quarantined, rejected),
        },
        checks=[
            _rows_valid(table, rejected),
            count_check(
                table, "sources_agree", differ.height, blocking_failure=False,
                games_compared=sources.games_compared(frames),
                differing_rows=dg.MetadataValue.json(differ.head(50).to_dicts()),
                unmatched_balldontlie_players=dg.MetadataValue.json(unmatched[:100]),
            ),
            count_check(
                table, "every_final_game_has_box_scores", 0 if missing is None else missing.height,
                missing_games=dg.MetadataValue.json(
                    [] if missing is None else [f"{d} {g} {m}" for d, g, m in missing.iter_rows()]
                ),
                schedule_landed=missing is not None,
                missing_uncounted_games=dg.MetadataValue.json(missing_uncounted),
            ),
        ],
    )


def _team_log_games(zone: lz.LandingZone, paths: list[str]) -> set[str]:
    games: set[str] = set()
    for relpath in paths:
        try:
            games |= set(read_leaguegamelog(zone.read_bytes(relpath), relpath, "T").frame["game_id"].to_list())
        except SourceParseError:
            continue  # raw_team_boxscores quarantines and reports it; here it just covers no game
    return games


@dg.asset(**_raw_kwargs("raw_prop_lines"))
def raw_prop_lines(context: dg.AssetExecutionContext, landing: LandingResource):
    zone, dates = landing.zone(), partition_dates(context)
    paths: list[str] = []
    for d in dates:
        paths += zone.list(f"{lz.ODDS_PLAYER_POINTS}/{d.isoformat()}")

    def parse(data: bytes, relpath: str) -> Parsed:
        parts = relpath.split("/")
        try:
            snapshot = lz.parse_snapshot_name(parts[-1])
        except ValueError as exc:
            raise SourceParseError("odds_api", relpath, "file name is not a <YYYYmmddTHHMMSSZ>.json snapshot") from exc
        return Parsed(*event_odds_rows(data, relpath, dt.date.fromisoformat(parts[2]), snapshot))

    frame, rejected, quarantined = _read_all(context, zone, paths, parse, "raw_prop_lines", rows_to_frame=lines_frame)
    frame = frame.sort("game_date", "snapshot_utc", "event_id", "bookmaker", "player_lookup", "line")
    yield from emit(
        context, "raw_prop_lines", frame, {"files": len(paths), **_quality_metadata(quarantined, rejected)},
        checks=[_rows_valid("raw_prop_lines", rejected)],
    )


# Reports list the games of their ET date and of the next day; a balldontlie snapshot applies to each
# team's next game, so a partition reads the snapshots of the week before it.
_REPORT_DAYS_BEFORE = 1
_BDL_DAYS_BEFORE = 7


@dg.asset(**_raw_kwargs("raw_injury_report"))
def raw_injury_report(context: dg.AssetExecutionContext, landing: LandingResource):
    """Every edition of the official injury report and of balldontlie's injury snapshots for the
    partition's games. No report landed (the offline replay) is an empty partition, not a failure."""
    zone, dates = landing.zone(), partition_dates(context)
    pdfs = _landed_between(zone, lz.INJURY_REPORTS, dates, _REPORT_DAYS_BEFORE)
    snapshots = _landed_between(zone, lz.BDL_PLAYER_INJURIES, dates, _BDL_DAYS_BEFORE)
    schedule = _schedules(context, zone, dates, _BDL_DAYS_BEFORE)
    team_lists: list[pl.DataFrame] = []
    unscheduled = 0

    def parse(data: bytes, relpath: str) -> Parsed:
        nonlocal unscheduled
        if relpath.endswith(".pdf"):
            report = read_injury_report_pdf(data, relpath)
            team_lists.append(report.teams)
            return Parsed(attach_game_ids(report.frame, schedule), report.rejected)
        parsed = read_player_injuries(data, relpath)
        rows, without_game = assign_next_games(parsed.frame, schedule)
        unscheduled += without_game
        return Parsed(rows, parsed.rejected)

    # Rejected lines count for every partition whose files they are in (a line may have no game date).
    frame, rejected, quarantined = _read_all(context, zone, [*pdfs, *snapshots], parse, "raw_injury_report")
    frame = frame.filter(pl.col("game_date").is_in(dates)).sort("game_date", "published_utc", "source", "team_abbr", "player_lookup")
    teams = pl.concat(team_lists) if team_lists else pl.DataFrame(schema=TEAMS_SCHEMA)
    # Each team's latest official edition for the partition: not yet submitted means "unknown", not "all available".
    latest = teams.filter(pl.col("game_date").is_in(dates)).sort("edition").unique(
        ["game_date", "team_abbr"], keep="last"
    )
    not_submitted = latest.filter(~pl.col("submitted")).sort("game_date", "team_abbr")
    # Each date's own teams on its own materialization: a range run would otherwise copy the whole
    # range's list onto every date's event.
    for d in dates:
        teams_of_d = not_submitted.filter(pl.col("game_date") == d)["team_abbr"].to_list()
        context.add_asset_metadata(
            {"teams_not_yet_submitted": dg.MetadataValue.json([f"{d} {t}" for t in teams_of_d])},
            partition_key=d.isoformat(),
        )
    if unscheduled:
        context.log.info(f"raw_injury_report: {unscheduled} balldontlie rows have no game ahead in the landed schedule")
    yield from emit(
        context, "raw_injury_report", frame,
        {
            "report_files": len(pdfs),
            "balldontlie_files": len(snapshots),
            "editions": frame.select("source", "edition").n_unique() if frame.height else 0,
            "balldontlie_rows_without_game": unscheduled,
            **_quality_metadata(quarantined, rejected),
        },
        checks=[_rows_valid("raw_injury_report", rejected)],
    )


def _landed_between(zone: lz.LandingZone, prefix: str, dates: list[dt.date], days_before: int) -> list[str]:
    """The files under ``prefix/<day>/`` for every day from ``days_before`` before the first date to the last."""
    first, last = min(dates) - dt.timedelta(days=days_before), max(dates)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [p for d in days for p in zone.list(f"{prefix}/{d.isoformat()}")]


def _schedules(
    context: dg.AssetExecutionContext, zone: lz.LandingZone, dates: list[dt.date], days_before: int
) -> pl.DataFrame:
    """The landed schedule's games around the partition (game ids, next games); empty when none landed."""
    seasons = [season_of(min(dates) - dt.timedelta(days=days_before)), *(season_of(d) for d in dates)]
    schedules = _landed_schedules(
        context, zone, seasons, "injury rows of {season} get no game id, balldontlie rows no game"
    )
    frames = [schedule.filter(~postponed()) for schedule in schedules.values()]
    return pl.concat(frames) if frames else schemas.empty("raw_schedule")
