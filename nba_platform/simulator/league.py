"""The league: teams' defence and pace, the players (roles, minutes, scoring rate, shot mix, per-minute rates),
and how they change between seasons (drift, retirements, rookies).

Model constants are calibrated against 2024-25 league averages: ~114 points, 13.5 threes, 44 rebounds a team.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nba_platform.simulator.minutes import fit_minutes
from nba_platform.simulator.player_names import draw_names, give_accents

FIRST_PLAYER_ID = 1630000

STARTER, ROTATION, BENCH = 0, 1, 2
_MIN_RANGE = np.array([[28.0, 37.0], [16.0, 26.0], [5.0, 12.0]])
_PPM_RANGE = np.array([[0.42, 0.68], [0.35, 0.58], [0.30, 0.50]])
_STAR_PPM = (0.70, 0.90)
DNP_RATE = np.array([0.03, 0.05, 0.50])  # day-of absences (rest, illness, coach's decision)
# how much each role's minutes give when the rotation is long or short (starters least)
MIN_ELASTICITY = np.array([0.4, 1.0, 1.6])
_BASE_RATE = {
    "oreb": 0.0455,
    "dreb": 0.138,
    "ast": 0.110,
    "stl": 0.034,
    "blk": 0.020,
    "tov": 0.055,
    "pf": 0.077,
}


@dataclass
class League:
    n_teams: int
    def_factor: np.ndarray  # multiplier on the points a team allows
    pace: np.ndarray
    ids: np.ndarray
    names: list[str]
    odds_names: list[str]
    a: dict[str, np.ndarray]  # numeric player attributes; "team" is -1 for retired players
    used_names: np.ndarray  # (first, last) index pairs already taken, as first * len(last names) + last


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
        # binomial probabilities used by the points decomposition (see engine.split_points)
        "ft_p": np.clip(0.07 + 0.05 * usage + rng.normal(0, 0.025, n), 0.02, 0.25),
        "three_p": np.clip(0.72 - 0.55 * size + rng.normal(0, 0.08, n), 0.02, 0.65),
        "p2": np.clip(0.56 + 0.08 * size + rng.normal(0, 0.02, n), 0.48, 0.7),
        "p3": np.clip(rng.normal(0.42, 0.025, n), 0.335, 0.495),
        "ftp": np.clip(0.68 + 0.2 * (1 - size) + rng.normal(0, 0.05, n), 0.5, 0.93),
        "oreb": _BASE_RATE["oreb"] * (0.3 + 1.4 * size) * lognorm(0.15),
        "dreb": _BASE_RATE["dreb"] * (0.6 + 0.8 * size) * lognorm(0.12),
        "ast": _BASE_RATE["ast"] * (1.6 - 1.2 * size) * (0.55 + 0.45 * usage) * lognorm(0.2),
        "stl": _BASE_RATE["stl"] * lognorm(0.2),
        "blk": _BASE_RATE["blk"] * (0.2 + 1.6 * size) * lognorm(0.2),
        "tov": _BASE_RATE["tov"] * (0.5 + 0.5 * usage) * lognorm(0.15),
        "pf": _BASE_RATE["pf"] * (0.8 + 0.4 * size) * lognorm(0.1),
    }


def team_roles(n_players: int) -> np.ndarray:
    """5 starters, 4 rotation players, the rest (4-6) deep bench."""
    return np.array([STARTER] * 5 + [ROTATION] * 4 + [BENCH] * (n_players - 9))


def new_league(rng: np.random.Generator, n_teams: int) -> League:
    sizes = rng.integers(13, 16, n_teams)
    roles = np.concatenate([team_roles(s) for s in sizes])
    team = np.repeat(np.arange(n_teams), sizes)
    star = np.zeros(len(roles), bool)
    star[np.cumsum(np.r_[0, sizes[:-1]])] = True  # the first starter of each team
    attrs = _draw_attributes(rng, roles, star)
    attrs["team"] = team
    names, odds_names, used = draw_names(rng, np.empty(0, int), len(roles))
    # A couple of starters get a name that some books spell with accents.
    give_accents(rng, names, odds_names, np.nonzero(roles == STARTER)[0], min(3, n_teams))
    league = League(
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


def _normalise_offence(rng: np.random.Generator, league: League) -> None:
    """Scale each team's points-per-minute so its expected points land near a drawn team rating (~112.5)."""
    a = league.a
    for t in range(league.n_teams):
        members = np.nonzero(a["team"] == t)[0]
        roles = roles_of(a["min_mean"][members])
        p_play = 1.0 - DNP_RATE[roles]
        weight = (a["min_mean"][members] * p_play)[None, :]
        em = fit_minutes(weight, weight > 0, np.array([240.0]), MIN_ELASTICITY[roles])[0]
        expected = np.sum(em * a["ppm"][members])
        scale = np.clip(rng.normal(112.5, 3.5) / expected, 0.8, 1.25)
        a["ppm"][members] = np.clip(a["ppm"][members] * scale, 0.28, 0.95)


def roles_of(min_mean: np.ndarray) -> np.ndarray:
    """Roles of one team's players from their minutes ranking."""
    order = np.argsort(-min_mean, kind="stable")
    roles = np.empty(len(min_mean), int)
    roles[order] = team_roles(len(min_mean))
    return roles


def offseason(rng: np.random.Generator, league: League) -> None:
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
    names, odds_names, used = draw_names(rng, league.used_names, n_new)
    start = int(league.ids.max()) + 1
    league.ids = np.r_[league.ids, start + np.arange(n_new)]
    league.names += names
    league.odds_names += odds_names
    league.used_names = np.r_[league.used_names, used]
    league.a = {k: np.r_[a[k], fresh[k]] for k in a}


def season_roles(league: League) -> np.ndarray:
    roles = np.full(len(league.ids), BENCH)
    for t in range(league.n_teams):
        members = np.nonzero(league.a["team"] == t)[0]
        roles[members] = roles_of(league.a["min_mean"][members])
    return roles
