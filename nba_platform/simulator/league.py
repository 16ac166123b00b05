"""A deterministic NBA league simulator that lands files in the sources' native JSON shapes.

The platform can then run offline and be benchmarked end to end. The simulator writes the same kinds of file the
scrapers land (see ``nba_platform.landing.zone``):

* stats.nba.com ``leaguegamelog`` per game date, ``PlayerOrTeam=P`` (32 headers) and ``T`` (29 headers);
* the cdn.nba.com ``scheduleLeagueV2`` per season;
* The Odds API v4 events list and ``player_points`` event odds per game date and snapshot: three pre-tip
  snapshots (15:00Z, 17:00Z, 21:00Z) and one *in-game* snapshot 60 minutes after tip whose lines have moved
  towards the final points. The in-game snapshot is bait: a correct platform never uses it for predictions.

Same arguments give byte-identical files: every random draw comes from ``numpy.random.default_rng`` streams
seeded by ``(seed, season start year)`` and nothing reads the wall clock. A whole season is simulated even when
``played_through`` hides part of it, so the played part does not depend on ``played_through``.

The model, briefly. Each team has a latent defence factor and pace; each player a role, minutes mean, points per
minute, shot mix and per-minute rates for the other stats. Per game a team's points total is drawn around
``sum(minutes * points per minute) * opponent defence * pace * home * rest``; the total is split between the
players by a Dirichlet-multinomial (gamma-Poisson given the total), so a player's variance grows with his mean
while team totals keep a realistic spread. Points are then decomposed into free throws, threes and twos so that
``PTS = 2*(FGM-FG3M) + 3*FG3M + FTM`` holds exactly. Book lines are noisy estimates of the same expected points.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np

from nba_platform.core.calendar import ET, season_of
from nba_platform.landing.zone import (
    LocalLanding,
    odds_events_path,
    odds_player_points_path,
    player_boxscores_path,
    schedule_path,
    team_boxscores_path,
)

log = logging.getLogger(__name__)

UTC = dt.UTC


# --------------------------------------------------------------------------------------------------------------
# Static reference data
# --------------------------------------------------------------------------------------------------------------


class _Team(NamedTuple):
    team_id: int
    tricode: str
    city: str
    name: str
    slug: str
    tz: str

    @property
    def full_name(self) -> str:  # stats.nba.com TEAM_NAME, e.g. "LA Clippers"
        return f"{self.city} {self.name}"

    @property
    def odds_name(self) -> str:  # The Odds API spells the Clippers out
        return "Los Angeles Clippers" if self.tricode == "LAC" else self.full_name


_CT, _MT, _PT, _EAST = "America/Chicago", "America/Denver", "America/Los_Angeles", "America/New_York"
TEAMS: tuple[_Team, ...] = (
    _Team(1610612737, "ATL", "Atlanta", "Hawks", "hawks", _EAST),
    _Team(1610612738, "BOS", "Boston", "Celtics", "celtics", _EAST),
    _Team(1610612739, "CLE", "Cleveland", "Cavaliers", "cavaliers", _EAST),
    _Team(1610612740, "NOP", "New Orleans", "Pelicans", "pelicans", _CT),
    _Team(1610612741, "CHI", "Chicago", "Bulls", "bulls", _CT),
    _Team(1610612742, "DAL", "Dallas", "Mavericks", "mavericks", _CT),
    _Team(1610612743, "DEN", "Denver", "Nuggets", "nuggets", _MT),
    _Team(1610612744, "GSW", "Golden State", "Warriors", "warriors", _PT),
    _Team(1610612745, "HOU", "Houston", "Rockets", "rockets", _CT),
    _Team(1610612746, "LAC", "LA", "Clippers", "clippers", _PT),
    _Team(1610612747, "LAL", "Los Angeles", "Lakers", "lakers", _PT),
    _Team(1610612748, "MIA", "Miami", "Heat", "heat", _EAST),
    _Team(1610612749, "MIL", "Milwaukee", "Bucks", "bucks", _CT),
    _Team(1610612750, "MIN", "Minnesota", "Timberwolves", "timberwolves", _CT),
    _Team(1610612751, "BKN", "Brooklyn", "Nets", "nets", _EAST),
    _Team(1610612752, "NYK", "New York", "Knicks", "knicks", _EAST),
    _Team(1610612753, "ORL", "Orlando", "Magic", "magic", _EAST),
    _Team(1610612754, "IND", "Indiana", "Pacers", "pacers", "America/Indiana/Indianapolis"),
    _Team(1610612755, "PHI", "Philadelphia", "76ers", "sixers", _EAST),
    _Team(1610612756, "PHX", "Phoenix", "Suns", "suns", "America/Phoenix"),
    _Team(1610612757, "POR", "Portland", "Trail Blazers", "blazers", _PT),
    _Team(1610612758, "SAC", "Sacramento", "Kings", "kings", _PT),
    _Team(1610612759, "SAS", "San Antonio", "Spurs", "spurs", _CT),
    _Team(1610612760, "OKC", "Oklahoma City", "Thunder", "thunder", _CT),
    _Team(1610612761, "TOR", "Toronto", "Raptors", "raptors", "America/Toronto"),
    _Team(1610612762, "UTA", "Utah", "Jazz", "jazz", _MT),
    _Team(1610612763, "MEM", "Memphis", "Grizzlies", "grizzlies", _CT),
    _Team(1610612764, "WAS", "Washington", "Wizards", "wizards", _EAST),
    _Team(1610612765, "DET", "Detroit", "Pistons", "pistons", "America/Detroit"),
    _Team(1610612766, "CHA", "Charlotte", "Hornets", "hornets", _EAST),
)

PLAYER_HEADERS = (
    "SEASON_ID", "PLAYER_ID", "PLAYER_NAME", "TEAM_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID", "GAME_DATE",
    "MATCHUP", "WL", "MIN", "FGM", "FGA", "FG_PCT", "FG3M", "FG3A", "FG3_PCT", "FTM", "FTA", "FT_PCT", "OREB",
    "DREB", "REB", "AST", "STL", "BLK", "TOV", "PF", "PTS", "PLUS_MINUS", "FANTASY_PTS", "VIDEO_AVAILABLE",
)  # fmt: skip
TEAM_HEADERS = (
    "SEASON_ID", "TEAM_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "GAME_ID", "GAME_DATE", "MATCHUP", "WL", "MIN",
    "FGM", "FGA", "FG_PCT", "FG3M", "FG3A", "FG3_PCT", "FTM", "FTA", "FT_PCT", "OREB", "DREB", "REB", "AST", "STL",
    "BLK", "TOV", "PF", "PTS", "PLUS_MINUS", "VIDEO_AVAILABLE",
)  # fmt: skip

BOOKS: tuple[tuple[str, str], ...] = (
    ("draftkings", "DraftKings"),
    ("fanduel", "FanDuel"),
    ("betmgm", "BetMGM"),
    ("williamhill_us", "Caesars"),
    ("bovada", "Bovada"),
)
_BOVADA = 4

PRE_TIP_SNAPSHOTS_UTC = (dt.time(15, 0), dt.time(17, 0), dt.time(21, 0))
IN_GAME_DELAY = dt.timedelta(minutes=60)
# The real feed's commence_time is ~10 minutes after the scheduled tip; here it equals the tip.
COMMENCE_DELAY = dt.timedelta(0)
_LIVE_WINDOW = dt.timedelta(minutes=150)  # an event counts as live in the events list this long after tip

_FIRST = (
    "Aaron", "Adrian", "Alec", "Andre", "Anthony", "Austin", "Ben", "Blake", "Brandon", "Brook", "Bruce", "Caleb",
    "Cameron", "Chris", "Cole", "Collin", "Corey", "Dalton", "Damian", "Daniel", "Darius", "David", "Dean",
    "Derrick", "Desmond", "Devin", "Donovan", "Dylan", "Elijah", "Eric", "Evan", "Gary", "Grant", "Isaiah", "Jalen",
    "Jamal", "Jaren", "Jason", "Jaylen", "Jeremy", "Jordan", "Josh", "Julian", "Justin", "Keegan", "Keith", "Kevin",
    "Kyle", "Lamar", "Luke", "Malik", "Marcus", "Mark", "Miles", "Mitchell", "Nate", "Nick", "Noah", "Obi",
    "Patrick", "Quentin", "Reggie", "Rudy", "Russell", "Ryan", "Scottie", "Seth", "Shane", "Terrence", "Trey",
    "Tyler", "Tyrese", "Victor", "Walker", "Xavier", "Zach",
)  # fmt: skip
_LAST = (
    "Adams", "Allen", "Anderson", "Bailey", "Banks", "Barnes", "Bell", "Bennett", "Brooks", "Brown", "Bryant",
    "Butler", "Carter", "Clark", "Coleman", "Collins", "Cook", "Cooper", "Davis", "DeVries", "Dixon", "Edwards",
    "Ellis", "Evans", "Fisher", "Ford", "Foster", "Gibson", "Gordon", "Graham", "Gray", "Green", "Griffin", "Hall",
    "Harris", "Hayes", "Henderson", "Hill", "Holmes", "Howard", "Hughes", "Jackson", "James", "Jenkins", "Johnson",
    "Jones", "Kelly", "King", "Knight", "Lewis", "Lopez", "Marshall", "Martin", "Mason", "McDaniels", "Miller",
    "Moore", "Morgan", "Morris", "Murphy", "Murray", "Nelson", "O'Neal", "Owens", "Parker", "Patterson", "Payne",
    "Perry", "Porter", "Powell", "Price", "Reed", "Reynolds", "Richardson", "Roberts", "Robinson", "Ross",
    "Sanders", "Scott", "Simmons", "Smith", "Stewart", "Sullivan", "Taylor", "Thomas", "Thompson", "Tucker",
    "Turner", "Wallace", "Ward", "Warren", "Washington", "Watson", "Wells", "White", "Williams", "Wilson", "Wright",
    "Young",
)  # fmt: skip
# NBA.com spells these ASCII here; some odds feeds carry the accents. Not in _LAST, so names stay unique.
_ACCENTED = {
    "Jokic": "Jokić",
    "Doncic": "Dončić",
    "Vucevic": "Vučević",
    "Nurkic": "Nurkić",
    "Schroder": "Schröder",
}
_SUFFIXES = ("Jr.", "Jr.", "II", "III")

FIRST_PLAYER_ID = 1630000

# --------------------------------------------------------------------------------------------------------------
# Model constants (calibrated against 2024-25 league averages: ~114 points, 13.5 threes, 44 rebounds a team)
# --------------------------------------------------------------------------------------------------------------

STARTER, ROTATION, BENCH = 0, 1, 2
_MIN_RANGE = np.array([[28.0, 37.0], [16.0, 26.0], [5.0, 12.0]])
_PPM_RANGE = np.array([[0.42, 0.68], [0.35, 0.58], [0.30, 0.50]])
_STAR_PPM = (0.70, 0.90)
_DNP_RATE = np.array([0.03, 0.05, 0.50])  # day-of absences (rest, illness, coach's decision)
_B2B_STARTER_REST = 0.05
_MIN_SIGMA = np.array([0.12, 0.22, 0.45])  # log-sd of minutes around the mean, by role
# how much each role's minutes give when the rotation is long or short (starters least)
_MIN_ELASTICITY = np.array([0.4, 1.0, 1.6])
_MIN_PLAYERS = 8
_INJURY_RATE = 0.004  # chance a multi-game absence starts, per player-game
_TEAM_PTS_SD = 8.5  # independent per-team noise of the points total
_SCRIPT_SD = 3.5  # game-script shock, +for home / -for away
_PACE_SD = 0.03
_DIRICHLET_ALPHA = 55.0  # concentration of the split of team points between players
_OT_PROB_CLOSE = 0.28  # regulation margins of 1-3 points that go to overtime instead (ties always do)
_DOUBLE_OT_PROB = 0.06
_B2B_PENALTY = 0.3  # scheduler: how strongly to avoid a team's second game on consecutive days
_WEEKDAY_WEIGHT = np.array([0.95, 0.85, 1.25, 0.7, 1.2, 1.1, 0.85])  # Mon..Sun share of games
# Per-minute rates of a league-average player; player multipliers are drawn around 1.
_BASE_RATE = {
    "oreb": 0.0455,
    "dreb": 0.138,
    "ast": 0.110,
    "stl": 0.034,
    "blk": 0.020,
    "tov": 0.055,
    "pf": 0.077,
}
_LINE_MIN_MINUTES = 15.0


@dataclass(frozen=True)
class SimulationSummary:
    seasons: list[str]
    games: int
    player_rows: int
    files_written: int
    first_date: dt.date
    last_date: dt.date
    game_dates: list[dt.date]


# --------------------------------------------------------------------------------------------------------------
# Players and the league state carried across seasons
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _League:
    n_teams: int
    def_factor: np.ndarray  # multiplier on the points a team allows
    pace: np.ndarray
    ids: np.ndarray
    names: list[str]
    odds_names: list[str]
    a: dict[str, np.ndarray]  # numeric player attributes; "team" is -1 for retired players
    used_names: np.ndarray  # (first, last) index pairs already taken, as first * len(_LAST) + last


def _draw_attributes(rng: np.random.Generator, roles: np.ndarray, star: np.ndarray) -> dict[str, np.ndarray]:
    n = len(roles)
    min_mean = rng.uniform(_MIN_RANGE[roles, 0], _MIN_RANGE[roles, 1])
    ppm = np.where(star, rng.uniform(*_STAR_PPM, n), rng.uniform(_PPM_RANGE[roles, 0], _PPM_RANGE[roles, 1]))
    size = rng.uniform(0.0, 1.0, n)  # guard (0) .. big (1): drives shot mix, rebounds, assists, blocks
    usage = ppm / 0.55

    def lognorm(sd: float) -> np.ndarray:
        return np.exp(rng.normal(0.0, sd, n))

    return {
        "min_mean": min_mean,
        "ppm": ppm,
        "size": size,
        # binomial probabilities used by the points decomposition (see _split_points)
        "ft_p": np.clip(0.07 + 0.05 * usage + rng.normal(0, 0.025, n), 0.02, 0.25),
        "three_p": np.clip(0.72 - 0.55 * size + rng.normal(0, 0.08, n), 0.02, 0.75),
        "p2": np.clip(0.56 + 0.08 * size + rng.normal(0, 0.02, n), 0.48, 0.7),
        "p3": np.clip(rng.normal(0.405, 0.025, n), 0.32, 0.48),
        "ftp": np.clip(0.68 + 0.2 * (1 - size) + rng.normal(0, 0.05, n), 0.5, 0.93),
        "oreb": _BASE_RATE["oreb"] * (0.3 + 1.4 * size) * lognorm(0.15),
        "dreb": _BASE_RATE["dreb"] * (0.6 + 0.8 * size) * lognorm(0.12),
        "ast": _BASE_RATE["ast"] * (1.6 - 1.2 * size) * (0.55 + 0.45 * usage) * lognorm(0.2),
        "stl": _BASE_RATE["stl"] * lognorm(0.2),
        "blk": _BASE_RATE["blk"] * (0.2 + 1.6 * size) * lognorm(0.2),
        "tov": _BASE_RATE["tov"] * (0.5 + 0.5 * usage) * lognorm(0.15),
        "pf": _BASE_RATE["pf"] * (0.8 + 0.4 * size) * lognorm(0.1),
    }


def _draw_names(
    rng: np.random.Generator, league_used: np.ndarray, n: int
) -> tuple[list[str], list[str], np.ndarray]:
    """Unique ASCII names (sampled without replacement from the unused first x last pairs); a few carry a suffix,
    and the odds feeds then often spell that suffix differently or drop it."""
    total = len(_FIRST) * len(_LAST)
    pairs = np.arange(total)
    same = np.array([_FIRST[i // len(_LAST)] == _LAST[i % len(_LAST)] for i in pairs])  # no "Jordan Jordan"
    free = pairs[~same & ~np.isin(pairs, league_used)]
    if len(free) < n:
        raise ValueError("ran out of unique player names")
    picked = rng.choice(free, size=n, replace=False)
    has_suffix = rng.random(n) < 0.05
    suffix_idx = rng.integers(0, len(_SUFFIXES), n)
    variant = rng.random(n)
    names, odds_names = [], []
    for k, pair in enumerate(picked.tolist()):
        base = f"{_FIRST[pair // len(_LAST)]} {_LAST[pair % len(_LAST)]}"
        if not has_suffix[k]:
            names.append(base)
            odds_names.append(base)
            continue
        suffix = _SUFFIXES[suffix_idx[k]]
        names.append(f"{base} {suffix}")
        if variant[k] < 0.4:
            odds_names.append(base)
        elif suffix == "Jr." and variant[k] < 0.8:
            odds_names.append(f"{base} Jr")
        else:
            odds_names.append(f"{base} {suffix}")
    return names, odds_names, picked


def _team_roles(n_players: int) -> np.ndarray:
    """5 starters, 4 rotation players, the rest (4-6) deep bench."""
    return np.array([STARTER] * 5 + [ROTATION] * 4 + [BENCH] * (n_players - 9))


def _new_league(rng: np.random.Generator, n_teams: int) -> _League:
    sizes = rng.integers(13, 16, n_teams)
    roles = np.concatenate([_team_roles(s) for s in sizes])
    team = np.repeat(np.arange(n_teams), sizes)
    star = np.zeros(len(roles), bool)
    star[np.cumsum(np.r_[0, sizes[:-1]])] = True  # the first starter of each team
    attrs = _draw_attributes(rng, roles, star)
    attrs["team"] = team
    names, odds_names, used = _draw_names(rng, np.empty(0, int), len(roles))
    # A couple of starters get a name that some books spell with accents.
    accent_keys = list(_ACCENTED)
    for k, p in enumerate(rng.choice(np.nonzero(roles == STARTER)[0], size=min(3, n_teams), replace=False)):
        first = names[p].split(" ")[0]
        last = accent_keys[k % len(accent_keys)]
        names[p], odds_names[p] = f"{first} {last}", f"{first} {_ACCENTED[last]}"
    league = _League(
        n_teams=n_teams,
        def_factor=np.clip(rng.normal(1.0, 0.035, n_teams), 0.9, 1.1),
        pace=np.clip(rng.normal(1.0, 0.025, n_teams), 0.93, 1.07),
        ids=FIRST_PLAYER_ID + np.arange(len(roles)),
        names=names,
        odds_names=odds_names,
        a=attrs,
        used_names=used,
    )
    _normalise_offence(rng, league)
    return league


def _normalise_offence(rng: np.random.Generator, league: _League) -> None:
    """Scale each team's points-per-minute so its expected points land near a drawn team rating (~112.5)."""
    a = league.a
    for t in range(league.n_teams):
        members = np.nonzero(a["team"] == t)[0]
        roles = _roles_of(a["min_mean"][members])
        p_play = 1.0 - _DNP_RATE[roles]
        weight = (a["min_mean"][members] * p_play)[None, :]
        em = _fit_minutes(weight, weight > 0, np.array([240.0]), _MIN_ELASTICITY[roles])[0]
        expected = np.sum(em * a["ppm"][members])
        scale = np.clip(rng.normal(112.5, 3.5) / expected, 0.8, 1.25)
        a["ppm"][members] = np.clip(a["ppm"][members] * scale, 0.28, 0.95)


