"""The entry point: simulate seasons of a deterministic NBA league and land them in the sources' native JSON shapes.

The platform can then run offline and be benchmarked end to end. The simulator writes the same kinds of file the
scrapers land (see ``nba_platform.landing.zone``):

* stats.nba.com ``leaguegamelog`` per game date, players and teams (``gamelog_files``);
* the cdn.nba.com ``scheduleLeagueV2`` per season (``schedule_file``);
* The Odds API v4 events list and ``player_points`` event odds per game date and snapshot, including an
  in-game snapshot that is bait for a platform that must not use it (``odds_files``);
* the official NBA injury report, two PDF editions per game day, a late scratch only in the later one
  (``injury_report_files``).

Same arguments give byte-identical files: every random draw comes from ``numpy.random.default_rng`` streams
seeded by ``(seed, season start year)`` and nothing reads the wall clock. A whole season is simulated even when
``played_through`` hides part of it, so the played part does not depend on ``played_through``.

The modules, in the order a season is made: ``teams`` and ``league`` (players and their drift between seasons),
``scheduling`` (calendar, matchups, tip times), ``season`` (rosters and trades) with ``engine`` (the games
played), ``books`` (prop lines), then the writers.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nba_platform.landing.zone import LocalLanding, player_boxscores_path, schedule_path, team_boxscores_path
from nba_platform.simulator.books import Lines, make_lines
from nba_platform.simulator.gamelog_files import boxscore_files
from nba_platform.simulator.injury_report_files import injury_report_files
from nba_platform.simulator.league import League, new_league, offseason
from nba_platform.simulator.odds_files import odds_files
from nba_platform.simulator.schedule_file import schedule_file
from nba_platform.simulator.season import Season, simulate_season
from nba_platform.simulator.teams import TEAMS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SimulationSummary:
    seasons: list[str]
    games: int
    player_rows: int
    files_written: int
    first_date: dt.date
    last_date: dt.date
    game_dates: list[dt.date]


class _Writer:
    """Lands files through ``LocalLanding.write`` on a few threads: each write fsyncs, and overlapping those
    waits is most of the speed-up. At most ``max_pending`` payloads are held in memory."""

    def __init__(self, landing: LocalLanding, workers: int = 4, max_pending: int = 64):
        self.landing = landing
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="simulate-write")
        self.pending: deque[Future] = deque()
        self.max_pending = max_pending
        self.count = 0

    def write(self, relpath: str, data: bytes) -> None:
        self.pending.append(self.pool.submit(self.landing.write, relpath, data))
        self.count += 1
        while len(self.pending) > self.max_pending:
            self.pending.popleft().result()  # re-raises a failed write

    def close(self) -> None:
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


_SEASON_RE = re.compile(r"^(\d{4})-(\d{2})$")


def _season_start_years(last_season: str, seasons: int) -> list[int]:
    m = _SEASON_RE.match(last_season)
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"last_season must look like '2025-26', got {last_season!r}")
    last = int(m.group(1))
    return list(range(last - seasons + 1, last + 1))


def _land_season(
    writer: _Writer, s: Season, league: League, lines: Lines, seed: int, played_through: dt.date | None
) -> int:
    """Write one season's schedule, box scores (played dates) and odds; returns the player rows written."""
    played = np.array([played_through is None or d <= played_through for d in s.dates])
    captured = max(s.dates) if played_through is None else min(played_through, max(s.dates))
    writer.write(schedule_path(s.label), schedule_file(s, played, captured + dt.timedelta(days=1)))
    rows = 0
    for date, (player_file, team_file, n) in boxscore_files(s, league, played).items():
        writer.write(player_boxscores_path(date), player_file)
        writer.write(team_boxscores_path(date), team_file)
        rows += n
    for relpath, body in odds_files(s, league, lines, seed, played):
        writer.write(relpath, body)
    # The injury reports of every game day through the day after the last played one ("tonight").
    tonight = None if played_through is None else played_through + dt.timedelta(days=1)
    for relpath, body in injury_report_files(s, league, tonight):
        writer.write(relpath, body)
    return rows


def check_arguments(seed: int, teams: int = 30, seasons: int = 1, games_per_team: int = 82) -> None:
    """Raise ValueError naming the first argument `simulate` cannot use (the CLI checks before it starts)."""
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, not {seed}")
    if teams < 2 or teams > len(TEAMS) or teams % 2:
        raise ValueError(f"teams must be an even number from 2 to {len(TEAMS)}, not {teams}")
    if seasons < 1:
        raise ValueError(f"seasons must be 1 or more, not {seasons}")
    if not 1 <= games_per_team <= 100:
        raise ValueError(f"games_per_team must be between 1 and 100, not {games_per_team}")


def simulate(
    out: str | Path,
    seed: int,
    teams: int = 30,
    seasons: int = 1,
    last_season: str = "2025-26",
    games_per_team: int = 82,
    played_through: dt.date | None = None,
) -> SimulationSummary:
    """Simulate ``seasons`` regular seasons ending with ``last_season`` and land them under ``out``.

    ``teams`` (even, 2-30) takes the first NBA franchises by team id; every team plays ``games_per_team``
    games. Games on ET dates after ``played_through`` are not played yet: the schedule lists them as scheduled,
    they have no box-score files and no in-game odds snapshot, but their pre-tip odds snapshots are written.
    Everything is simulated either way, so the played part does not depend on ``played_through``.

    In the summary, ``games`` counts all scheduled games (played or not), ``player_rows`` the player box-score
    rows written, ``files_written`` the files landed (including ones already there with identical bytes) and
    ``game_dates`` every ET date with a game, played or not.
    """
    check_arguments(seed, teams, seasons, games_per_team)
    years = _season_start_years(last_season, seasons)
    league = new_league(np.random.default_rng([seed, 0]), teams)
    labels, all_dates = [], []
    n_games = n_rows = 0
    writer = _Writer(LocalLanding(out))
    try:
        for k, year in enumerate(years):
            rng = np.random.default_rng([seed, year])  # one stream per season
            if k > 0:
                offseason(rng, league)
            s = simulate_season(rng, league, year, games_per_team)
            lines = make_lines(rng, league, s)
            n_rows += _land_season(writer, s, league, lines, seed, played_through)
            labels.append(s.label)
            all_dates += sorted(set(s.dates))
            n_games += len(s.game_ids)
    finally:
        writer.close()
    n_files = writer.count
    log.info("simulated %s: %d games, %d player rows, %d files", labels, n_games, n_rows, n_files)
    return SimulationSummary(
        seasons=labels,
        games=n_games,
        player_rows=n_rows,
        files_written=n_files,
        first_date=all_dates[0],
        last_date=all_dates[-1],
        game_dates=all_dates,
    )
