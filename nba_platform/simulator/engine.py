"""The game engine: who plays, each team's points, minutes, and box scores that add up.

Per game a team's points total is drawn around ``sum(minutes * points per minute) * opponent defence * pace *
home * rest``; the total is split between the players by a Dirichlet-multinomial (gamma-Poisson given the total),
so a player's variance grows with his mean while team totals keep a realistic spread. Points are then decomposed
into free throws, threes and twos so that ``PTS = 2*(FGM-FG3M) + 3*FG3M + FTM`` holds exactly.
Shots follow possessions: a game's pace is drawn (both teams share its possessions), each team's field-goal
attempts are what those possessions leave after turnovers, free-throw trips and offensive rebounds, and its misses
are split between the players by their expected shot volume (see ``_misses``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nba_platform.simulator.league import BENCH, DNP_RATE, MIN_ELASTICITY, STARTER, League
from nba_platform.simulator.minutes import allocate_minutes, fit_minutes, round_rows

_B2B_STARTER_REST = 0.05
_MIN_SIGMA = np.array([0.12, 0.22, 0.45])  # log-sd of minutes around the mean, by role
_MIN_PLAYERS = 8
_INJURY_RATE = 0.004  # chance a multi-game absence starts, per player-game
_TEAM_PTS_SD = 8.5  # independent per-team noise of the points total
_SCRIPT_SD = 3.5  # game-script shock, +for home / -for away
# Game-to-game pace: a shock on both teams' pace, cut at 3 sd so no game runs away (real team-games by the
# box-score estimate: mean ~101 possessions per 48 minutes, sd ~5, none outside ~85-118).
_PACE_SD = 0.045
_POSSESSIONS_PER_48 = 100.5  # league average by that estimate (FGA - OREB + TOV + 0.44 FTA)
_VOLUME_SHAPE = 12.0  # gamma shape of a player's game-to-game shot volume (coefficient of variation ~0.3)
_MIN_VOLUME = 0.05  # expected attempts of a cameo, so every player who plays can miss
_MAX_TEAM_FG_PCT = 2 / 3  # a floor on a team's misses when its points outrun its possessions
_DIRICHLET_ALPHA = 55.0  # concentration of the split of team points between players
_OT_PROB_CLOSE = 0.28  # regulation margins of 1-3 points that go to overtime instead (ties always do)
_DOUBLE_OT_PROB = 0.06


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


def _ensure_rotation(plays: np.ndarray, healthy: np.ndarray, min_mean: np.ndarray) -> None:
    """Every team dresses at least _MIN_PLAYERS: recall healthy scratches, most-used first."""
    for r in np.nonzero(plays.sum(axis=1) < _MIN_PLAYERS)[0]:
        spare = np.nonzero(healthy[r] & ~plays[r])[0]
        need = _MIN_PLAYERS - plays[r].sum()
        plays[r, spare[np.argsort(-min_mean[r, spare], kind="stable")[:need]]] = True


@dataclass
class Games:
    """A season's games as played. Team-games: tg = 2 * g + side (0 home, 1 away); cells [tg, slot] follow the
    roster matrix ``players``."""

    n_ot: np.ndarray  # per game
    plays: np.ndarray  # per cell: dressed and played
    stats: dict[str, np.ndarray]  # per cell, 0 where the player did not play
    team_stats: dict[str, np.ndarray]  # per tg
    # what a bookmaker knows before tip
    expected_minutes: np.ndarray  # per cell, minutes if he plays; 0 when known to be out
    known_out: np.ndarray
    book_factor: np.ndarray  # per tg: opponent defence * pace * home * rest
    # per cell: in a multi-game absence; injured & ~known_out is a late scratch (the spell's surprise first game)
    injured: np.ndarray


def play_games(
    rng: np.random.Generator,
    league: League,
    players: np.ndarray,
    roles: np.ndarray,
    tg_team: np.ndarray,
    tg_opp: np.ndarray,
    tg_home: np.ndarray,
    tg_b2b: np.ndarray,
) -> Games:
    """Play every game of a season: who dresses, the points of each team, minutes, box scores, +/-."""
    a = league.a
    valid = players >= 0
    p = np.where(valid, players, 0)
    role = roles[p]
    min_mean = a["min_mean"][p]
    n_tg, n_games = len(tg_team), len(tg_team) // 2

    # Who plays: multi-game injuries, then day-of absences (starters rest more on the second night).
    injured, known_out = _injuries(rng, players)
    dnp_rate = DNP_RATE[role] + _B2B_STARTER_REST * ((role == STARTER) & tg_b2b[:, None])
    plays = valid & ~injured & (rng.random(p.shape) >= dnp_rate)
    _ensure_rotation(plays, valid & ~injured, min_mean)

    # Bookmaker view: expected minutes given the known absences, and the matchup factor without shocks.
    rest_minutes = np.where(tg_b2b[:, None] & (role == STARTER), 0.95, 1.0)
    avail = valid & ~known_out
    elasticity = MIN_ELASTICITY[role]
    p_play = 1.0 - dnp_rate
    fitted = fit_minutes(min_mean * rest_minutes * p_play, avail, np.full(n_tg, 240.0), elasticity)
    expected_minutes = np.where(avail, fitted / p_play, 0.0)  # minutes if he plays
    opp_b2b = np.column_stack([tg_b2b[1::2], tg_b2b[0::2]]).ravel()
    pace_pair = np.sqrt(league.pace[tg_team] * league.pace[tg_opp])
    matchup = (
        league.def_factor[tg_opp]
        * np.where(tg_home, 1.01, 0.99)
        * np.where(tg_b2b, 0.975, 1.0)
        * np.where(opp_b2b, 1.01, 1.0)
    )

    # Regulation totals: expected rate of the players who dress, plus team, game-script and pace shocks.
    ppm = a["ppm"][p]
    sigma = _MIN_SIGMA[role]
    raw = np.where(plays, min_mean * rest_minutes * np.exp(rng.normal(0, sigma) - sigma**2 / 2), 0.0)
    raw = np.minimum(raw, 44.0)
    fit = fit_minutes(raw, plays, np.full(n_tg, 240.0), elasticity)
    rate = np.sum(fit * ppm, axis=1) / 240.0
    pace_game = np.repeat(np.exp(np.clip(rng.normal(0, _PACE_SD, n_games), -3 * _PACE_SD, 3 * _PACE_SD)), 2)
    pace_game = pace_game * pace_pair
    script = np.repeat(rng.normal(0, _SCRIPT_SD, n_games), 2) * np.where(tg_home, 1.0, -1.0)
    expected = 240.0 * rate * matchup * pace_game
    points = np.maximum(np.rint(expected + script + rng.normal(0, _TEAM_PTS_SD, n_tg)), 70).astype(np.int64)
    n_ot = _overtime(rng, points)

    # Minutes: blowouts empty the bench, close games tighten the rotation.
    margin = np.abs(points[0::2] - points[1::2]).repeat(2)
    blowout, close = (margin >= 20)[:, None], (margin <= 6)[:, None]
    starter, bench = role == STARTER, role == BENCH
    raw = raw * np.where(blowout & starter, 0.85, 1.0) * np.where(blowout & bench, 1.6, 1.0)
    raw = raw * np.where(close & starter, 1.05, 1.0) * np.where(close & bench, 0.85, 1.0)
    total_min = 240 + 25 * n_ot.repeat(2)
    minutes = allocate_minutes(raw, plays, total_min, 48.0 + 5.0 * n_ot.repeat(2), elasticity)

    # Split each team total between its players (Dirichlet-multinomial around minutes * rate).
    weight = minutes * ppm
    share = weight / weight.sum(axis=1, keepdims=True)
    gam = np.where(plays, rng.gamma(np.maximum(_DIRICHLET_ALPHA * share, 1e-6)), 0.0)
    probs = gam / gam.sum(axis=1, keepdims=True)
    pts = rng.multinomial(points, probs * (1 - 1e-12))
    possessions = _POSSESSIONS_PER_48 * pace_game * total_min / 240.0  # each team's, shared by both
    stats = _box_score(rng, a, p, minutes, pts, points[:, None] * share, plays, possessions)
    stats["PLUS_MINUS"] = _plus_minus(rng, minutes, plays, points, total_min)
    team_stats = {k: v.sum(axis=1) for k, v in stats.items() if k != "PLUS_MINUS"}
    team_stats["PLUS_MINUS"] = points - np.column_stack([points[1::2], points[0::2]]).ravel()
    return Games(n_ot, plays, stats, team_stats, expected_minutes, known_out, matchup * pace_pair, injured)


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
    rng: np.random.Generator,
    a: dict,
    p: np.ndarray,
    minutes: np.ndarray,
    pts: np.ndarray,
    expected_pts: np.ndarray,
    plays: np.ndarray,
    possessions: np.ndarray,
) -> dict[str, np.ndarray]:
    ftm, fg3m, fg2m = _split_points(rng, a, p, pts)
    # the 0.1 term gives misses to players who made none
    fta = ftm + rng.negative_binomial(ftm + 0.1, a["ftp"][p])

    def per_minute(key: str) -> np.ndarray:
        return rng.poisson(minutes * a[key][p])

    out = {
        "MIN": minutes,
        "FGM": fg2m + fg3m,
        "FG3M": fg3m,
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
    out = {k: np.where(plays, v, 0).astype(np.int64) for k, v in out.items()}
    # The team's field-goal attempts are what its possessions leave after turnovers, free-throw trips and
    # offensive rebounds (the box-score possession estimate read backwards).
    team = {k: out[k].sum(axis=1) for k in ("FGM", "FTA", "TOV", "OREB")}
    fga = np.rint(possessions - team["TOV"] + team["OREB"] - 0.44 * team["FTA"]).astype(np.int64)
    misses = np.maximum(fga - team["FGM"], np.ceil(team["FGM"] * (1 / _MAX_TEAM_FG_PCT - 1)).astype(np.int64))
    miss2, miss3 = _misses(rng, a, p, expected_pts, fg2m, fg3m, plays, misses)
    out["FG3A"] = out["FG3M"] + miss3
    out["FGA"] = out["FGM"] + miss2 + miss3
    return out


def _misses(
    rng: np.random.Generator,
    a: dict,
    p: np.ndarray,
    expected_pts: np.ndarray,
    fg2m: np.ndarray,
    fg3m: np.ndarray,
    plays: np.ndarray,
    team_misses: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Missed twos and threes of each player, adding up to the team's misses.

    A player's attempts of a kind are Poisson around a gamma-distributed volume whose mean is what his expected
    points imply (expected makes / percentage). Given his makes M the volume is Gamma(shape + M, rate shape / mean
    + p) and his misses are Poisson((1 - p) * volume): a hot night is mostly a better percentage, not more shots.
    (Misses drawn from the makes alone, with no prior on volume, gave one player 60 shots and a team 150.) The
    team's misses come from its possessions; Poisson counts given their sum are multinomial, so the drawn volumes
    set each player's share of them."""
    rest = expected_pts * (1 - a["ft_p"][p])
    expected3 = rest / 3 * a["three_p"][p]
    expected_makes = np.stack([(rest - 3 * expected3) / 2, expected3], axis=-1)
    pct = np.stack([a["p2"][p], a["p3"][p]], axis=-1)
    volume_mean = np.maximum(expected_makes / pct, _MIN_VOLUME)
    makes = np.stack([fg2m, fg3m], axis=-1)
    volume = rng.gamma(_VOLUME_SHAPE + makes, 1 / (_VOLUME_SHAPE / volume_mean + pct))
    mean = np.where(plays[..., None], (1 - pct) * volume, 0.0).reshape(len(plays), -1)
    probs = mean / mean.sum(axis=1, keepdims=True)
    drawn = rng.multinomial(team_misses, probs * (1 - 1e-12)).reshape(makes.shape)
    return drawn[..., 0], drawn[..., 1]


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
    return round_rows(v, plays, target)