def _roles_of(min_mean: np.ndarray) -> np.ndarray:
    """Roles of one team's players from their minutes ranking."""
    order = np.argsort(-min_mean, kind="stable")
    roles = np.empty(len(min_mean), int)
    roles[order] = _team_roles(len(min_mean))
    return roles


def _offseason(rng: np.random.Generator, league: _League) -> None:
    """Small drift for everyone; some deep-bench players retire and rookies (new ids) take their spots."""
    a = league.a
    active = a["team"] >= 0
    n = len(active)
    a["min_mean"] = np.clip(a["min_mean"] + rng.normal(0, 1.5, n), 4.0, 38.0)
    a["ppm"] = np.clip(a["ppm"] * np.exp(rng.normal(0, 0.05, n)), 0.28, 0.95)
    retire = active & (a["min_mean"] < 12.0) & (rng.random(n) < 0.15)
    n_new = int(retire.sum())
    if n_new == 0:
        return
    new_team = a["team"][retire].copy()
    a["team"][retire] = -1
    fresh = _draw_attributes(rng, np.full(n_new, BENCH), np.zeros(n_new, bool))
    fresh["team"] = new_team
    names, odds_names, used = _draw_names(rng, league.used_names, n_new)
    start = int(league.ids.max()) + 1
    league.ids = np.r_[league.ids, start + np.arange(n_new)]
    league.names += names
    league.odds_names += odds_names
    league.used_names = np.r_[league.used_names, used]
    league.a = {k: np.r_[a[k], fresh[k]] for k in a}


