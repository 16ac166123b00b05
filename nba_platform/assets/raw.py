"""Phase 2: raw tables parsed from the landing zone, one `game_date` partition per ET date.

A file that does not parse is quarantined with its reason and reported; the other files of the run
still land. Rows dated outside the file's partition are dropped with a warning (a box-score file
is for one date).
"""


import datetime as dt
from collections.abc import Callable, Iterable

import dagster as dg
import polars as pl

from nba_platform import landing as lz
from nba_platform import schemas
from nba_platform.assets.common import emit, partition_dates, table_asset_kwargs
from nba_platform.resources import LandingResource
from nba_platform.sources.errors import SourceParseError
from nba_platform.sources.nba_cdn import parse_schedule
from nba_platform.sources.nba_stats import parse_leaguegamelog
from nba_platform.sources.odds_api import parse_event_odds


def _read_all(
    context: dg.AssetExecutionContext,
    zone: lz.LandingZone,
    relpaths: Iterable[str],
    parse: Callable[[bytes, str], pl.DataFrame],
    table: str,
) -> tuple[pl.DataFrame, list[str]]:
    """Parse every file; quarantine the unreadable ones and keep going."""
    frames, quarantined = [], []
    for relpath in relpaths:
        try:
            frames.append(parse(zone.read_bytes(relpath), relpath))
        except SourceParseError as exc:
            dest = zone.quarantine(relpath, str(exc))
            context.log.error(f"{exc} -> quarantined at {dest}")
            quarantined.append(relpath)
    frame = pl.concat(frames, how="vertical") if frames else schemas.empty(table)
    return frame, quarantined


def _keep_partition_dates(context: dg.AssetExecutionContext, frame: pl.DataFrame, dates: list[dt.date]) -> pl.DataFrame:
    outside = frame.filter(~pl.col("game_date").is_in(dates))
    if outside.height:
        context.log.warning(
            f"dropped {outside.height} rows dated outside the partition range "
            f"(e.g. {outside['game_date'].head(3).to_list()} in {outside['source_file'].unique().head(3).to_list()})"
        )
    return frame.filter(pl.col("game_date").is_in(dates))


def _quarantine_metadata(quarantined: list[str]) -> dict[str, object]:
    return {"quarantined_files": len(quarantined), "quarantined": dg.MetadataValue.json(quarantined)}


@dg.asset(
    **table_asset_kwargs(
        "raw_schedule", "raw", "raw", "Games of the ET date from the season's scheduleLeagueV2 file (cdn.nba.com)."
    )
)
def raw_schedule(context: dg.AssetExecutionContext, landing: LandingResource):
    zone, dates = landing.zone(), partition_dates(context)
    seasons = sorted({lz.season_of(d) for d in dates})
    paths = [lz.schedule_path(s) for s in seasons if zone.exists(lz.schedule_path(s))]
    missing = [s for s in seasons if lz.schedule_path(s) not in paths]
    if missing:
        context.log.warning(f"no schedule file landed for seasons {missing}: those dates have no games")
    frame, quarantined = _read_all(context, zone, paths, parse_schedule, "raw_schedule")
    frame = frame.filter(pl.col("game_date").is_in(dates)).sort("game_date", "game_id")
    yield from emit(context, "raw_schedule", frame, _quarantine_metadata(quarantined))


def _boxscore_asset(table: str, player_or_team: str, path_for: Callable[[str], str], description: str):
    @dg.asset(**table_asset_kwargs(table, "raw", "raw", description))
    def _asset(context: dg.AssetExecutionContext, landing: LandingResource):
        zone, dates = landing.zone(), partition_dates(context)
        paths = [path_for(d.isoformat()) for d in dates if zone.exists(path_for(d.isoformat()))]
        frame, quarantined = _read_all(
            context, zone, paths, lambda data, loc: parse_leaguegamelog(data, loc, player_or_team), table
        )
        frame = _keep_partition_dates(context, frame, dates)
        yield from emit(
            context, table, frame, {"files": len(paths), **_quarantine_metadata(quarantined)}
        )

    return _asset


raw_player_boxscores = _boxscore_asset(
    "raw_player_boxscores",
    "P",
    lz.player_boxscores_path,
    "Player box scores of the ET date: stats.nba.com leaguegamelog, PlayerOrTeam=P.",
)
raw_team_boxscores = _boxscore_asset(
    "raw_team_boxscores",
    "T",
    lz.team_boxscores_path,
    "Team box scores of the ET date: stats.nba.com leaguegamelog, PlayerOrTeam=T.",
)


@dg.asset(
    **table_asset_kwargs(
        "raw_prop_lines",
        "raw",
        "raw",
        "Every player_points line of every book and snapshot (The Odds API), by the game's ET date.",
    )
)
def raw_prop_lines(context: dg.AssetExecutionContext, landing: LandingResource):
    zone, dates = landing.zone(), partition_dates(context)
    paths: list[str] = []
    for d in dates:
        paths += zone.list(f"{lz.ODDS_PLAYER_POINTS}/{d.isoformat()}")

    def parse(data: bytes, relpath: str) -> pl.DataFrame:
        parts = relpath.split("/")
        try:
            snapshot = lz.parse_snapshot_name(parts[-1])
        except ValueError as exc:
            raise SourceParseError("odds_api", relpath, "file name is not a <YYYYmmddTHHMMSSZ>.json snapshot") from exc
        return parse_event_odds(data, relpath, dt.date.fromisoformat(parts[2]), snapshot)

    frame, quarantined = _read_all(context, zone, paths, parse, "raw_prop_lines")
    frame = frame.sort("game_date", "snapshot_utc", "event_id", "bookmaker", "player_lookup", "line")
    yield from emit(context, "raw_prop_lines", frame, {"files": len(paths), **_quarantine_metadata(quarantined)})
