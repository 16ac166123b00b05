"""One season: the schedule, the rosters as of each game (mid-season trades included) and the games played."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from nba_platform.core.calendar import season_of
from nba_platform.simulator.engine import play_games
from nba_platform.simulator.league import STARTER, League, season_roles
from nba_platform.simulator.scheduling import assign_days, back_to_backs, matchups, season_days, tip_times
from nba_platform.simulator.teams import TEAMS


@dataclass
class Season:
    """One simulated regular season: its schedule, rosters and games as played (see ``engine.Games``)."""

    label: str
    start_year: int
    days: list[dt.date]
    # games, sorted chronologically (index g); game ids follow this order
    game_ids: list[str]
    dates: list[dt.date]
    tips_et: list[dt.datetime]
    home: np.ndarray
    away: np.ndarray
    n_ot: np.ndarray
    # team-games: tg = 2 * g + side (0 home, 1 away); cells [tg, slot] hold player indices (-1 = empty)
    tg_team: np.ndarray
    players: np.ndarray
    plays: np.ndarray
    stats: dict[str, np.ndarray]  # per cell, 0 where the player did not play
    team_stats: dict[str, np.ndarray]  # per tg
    # what a bookmaker knows before tip
    expected_minutes: np.ndarray
    known_out: np.ndarray
    book_factor: np.ndarray  # per tg: opponent defence * pace * home * rest
    injured: np.ndarray  # per cell: in a multi-game absence (the injury report's OUT players)


def simulate_season(rng: np.random.Generator, league: League, start_year: int, games_per_team: int) -> Season:
    n_teams = league.n_teams
    days = season_days(start_year)
    home, away = matchups(rng, n_teams, games_per_team)
    day_idx = assign_days(rng, home, away, n_teams, days)
    dates = [days[k] for k in day_idx]
    tips = tip_times(rng, dates, [TEAMS[t].tz for t in home])
    order = sorted(range(len(home)), key=lambda g: (dates[g], tips[g], TEAMS[home[g]].team_id))
    home, away = home[order], away[order]
    dates = [dates[g] for g in order]
    tips = [tips[g] for g in order]
    game_ids = [f"002{start_year % 100:02d}{k + 1:05d}" for k in range(len(order))]

    n_games = len(home)
    tg_team = np.column_stack([home, away]).ravel()
    tg_opp = np.column_stack([away, home]).ravel()
    tg_home = np.tile([True, False], n_games)
    tg_b2b = back_to_backs(tg_team, np.repeat([d.toordinal() for d in dates], 2), n_teams)
    roles = season_roles(league)
    trades = _draw_trades(rng, league, roles, days)
    players = _rosters(league, tg_team, np.repeat(dates, 2), trades)

    games = play_games(rng, league, players, roles, tg_team, tg_opp, tg_home, tg_b2b)
    return Season(
        label=season_of(days[0]),
        start_year=start_year,
        days=days,
        game_ids=game_ids,
        dates=dates,
        tips_et=tips,
        home=home,
        away=away,
        n_ot=games.n_ot,
        tg_team=tg_team,
        players=players,
        plays=games.plays,
        stats=games.stats,
        team_stats=games.team_stats,
        expected_minutes=games.expected_minutes,
        known_out=games.known_out,
        book_factor=games.book_factor,
        injured=games.injured,
    )


def _draw_trades(
    rng: np.random.Generator, league: League, roles: np.ndarray, days: list[dt.date]
) -> list[tuple[dt.date, int, int]]:
    """Two or three one-for-one swaps (4-6 players) between mid-December and the early-February deadline.
    Updates ``league`` so the players start next season with their new team."""
    if league.n_teams < 2:
        return []
    window = [d for d in days if dt.date(days[0].year, 12, 15) <= d <= dt.date(days[0].year + 1, 2, 5)]
    team = league.a["team"]
    traded: set[int] = set()
    trades = []
    for _ in range(int(rng.integers(2, 4))):
        ta, tb = rng.choice(league.n_teams, size=2, replace=False)
        picks = []
        for t in (ta, tb):  # a rotation or bench player, not one already moved
            pool = [p for p in np.nonzero((team == t) & (roles != STARTER))[0].tolist() if p not in traded]
            picks.append(int(rng.choice(pool)))
        date = window[int(rng.integers(0, len(window)))]
        trades.append((date, picks[0], picks[1]))
        traded.update(picks)
    for _, pa, pb in trades:
        team[pa], team[pb] = team[pb], team[pa]
    return sorted(trades)


def _rosters(
    league: League, tg_team: np.ndarray, tg_date: np.ndarray, trades: list[tuple[dt.date, int, int]]
) -> np.ndarray:
    """[team-game, slot] player indices, rosters as of the game date (trades take effect on their date)."""
    team = league.a["team"].copy()
    for _, pa, pb in trades:  # undo: ``league`` already holds the post-trade teams
        team[pa], team[pb] = team[pb], team[pa]
    rosters = {t: sorted(np.nonzero(team == t)[0].tolist()) for t in range(league.n_teams)}
    width = max(len(r) for r in rosters.values())
    out = np.full((len(tg_team), width), -1)
    pending = list(trades)
    for i, (t, d) in enumerate(zip(tg_team.tolist(), tg_date.tolist(), strict=True)):
        while pending and pending[0][0] <= d:
            _, pa, pb = pending.pop(0)
            ta, tb = int(team[pa]), int(team[pb])
            rosters[ta] = sorted([p for p in rosters[ta] if p != pa] + [pb])
            rosters[tb] = sorted([p for p in rosters[tb] if p != pb] + [pa])
            team[pa], team[pb] = tb, ta
        out[i, : len(rosters[t])] = rosters[t]
    return out