# --------------------------------------------------------------------------------------------------------------
# Calendar and schedule
# --------------------------------------------------------------------------------------------------------------


def _season_days(start_year: int) -> list[dt.date]:
    """Game days of a regular season: Tuesday Oct 20-26 to mid-April (174 days), minus Thanksgiving, Christmas Eve
    and a five-day All-Star break (Friday to Tuesday around the third Sunday of February)."""
    oct20 = dt.date(start_year, 10, 20)
    start = oct20 + dt.timedelta(days=(1 - oct20.weekday()) % 7)
    nov1 = dt.date(start_year, 11, 1)
    thanksgiving = nov1 + dt.timedelta(days=(3 - nov1.weekday()) % 7 + 21)
    feb1 = dt.date(start_year + 1, 2, 1)
    all_star = feb1 + dt.timedelta(days=(6 - feb1.weekday()) % 7 + 14)
    off = {thanksgiving, dt.date(start_year, 12, 24)} | {
        all_star + dt.timedelta(days=k) for k in range(-2, 3)
    }
    days = (start + dt.timedelta(days=i) for i in range(174))
    return [d for d in days if d not in off]


def _matchups(rng: np.random.Generator, n_teams: int, games_per_team: int) -> tuple[np.ndarray, np.ndarray]:
    """``games_per_team`` rounds, each a perfect matching (circle method on a fresh random labelling per cycle),
    so every team plays exactly ``games_per_team`` games; home sides go to the team with fewer home games."""
    home_count = np.zeros(n_teams, int)
    homes, aways = [], []
    rounds = 0
    while rounds < games_per_team:
        perm = rng.permutation(n_teams)
        for r in rng.permutation(n_teams - 1):
            if rounds == games_per_team:
                break
            ring = np.r_[0, np.roll(np.arange(1, n_teams), r)]
            for i in range(n_teams // 2):
                x, y = int(perm[ring[i]]), int(perm[ring[n_teams - 1 - i]])
                if home_count[y] < home_count[x] or (home_count[x] == home_count[y] and rng.random() < 0.5):
                    x, y = y, x
                homes.append(x)
                aways.append(y)
                home_count[x] += 1
            rounds += 1
    return np.array(homes), np.array(aways)


def _stochastic_round(rng: np.random.Generator, x: float) -> int:
    return int(np.floor(x + rng.random()))


def _assign_days(
    rng: np.random.Generator, home: np.ndarray, away: np.ndarray, n_teams: int, days: list[dt.date]
) -> np.ndarray:
    """Day index of each game. Greedy day by day: a weekday-weighted number of games is taken from the front of
    the matchup list, preferring teams that are behind their pace and avoiding back-to-backs (never three games
    in three days); anything left at the end goes to the latest day on which both teams are free."""
    n_games, n_days = len(home), len(days)
    ordinal = np.array([d.toordinal() for d in days])
    weights = _WEEKDAY_WEIGHT[[d.weekday() for d in days]]
    weights[0] = 0.25  # opening night is a showcase of a couple of games
    tail_weight = np.cumsum(weights[::-1])[::-1]
    left = np.bincount(home, minlength=n_teams) + np.bincount(away, minlength=n_teams)
    last = np.full(n_teams, -100)
    before_last = np.full(n_teams, -100)
    busy = np.zeros((n_teams, n_days), bool)
    day_of = np.full(n_games, -1)
    pending = np.arange(n_games)
    window = max(2 * n_teams, 12)
    for k in range(n_days):
        if len(pending) == 0:
            break
        target = min(_stochastic_round(rng, len(pending) * weights[k] / tail_weight[k]), n_teams // 2)
        target = max(target, int(k == 0))  # the season opens on its first day, whatever the league size
        if target == 0:
            continue
        cand = pending[:window]
        h, a = home[cand], away[cand]
        today = ordinal[k]
        b2b_h, b2b_a = last[h] == today - 1, last[a] == today - 1
        three = (b2b_h & (before_last[h] == today - 2)) | (b2b_a & (before_last[a] == today - 2))
        score = (left[h] + left[a]) / (n_days - k) - _B2B_PENALTY * (b2b_h.astype(float) + b2b_a)
        score = np.where(three, -np.inf, score + rng.normal(0, 0.15, len(cand)))
        taken = 0
        for i in np.argsort(-score, kind="stable"):
            if taken == target or score[i] == -np.inf:
                break
            if busy[h[i], k] or busy[a[i], k]:
                continue
            busy[h[i], k] = busy[a[i], k] = True
            day_of[cand[i]] = k
            taken += 1
            for t in (h[i], a[i]):
                before_last[t], last[t] = last[t], today
                left[t] -= 1
        pending = pending[day_of[pending] < 0]
    for g in pending:  # rare leftovers
        free = np.nonzero(~busy[home[g]] & ~busy[away[g]])[0]
        if len(free) == 0:
            raise RuntimeError("could not fit the schedule into the season calendar")
        day_of[g] = free[-1]
        busy[home[g], free[-1]] = busy[away[g], free[-1]] = True
    return day_of


_EVENING_LOCAL = ((19, 0), (19, 30), (20, 0))
_EVENING_P = np.array([0.5, 0.38, 0.12])
_AFTERNOON_ET = ((12, 0), (13, 0), (15, 0), (15, 30), (17, 0), (18, 0))


def _tip_times(rng: np.random.Generator, dates: list[dt.date], home_tz: list[str]) -> list[dt.datetime]:
    """Tips in ET (aware): 7:00-8:00 pm local (so 7:00-10:30 pm ET), some weekend afternoon games."""
    n = len(dates)
    afternoon = rng.random(n) < 0.15
    slot = rng.integers(0, len(_AFTERNOON_ET), n)
    evening = np.searchsorted(np.cumsum(_EVENING_P), rng.random(n) * 0.999999)
    tips = []
    for i, d in enumerate(dates):
        tz = ZoneInfo(home_tz[i])
        if d.weekday() >= 5 and afternoon[i]:
            hh, mm = _AFTERNOON_ET[slot[i]]
            tip = dt.datetime(d.year, d.month, d.day, hh, mm, tzinfo=ET)
            if tip.astimezone(tz).hour < 12:  # no morning tips out west
                tip = tip.replace(hour=15, minute=30)
        else:
            west = home_tz[i] in (_PT, "America/Phoenix")
            hh, mm = _EVENING_LOCAL[min(int(evening[i]), 1) if west else int(evening[i])]
            tip = dt.datetime(d.year, d.month, d.day, hh, mm, tzinfo=tz).astimezone(ET)
        tips.append(tip)
    return tips


# --------------------------------------------------------------------------------------------------------------
# One season
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Season:
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


def _simulate_season(
    rng: np.random.Generator, league: _League, start_year: int, games_per_team: int
) -> _Season:
    n_teams = league.n_teams
    days = _season_days(start_year)
    home, away = _matchups(rng, n_teams, games_per_team)
    day_idx = _assign_days(rng, home, away, n_teams, days)
    dates = [days[k] for k in day_idx]
    tips = _tip_times(rng, dates, [TEAMS[t].tz for t in home])
    order = sorted(range(len(home)), key=lambda g: (dates[g], tips[g], TEAMS[home[g]].team_id))
    home, away = home[order], away[order]
    dates = [dates[g] for g in order]
    tips = [tips[g] for g in order]
    game_ids = [f"002{start_year % 100:02d}{k + 1:05d}" for k in range(len(order))]

    n_games = len(home)
    tg_team = np.column_stack([home, away]).ravel()
    tg_opp = np.column_stack([away, home]).ravel()
    tg_home = np.tile([True, False], n_games)
    tg_b2b = _back_to_backs(tg_team, np.repeat([d.toordinal() for d in dates], 2), n_teams)
    roles = _season_roles(league)
    trades = _draw_trades(rng, league, roles, days)
    players = _rosters(league, tg_team, np.repeat(dates, 2), trades)

    season = _Season(
        label=season_of(days[0]),
        start_year=start_year,
        days=days,
        game_ids=game_ids,
        dates=dates,
        tips_et=tips,
        home=home,
        away=away,
        n_ot=np.zeros(n_games, int),
        tg_team=tg_team,
        players=players,
        plays=np.zeros(players.shape, bool),
        stats={},
        team_stats={},
        expected_minutes=np.zeros(players.shape),
        known_out=np.zeros(players.shape, bool),
        book_factor=np.zeros(2 * n_games),
    )
    _play_games(rng, league, season, roles, tg_opp, tg_home, tg_b2b)
    return season


def _back_to_backs(tg_team: np.ndarray, tg_day: np.ndarray, n_teams: int) -> np.ndarray:
    """True for a team-game played the calendar day after the team's previous game (tg is chronological)."""
    last = np.full(n_teams, -100)
    out = np.zeros(len(tg_team), bool)
    for i, (t, d) in enumerate(zip(tg_team.tolist(), tg_day.tolist(), strict=True)):
        out[i] = last[t] == d - 1
        last[t] = d
    return out


def _season_roles(league: _League) -> np.ndarray:
    roles = np.full(len(league.ids), BENCH)
    for t in range(league.n_teams):
        members = np.nonzero(league.a["team"] == t)[0]
        roles[members] = _roles_of(league.a["min_mean"][members])
    return roles


def _draw_trades(
    rng: np.random.Generator, league: _League, roles: np.ndarray, days: list[dt.date]
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
    league: _League, tg_team: np.ndarray, tg_date: np.ndarray, trades: list[tuple[dt.date, int, int]]
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


def _injuries(rng: np.random.Generator, players: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Multi-game absences: (out, known before tip). Half of the spells are a surprise on their first game."""
    flat = players.ravel()
    order = np.argsort(flat, kind="stable")  # per player, chronological (tg order is chronological)
    order = order[flat[order] >= 0]
    who = flat[order]
    n = len(order)
    starts = np.nonzero(rng.random(n) < _INJURY_RATE)[0]
    long = rng.random(len(starts)) < 0.15
    length = np.where(long, rng.geometric(1 / 15, len(starts)), rng.geometric(1 / 4, len(starts)))
    surprise = rng.random(len(starts)) < 0.5
    run_end = np.r_[np.nonzero(who[1:] != who[:-1])[0] + 1, n]  # one past each player's last cell
    out, known = np.zeros(n, bool), np.zeros(n, bool)
    for s, span, first_unknown in zip(starts.tolist(), length.tolist(), surprise.tolist(), strict=True):
        end = min(s + span, int(run_end[np.searchsorted(run_end, s, side="right")]))
        out[s:end] = True
        known[s + int(first_unknown) : end] = True
    out_m, known_m = np.zeros(flat.shape, bool), np.zeros(flat.shape, bool)
    out_m[order], known_m[order] = out, known
    return out_m.reshape(players.shape), known_m.reshape(players.shape)


def _round_rows(values: np.ndarray, mask: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Integers within 1 of ``values`` whose masked row sums equal ``totals`` (largest remainder rounding).
    Each row of ``values`` must already sum to its total."""
    v = np.where(mask, values, 0.0)
    base = np.floor(v)
    frac = np.where(mask, v - base, -1.0)
    short = np.rint(totals - base.sum(axis=1)).astype(int)
    order = np.argsort(-frac, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(v.shape[1]), v.shape), axis=1)
    return np.where(mask, base + (rank < short[:, None]), 0).astype(np.int64)


def _fit_minutes(raw: np.ndarray, mask: np.ndarray, total: np.ndarray, elasticity: np.ndarray) -> np.ndarray:
    """Scale each row to its total as ``raw * f ** elasticity`` (bisection on log f): coaches stretch or trim
    the bench before they touch the starters' minutes."""
    lo, hi = np.full(len(raw), -4.0), np.full(len(raw), 4.0)
    raw = np.where(mask, raw, 0.0)
    for _ in range(40):
        mid = (lo + hi) / 2
        too_many = np.sum(raw * np.exp(mid[:, None] * elasticity), axis=1) > total
        hi, lo = np.where(too_many, mid, hi), np.where(too_many, lo, mid)
    v = raw * np.exp(((lo + hi) / 2)[:, None] * elasticity)
    return v * (total / np.maximum(v.sum(axis=1), 1e-9))[:, None]


def _allocate_minutes(
    raw: np.ndarray, plays: np.ndarray, total: np.ndarray, cap: np.ndarray, elasticity: np.ndarray
) -> np.ndarray:
    """Whole minutes, at least 1 each and at most ``cap``, summing exactly to the team total (240/265/290)."""
    v = _fit_minutes(raw, plays, total, elasticity)
    for _ in range(4):  # clip to [1, cap] and hand the difference to the players in between
        v = np.where(plays, np.clip(v, 1.0, cap[:, None]), 0.0)
        free = np.where(plays & (v > 1.0) & (v < cap[:, None]), v, 0.0)
        v += (total - v.sum(axis=1))[:, None] * free / np.maximum(free.sum(axis=1, keepdims=True), 1e-9)
    return _round_rows(v, plays, total)


def _ensure_rotation(plays: np.ndarray, healthy: np.ndarray, min_mean: np.ndarray) -> None:
    """Every team dresses at least _MIN_PLAYERS: recall healthy scratches, most-used first."""
    for r in np.nonzero(plays.sum(axis=1) < _MIN_PLAYERS)[0]:
        spare = np.nonzero(healthy[r] & ~plays[r])[0]
        need = _MIN_PLAYERS - plays[r].sum()
        plays[r, spare[np.argsort(-min_mean[r, spare], kind="stable")[:need]]] = True


def _play_games(
    rng: np.random.Generator,
    league: _League,
    s: _Season,
    roles: np.ndarray,
    tg_opp: np.ndarray,
    tg_home: np.ndarray,
    tg_b2b: np.ndarray,
) -> None:
    a = league.a
    valid = s.players >= 0
    p = np.where(valid, s.players, 0)
    role = roles[p]
    min_mean = a["min_mean"][p]
    n_tg, n_games = len(s.tg_team), len(s.home)

    # Who plays: multi-game injuries, then day-of absences (starters rest more on the second night).
    injured, known_out = _injuries(rng, s.players)
    dnp_rate = _DNP_RATE[role] + _B2B_STARTER_REST * ((role == STARTER) & tg_b2b[:, None])
    plays = valid & ~injured & (rng.random(p.shape) >= dnp_rate)
    _ensure_rotation(plays, valid & ~injured, min_mean)

    # Bookmaker view: expected minutes given the known absences, and the matchup factor without shocks.
    rest_minutes = np.where(tg_b2b[:, None] & (role == STARTER), 0.95, 1.0)
    avail = valid & ~known_out
    elasticity = _MIN_ELASTICITY[role]
    p_play = 1.0 - dnp_rate
    fitted = _fit_minutes(min_mean * rest_minutes * p_play, avail, np.full(n_tg, 240.0), elasticity)
    s.expected_minutes = np.where(avail, fitted / p_play, 0.0)  # minutes if he plays
    s.known_out = known_out
    opp_b2b = np.column_stack([tg_b2b[1::2], tg_b2b[0::2]]).ravel()
    pace_pair = np.sqrt(league.pace[s.tg_team] * league.pace[tg_opp])
    matchup = (
        league.def_factor[tg_opp]
        * np.where(tg_home, 1.01, 0.99)
        * np.where(tg_b2b, 0.975, 1.0)
        * np.where(opp_b2b, 1.01, 1.0)
    )
    s.book_factor = matchup * pace_pair

    # Regulation totals: expected rate of the players who dress, plus team, game-script and pace shocks.
    ppm = a["ppm"][p]
    sigma = _MIN_SIGMA[role]
    raw = np.where(plays, min_mean * rest_minutes * np.exp(rng.normal(0, sigma) - sigma**2 / 2), 0.0)
    raw = np.minimum(raw, 44.0)
    fit = _fit_minutes(raw, plays, np.full(n_tg, 240.0), elasticity)
    rate = np.sum(fit * ppm, axis=1) / 240.0
    pace_game = np.repeat(np.exp(rng.normal(0, _PACE_SD, n_games)), 2) * pace_pair
    script = np.repeat(rng.normal(0, _SCRIPT_SD, n_games), 2) * np.where(tg_home, 1.0, -1.0)
    expected = 240.0 * rate * matchup * pace_game
    points = np.maximum(np.rint(expected + script + rng.normal(0, _TEAM_PTS_SD, n_tg)), 70).astype(np.int64)
    n_ot = _overtime(rng, points)
    s.n_ot = n_ot

    # Minutes: blowouts empty the bench, close games tighten the rotation.
    margin = np.abs(points[0::2] - points[1::2]).repeat(2)
    blowout, close = (margin >= 20)[:, None], (margin <= 6)[:, None]
    starter, bench = role == STARTER, role == BENCH
    raw = raw * np.where(blowout & starter, 0.85, 1.0) * np.where(blowout & bench, 1.6, 1.0)
    raw = raw * np.where(close & starter, 1.05, 1.0) * np.where(close & bench, 0.85, 1.0)
    total_min = 240 + 25 * n_ot.repeat(2)
    minutes = _allocate_minutes(raw, plays, total_min, 48.0 + 5.0 * n_ot.repeat(2), elasticity)

    # Split each team total between its players (Dirichlet-multinomial around minutes * rate).
    weight = minutes * ppm
    share = weight / weight.sum(axis=1, keepdims=True)
    gam = np.where(plays, rng.gamma(np.maximum(_DIRICHLET_ALPHA * share, 1e-6)), 0.0)
    probs = gam / gam.sum(axis=1, keepdims=True)
    pts = rng.multinomial(points, probs * (1 - 1e-12))
    stats = _box_score(rng, a, p, minutes, pts, plays)
    stats["PLUS_MINUS"] = _plus_minus(rng, minutes, plays, points, total_min)
    s.plays, s.stats = plays, stats
    s.team_stats = {k: v.sum(axis=1) for k, v in stats.items() if k != "PLUS_MINUS"}
    s.team_stats["PLUS_MINUS"] = points - np.column_stack([points[1::2], points[0::2]]).ravel()


def _overtime(rng: np.random.Generator, points: np.ndarray) -> np.ndarray:
    """Ties (and some 1-3 point margins) after regulation go to overtime: both teams get the same regulation
    score plus ~10 points a period; a second period when the first ends level. Edits ``points`` in place."""
    home, away = points[0::2], points[1::2]
    diff = np.abs(home - away)
    n = len(home)
    ot = (diff == 0) | ((diff <= 3) & (rng.random(n) < _OT_PROB_CLOSE))
    double = ot & (rng.random(n) < _DOUBLE_OT_PROB)
    level = (home + away) // 2
    first = np.maximum(np.rint(rng.normal(10.5, 3.0, n)), 2).astype(np.int64)
    extra_h = np.maximum(np.rint(rng.normal(10.5, 3.0, n)), 2).astype(np.int64)
    extra_a = np.maximum(np.rint(rng.normal(10.5, 3.0, n)), 2).astype(np.int64)
    extra_h += (extra_h == extra_a) & (rng.random(n) < 0.5)
    extra_a += extra_h == extra_a
    # single OT: the first extra period decides; double OT: the first is level, the second decides
    home[:] = np.where(ot, level + np.where(double, first, 0) + extra_h, home)
    away[:] = np.where(ot, level + np.where(double, first, 0) + extra_a, away)
    return np.where(double, 2, np.where(ot, 1, 0))


def _split_points(
    rng: np.random.Generator, a: dict, p: np.ndarray, pts: np.ndarray
) -> tuple[np.ndarray, ...]:
    """(FTM, FG3M, FG2M) adding up to ``pts`` exactly: free throws and threes by binomials on the player's shot
    mix, the rest in twos; an odd remainder is fixed by one more or one fewer three, or one more free throw."""
    ftm = rng.binomial(pts, a["ft_p"][p])
    rest = pts - ftm
    fg3m = rng.binomial(rest // 3, a["three_p"][p])
    odd = (rest - 3 * fg3m) % 2 == 1
    u = rng.random(pts.shape)
    up = odd & (rest - 3 * fg3m >= 3) & (u < 0.4)
    down = odd & ~up & (fg3m > 0) & (u < 0.7)
    fg3m = fg3m + up - down
    ftm = ftm + (odd & ~up & ~down)
    fg2m = (pts - ftm - 3 * fg3m) // 2
    return ftm, fg3m, fg2m


def _box_score(
    rng: np.random.Generator, a: dict, p: np.ndarray, minutes: np.ndarray, pts: np.ndarray, plays: np.ndarray
) -> dict[str, np.ndarray]:
    ftm, fg3m, fg2m = _split_points(rng, a, p, pts)
    # Attempts = makes + misses; the 0.6 / three-tendency / 0.1 terms give misses to players who made none.
    fg2a = fg2m + rng.negative_binomial(fg2m + 0.6, a["p2"][p])
    fg3a = fg3m + rng.negative_binomial(fg3m + 0.05 + 0.6 * a["three_p"][p], a["p3"][p])
    fta = ftm + rng.negative_binomial(ftm + 0.1, a["ftp"][p])

    def per_minute(key: str) -> np.ndarray:
        return rng.poisson(minutes * a[key][p])

    out = {
        "MIN": minutes,
        "FGM": fg2m + fg3m,
        "FGA": fg2a + fg3a,
        "FG3M": fg3m,
        "FG3A": fg3a,
        "FTM": ftm,
        "FTA": fta,
        "OREB": per_minute("oreb"),
        "DREB": per_minute("dreb"),
        "AST": per_minute("ast"),
        "STL": per_minute("stl"),
        "BLK": per_minute("blk"),
        "TOV": per_minute("tov"),
        "PF": np.minimum(per_minute("pf"), 6),
        "PTS": pts,
    }
    out["REB"] = out["OREB"] + out["DREB"]
    return {k: np.where(plays, v, 0).astype(np.int64) for k, v in out.items()}


def _plus_minus(
    rng: np.random.Generator,
    minutes: np.ndarray,
    plays: np.ndarray,
    points: np.ndarray,
    total_min: np.ndarray,
) -> np.ndarray:
    """Player +/- summing to five times the team margin (five players on the floor), spread by minutes."""
    margin = points - np.column_stack([points[1::2], points[0::2]]).ravel()
    target = 5 * margin
    v = target[:, None] * minutes / total_min[:, None] + rng.normal(0, 1.0, minutes.shape) * np.sqrt(minutes)
    v = np.where(plays, v, 0.0)
    v += np.where(plays, ((target - v.sum(axis=1)) / plays.sum(axis=1))[:, None], 0.0)
    return _round_rows(v, plays, target)


# --------------------------------------------------------------------------------------------------------------
# Odds
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Lines:
    """Prop lines of one season, one row per (game, player) the books list. Arrays are [row, book, snapshot]."""

    tg: np.ndarray
    player: np.ndarray
    listed: np.ndarray  # [row, book]
    pulled_late: np.ndarray  # scratched on the day: gone from the 21:00Z snapshot
    line: np.ndarray
    over: np.ndarray
    under: np.ndarray
    alt_line: np.ndarray  # [row, alt, snapshot], bovada only; NaN where there is no alternate
    alt_over: np.ndarray
    alt_under: np.ndarray
    live_line: np.ndarray  # [row, book], NaN for players who did not play
    live_over: np.ndarray
    live_under: np.ndarray


def _norm_cdf(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-1.702 * x))  # logistic approximation, within 0.01


def _american(prob: np.ndarray) -> np.ndarray:
    """American odds of an implied probability (vig included): -150 for 0.6, +150 for 0.4."""
    prob = np.clip(prob, 0.02, 0.98)
    fav = -np.rint(100 * prob / (1 - prob))
    dog = np.rint(100 * (1 - prob) / prob)
    return np.where(prob >= 0.5, fav, dog).astype(np.int64)


def _priced(
    rng: np.random.Generator, belief: np.ndarray, line: np.ndarray, sd: np.ndarray, lo: float, hi: float
):
    """Over/under prices of ``line`` for a book believing ``belief``: fair probability plus a 4-5% margin."""
    p_over = np.clip(_norm_cdf((belief - line) / sd) + rng.normal(0, 0.01, line.shape), lo, hi)
    vig = rng.uniform(0.04, 0.05, line.shape)
    return _american(p_over + vig / 2), _american(1 - p_over + vig / 2)


def _recent_points(
    s: _Season, tg: np.ndarray, player: np.ndarray, n_last: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Mean points of each player's last ``n_last`` games before team-game ``tg`` (and how many there were)."""
    ptg, pslot = np.nonzero(s.plays)
    who = s.players[ptg, pslot]
    key = who.astype(np.int64) * (1 << 20) + ptg
    order = np.argsort(key, kind="stable")
    key, scored = key[order], s.stats["PTS"][ptg, pslot][order]
    csum = np.r_[0, np.cumsum(scored)]
    query = player.astype(np.int64) * (1 << 20) + tg
    upto = np.searchsorted(key, query, side="left")
    first = np.searchsorted(key, player.astype(np.int64) * (1 << 20), side="left")
    count = np.minimum(upto - first, n_last)
    mean = (csum[upto] - csum[upto - count]) / np.maximum(count, 1)
    return mean, count


def _make_lines(rng: np.random.Generator, league: _League, s: _Season) -> _Lines:
    eligible = (s.players >= 0) & ~s.known_out & (s.expected_minutes >= _LINE_MIN_MINUTES)
    tg, slot = np.nonzero(eligible)
    player = s.players[tg, slot]
    n, n_books = len(tg), len(BOOKS)
    mu = s.expected_minutes[tg, slot] * league.a["ppm"][player] * s.book_factor[tg]
    recent, count = _recent_points(s, tg, player)
    # market consensus: model mean, some weight on recent form, common noise; drifts a little between snapshots
    base = np.where(count >= 3, 0.8 * mu + 0.2 * recent, mu) + rng.normal(0, 1.5, n)
    market = base[:, None] + np.cumsum(np.c_[np.zeros(n), rng.normal(0, 0.35, (n, 2))], axis=1)
    belief = market[:, None, :] + rng.normal(0, 1.0, (n, n_books, 1)) + rng.normal(0, 0.15, (n, n_books, 3))
    belief = np.maximum(belief, 1.2)
    line = np.floor(belief) + 0.5
    sd = np.sqrt(belief + belief**2 / 8.0)
    over, under = _priced(rng, belief, line, sd, 0.47, 0.53)

    coverage = rng.uniform(0.80, 0.95, (len(s.home), n_books))
    listed = rng.random((n, n_books)) < coverage[tg // 2]
    played = s.plays[tg, slot]
    pulled_late = ~played & (rng.random(n) < 0.7)

    # bovada's alternates: one or two of main -3, -2, +2, +3, priced off the same belief
    offsets = np.array([-3.0, -2.0, 2.0, 3.0])[np.argsort(rng.random((n, 4)), axis=1)[:, :2]]
    offsets[:, 1] = np.where(rng.random(n) < 0.5, offsets[:, 1], np.nan)
    bov_line, bov_belief, bov_sd = line[:, _BOVADA, :], belief[:, _BOVADA, :], sd[:, _BOVADA, :]
    alt_line = bov_line[:, None, :] + offsets[:, :, None]
    alt_line = np.where(alt_line > 0, alt_line, np.nan)
    alt_over, alt_under = _priced(
        rng, bov_belief[:, None, :], np.nan_to_num(alt_line), bov_sd[:, None, :], 0.06, 0.94
    )

    # in-game (the bait): an hour in, lines sit close to what the player actually ends with
    actual = s.stats["PTS"][tg, slot]
    live = 0.35 * market[:, 2:3] + 0.65 * actual[:, None] + rng.normal(0, 1.0, (n, n_books))
    live_line = np.where(played[:, None], np.floor(np.maximum(live, 0.6)) + 0.5, np.nan)
    live_over, live_under = _priced(
        rng, live, np.nan_to_num(live_line), np.sqrt(np.maximum(live, 1.0)), 0.45, 0.55
    )
    return _Lines(
        tg, player, listed, pulled_late, line, over, under, alt_line, alt_over, alt_under,
        live_line, live_over, live_under,
    )  # fmt: skip


def event_id(seed: int, game_id: str) -> str:
    """The Odds API event id of a simulated game: 32 hex digits, stable for (seed, game id)."""
    return hashlib.blake2b(f"{seed}:{game_id}".encode(), digest_size=16).hexdigest()


# --------------------------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------------------------


def _dumps(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _utc_z(ts: dt.datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pct_value(made: int, att: int) -> float | None:
    """Made/attempted rounded half-up to 3 decimals (exact integer arithmetic); None without attempts."""
    return None if att == 0 else (2000 * made + att) // (2 * att) / 1000


def _pct6(made: int, att: int) -> str:
    """The player endpoint prints percentages with 6 decimals (``0.417000``) and ``null`` without attempts."""
    value = _pct_value(made, att)
    return "null" if value is None else f"{value:.6f}"


def _gamelog(season: str, player_or_team: str, date: str, headers: tuple[str, ...], rowset: str) -> bytes:
    params = {
        "LeagueID": "00",
        "Season": season,
        "SeasonType": "Regular Season",
        "PlayerOrTeam": player_or_team,
    }
    if player_or_team == "P":
        params |= {"Counter": 1000, "Sorter": "DATE", "Direction": "DESC"}
    else:
        params |= {"Counter": 0, "Sorter": "DATE", "Direction": "ASC"}
    params |= {"DateFrom": date, "DateTo": date}
    doc = {
        "resource": "leaguegamelog",
        "parameters": params,
        "resultSets": [{"name": "LeagueGameLog", "headers": list(headers), "rowSet": "@ROWS@"}],
    }
    return _dumps(doc).replace(b'"@ROWS@"', f"[{rowset}]".encode())


def _boxscore_files(
    s: _Season, league: _League, played_games: np.ndarray
) -> dict[str, tuple[bytes, bytes, int]]:
    """Per played date: (player file, team file, player rows)."""
    season_id = f"2{s.start_year}"
    st, ts = s.stats, s.team_stats
    win = ts["PLUS_MINUS"] > 0
    tg_text = []
    for tg in range(len(s.tg_team)):
        g = tg // 2
        home, away = TEAMS[s.home[g]].tricode, TEAMS[s.away[g]].tricode
        matchup = f"{home} vs. {away}" if tg % 2 == 0 else f"{away} @ {home}"
        team = TEAMS[s.tg_team[tg]]
        tg_text.append(
            f'"{season_id}",@PID@,@NAME@,{team.team_id},"{team.tricode}",{json.dumps(team.full_name)},'
            f'"{s.game_ids[g]}","{s.dates[g].isoformat()}","{matchup}","{"W" if win[tg] else "L"}"'
        )
    player_rows: dict[int, list[tuple[int, int, str]]] = {}
    ptg, pslot = np.nonzero(s.plays)
    cols = {k: v[ptg, pslot].tolist() for k, v in st.items()}
    who = s.players[ptg, pslot].tolist()
    for i, (tg, p) in enumerate(zip(ptg.tolist(), who, strict=True)):
        c = {k: v[i] for k, v in cols.items()}
        fantasy = (
            10 * c["PTS"] + 12 * c["REB"] + 15 * c["AST"] + 30 * c["STL"] + 30 * c["BLK"] - 10 * c["TOV"]
        ) / 10
        head = (
            tg_text[tg]
            .replace("@PID@", str(int(league.ids[p])), 1)
            .replace("@NAME@", json.dumps(league.names[p]), 1)
        )
        row = (
            f"[{head},{c['MIN']},{c['FGM']},{c['FGA']},{_pct6(c['FGM'], c['FGA'])},{c['FG3M']},{c['FG3A']},"
            f"{_pct6(c['FG3M'], c['FG3A'])},{c['FTM']},{c['FTA']},{_pct6(c['FTM'], c['FTA'])},{c['OREB']},"
            f"{c['DREB']},{c['REB']},{c['AST']},{c['STL']},{c['BLK']},{c['TOV']},{c['PF']},{c['PTS']},"
            f"{c['PLUS_MINUS']},{fantasy!r},1]"
        )
        player_rows.setdefault(tg // 2, []).append(
            (int(TEAMS[s.tg_team[tg]].team_id), int(league.ids[p]), row)
        )

    by_date: dict[str, list[int]] = {}
    for g in np.nonzero(played_games)[0].tolist():
        by_date.setdefault(s.dates[g].isoformat(), []).append(g)
    files = {}
    tcols = {k: v.tolist() for k, v in ts.items()}
    for date, games in by_date.items():
        prows, trows = [], []
        for g in games:  # games are in GAME_ID order already
            prows += [row for _, _, row in sorted(player_rows.get(g, []))]
            for tg in sorted((2 * g, 2 * g + 1), key=lambda x: TEAMS[s.tg_team[x]].team_id):
                c = {k: v[tg] for k, v in tcols.items()}
                head = tg_text[tg].replace("@PID@,@NAME@,", "", 1)
                trows.append(
                    f"[{head},{c['MIN']},{c['FGM']},{c['FGA']},{json.dumps(_pct_value(c['FGM'], c['FGA']))},"
                    f"{c['FG3M']},{c['FG3A']},{json.dumps(_pct_value(c['FG3M'], c['FG3A']))},{c['FTM']},"
                    f"{c['FTA']},{json.dumps(_pct_value(c['FTM'], c['FTA']))},{c['OREB']},{c['DREB']},{c['REB']},"
                    f"{c['AST']},{c['STL']},{c['BLK']},{c['TOV']},{c['PF']},{c['PTS']},{c['PLUS_MINUS']},1]"
                )
        files[date] = (
            _gamelog(s.label, "P", date, PLAYER_HEADERS, ",".join(prows)),
            _gamelog(s.label, "T", date, TEAM_HEADERS, ",".join(trows)),
            len(prows),
        )
    return files


def _clock(ts: dt.datetime) -> str:
    """Wall-clock time of an aware datetime, written with a Z as the NBA feed does for ET and local times."""
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def _schedule_team(t: int, played: bool, wins: np.ndarray, losses: np.ndarray, score: int) -> dict:
    """A schedule team entry: record after the game and score once played, zeros before."""
    team = TEAMS[t]
    return {
        "teamId": team.team_id,
        "teamName": team.name,
        "teamCity": team.city,
        "teamTricode": team.tricode,
        "teamSlug": team.slug,
        "wins": int(wins[t]) if played else 0,
        "losses": int(losses[t]) if played else 0,
        "score": int(score) if played else 0,
        "seed": 0,
    }


def _schedule_file(s: _Season, played_games: np.ndarray, captured: dt.date) -> bytes:
    """``scheduleLeagueV2``: regular-season games with records after each played game, the weeks, no TV."""
    week1_end = s.days[0] + dt.timedelta(days=6 - s.days[0].weekday())
    last = max(s.dates)
    weeks = [(1, s.days[0], week1_end)]
    while weeks[-1][2] < last:
        start = weeks[-1][2] + dt.timedelta(days=1)
        weeks.append((weeks[-1][0] + 1, start, start + dt.timedelta(days=6)))

    def week_of(d: dt.date) -> int:
        return 1 if d <= week1_end else 2 + (d - week1_end - dt.timedelta(days=1)).days // 7

    wins, losses = np.zeros(len(TEAMS), int), np.zeros(len(TEAMS), int)
    pts = s.team_stats["PTS"]
    game_dates: dict[dt.date, list[dict]] = {}
    for g, gid in enumerate(s.game_ids):
        d, tip = s.dates[g], s.tips_et[g]
        h, a = int(s.home[g]), int(s.away[g])
        played = bool(played_games[g])
        if played:
            winner, loser = (h, a) if pts[2 * g] > pts[2 * g + 1] else (a, h)
            wins[winner] += 1
            losses[loser] += 1
            status = "Final" + ("" if s.n_ot[g] == 0 else "/OT" if s.n_ot[g] == 1 else f"/OT{s.n_ot[g]}")
        else:
            status = f"{tip.hour % 12 or 12}:{tip.minute:02d} {'am' if tip.hour < 12 else 'pm'} ET"
        midnight_et = dt.datetime(d.year, d.month, d.day, tzinfo=ET)
        tip_utc = tip.astimezone(UTC)
        games = game_dates.setdefault(d, [])

        week = week_of(d)
        games.append(
            {
                "gameId": gid,
                "gameCode": f"{d:%Y%m%d}/{TEAMS[a].tricode}{TEAMS[h].tricode}",
                "gameStatus": 3 if played else 1,
                "gameStatusText": status,
                "gameSequence": len(games) + 1,
                "gameDateEst": f"{d.isoformat()}T00:00:00Z",
                "gameTimeEst": f"1900-01-01T{tip:%H:%M}:00Z",
                "gameDateTimeEst": _clock(tip),
                "gameDateUTC": _utc_z(midnight_et),
                "gameTimeUTC": f"1900-01-01T{tip_utc:%H:%M}:00Z",
                "gameDateTimeUTC": _utc_z(tip_utc),
                "awayTeamTime": _clock(tip.astimezone(ZoneInfo(TEAMS[a].tz))),
                "homeTeamTime": _clock(tip.astimezone(ZoneInfo(TEAMS[h].tz))),
                "day": d.strftime("%a"),
                "monthNum": d.month,
                "weekNumber": week,
                "weekName": f"Week {week}",
                "ifNecessary": False,
                "seriesGameNumber": "",
                "isNeutral": False,
                "homeTeam": _schedule_team(h, played, wins, losses, pts[2 * g]),
                "awayTeam": _schedule_team(a, played, wins, losses, pts[2 * g + 1]),
            }
        )
    doc = {
        "meta": {
            "version": 1,
            "request": f"http://nba.cloud/league/00/{s.label}/scheduleleaguev2?Format=json",
            "time": f"{captured.isoformat()}T12:00:00.000Z",
        },
        "leagueSchedule": {
            "seasonYear": s.label,
            "leagueId": "00",
            "gameDates": [
                {"gameDate": f"{d:%m/%d/%Y} 00:00:00", "games": games}
                for d, games in sorted(game_dates.items())
            ],
            "weeks": [
                {
                    "weekNumber": n,
                    "weekName": f"Week {n}",
                    "startDate": f"{a.isoformat()}T00:00:00Z",
                    "endDate": f"{b.isoformat()}T00:00:00Z",
                }
                for n, a, b in weeks
            ],
            "broadcasterList": [],
        },
    }
    return _dumps(doc)


def _outcomes(names: list[str], lines: list[float], overs: list[int], unders: list[int]) -> list[dict]:
    out = []
    for name, point, over, under in zip(names, lines, overs, unders, strict=True):
        out.append({"name": "Over", "description": name, "price": over, "point": point})
        out.append({"name": "Under", "description": name, "price": under, "point": point})
    return out


def _event_odds(
    event: dict, snap: str, rows: np.ndarray, lines: _Lines, names: list[str], snapshot: int | None
) -> bytes:
    """One ``player_points`` event-odds response. ``snapshot`` indexes the pre-tip snapshot; None = in-game."""
    books = []
    for b, (key, title) in enumerate(BOOKS):
        mine = rows[lines.listed[rows, b]]
        if snapshot is None:
            mine = mine[~np.isnan(lines.live_line[mine, b])]
            line, over, under = lines.live_line[mine, b], lines.live_over[mine, b], lines.live_under[mine, b]
        else:
            if snapshot == 2:
                mine = mine[~lines.pulled_late[mine]]
            line, over, under = (
                lines.line[mine, b, snapshot],
                lines.over[mine, b, snapshot],
                lines.under[mine, b, snapshot],
            )
        who = [names[i] for i in mine.tolist()]
        entries = list(zip(who, line.tolist(), over.tolist(), under.tolist(), strict=True))
        if b == _BOVADA and snapshot is not None:
            for k in range(lines.alt_line.shape[1]):
                alt = lines.alt_line[mine, k, snapshot]
                ok = ~np.isnan(alt)
                entries += zip(
                    [n for n, keep in zip(who, ok.tolist(), strict=True) if keep],
                    alt[ok].tolist(),
                    lines.alt_over[mine, k, snapshot][ok].tolist(),
                    lines.alt_under[mine, k, snapshot][ok].tolist(),
                    strict=True,
                )
            entries.sort(key=lambda e: (e[0], e[1]))  # bovada lists each player's ladder, lowest line first
        else:
            entries.sort(key=lambda e: (-e[1], e[0]))
        if not entries:
            continue
        outcomes = _outcomes(*map(list, zip(*entries, strict=True)))
        market = {"key": "player_points", "last_update": snap, "outcomes": outcomes}
        books.append({"key": key, "title": title, "last_update": snap, "markets": [market]})
    return _dumps(event | {"bookmakers": books})


def _odds_files(s: _Season, league: _League, lines: _Lines, seed: int, played_games: np.ndarray):
    """Yield (relpath, bytes) of the events lists and event odds of every game date of the season."""
    commence = [tip.astimezone(UTC) + COMMENCE_DELAY for tip in s.tips_et]
    events = [
        {
            "id": event_id(seed, gid),
            "sport_key": "basketball_nba",
            "sport_title": "NBA",
            "commence_time": _utc_z(commence[g]),
            "home_team": TEAMS[s.home[g]].odds_name,
            "away_team": TEAMS[s.away[g]].odds_name,
        }
        for g, gid in enumerate(s.game_ids)
    ]
    names = [league.odds_names[p] for p in lines.player.tolist()]
    row_game = lines.tg // 2
    bounds = np.searchsorted(row_game, np.arange(len(s.game_ids) + 1))
    by_date: dict[dt.date, list[int]] = {}
    for g, d in enumerate(s.dates):
        by_date.setdefault(d, []).append(g)

    def listing(games: list[int], at: dt.datetime, live: bool) -> list[dict]:
        keep = [g for g in games if commence[g] > at or (live and commence[g] + _LIVE_WINDOW > at)]
        return [events[g] for g in sorted(keep, key=lambda g: (commence[g], events[g]["home_team"]))]

    for d, games in by_date.items():
        date = d.isoformat()
        pre_tip = {
            dt.datetime.combine(d, clock, tzinfo=UTC): k for k, clock in enumerate(PRE_TIP_SNAPSHOTS_UTC)
        }
        in_game = {commence[g] + IN_GAME_DELAY for g in games if played_games[g]}
        for at in sorted(pre_tip.keys() | in_game):  # an in-game time can coincide with a pre-tip one
            listed = listing(games, at, live=at in in_game)
            if not listed:
                continue
            yield odds_events_path(date, at), _dumps(listed)
            for g in games:
                rows = np.arange(bounds[g], bounds[g + 1])
                if at in pre_tip and commence[g] > at:
                    body = _event_odds(events[g], _utc_z(at), rows, lines, names, pre_tip[at])
                elif at in in_game and played_games[g] and commence[g] + IN_GAME_DELAY == at:
                    body = _event_odds(events[g], _utc_z(at), rows, lines, names, None)
                else:
                    continue
                yield odds_player_points_path(date, events[g]["id"], at), body


# --------------------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------------------


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
    writer: _Writer, s: _Season, league: _League, lines: _Lines, seed: int, played_through: dt.date | None
) -> int:
    """Write one season's schedule, box scores (played dates) and odds; returns the player rows written."""
    played = np.array([played_through is None or d <= played_through for d in s.dates])
    captured = max(s.dates) if played_through is None else min(played_through, max(s.dates))
    writer.write(schedule_path(s.label), _schedule_file(s, played, captured + dt.timedelta(days=1)))
    rows = 0
    for date, (player_file, team_file, n) in _boxscore_files(s, league, played).items():
        writer.write(player_boxscores_path(date), player_file)
        writer.write(team_boxscores_path(date), team_file)
        rows += n
    for relpath, body in _odds_files(s, league, lines, seed, played):
        writer.write(relpath, body)
    return rows


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
    if teams < 2 or teams > len(TEAMS) or teams % 2:
        raise ValueError("teams must be an even number from 2 to 30")
    if not 1 <= games_per_team <= 100:
        raise ValueError("games_per_team must be between 1 and 100")
    if seasons < 1 or seed < 0:
        raise ValueError("seasons must be >= 1 and seed >= 0")
    years = _season_start_years(last_season, seasons)
    league = _new_league(np.random.default_rng([seed, 0]), teams)
    labels, all_dates = [], []
    n_games = n_rows = 0
    writer = _Writer(LocalLanding(out))
    try:
        for k, year in enumerate(years):
            rng = np.random.default_rng([seed, year])  # one stream per season
            if k > 0:
                _offseason(rng, league)
            s = _simulate_season(rng, league, year, games_per_team)
            lines = _make_lines(rng, league, s)
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
