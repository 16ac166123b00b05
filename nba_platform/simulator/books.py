"""The sportsbooks' player-points lines: noisy estimates of the same expected points the engine draws around,
priced with a margin, drifting between the pre-tip snapshots, plus the in-game lines that know the result."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nba_platform.simulator.league import League
from nba_platform.simulator.season import Season

BOOKS: tuple[tuple[str, str], ...] = (
    ("draftkings", "DraftKings"),
    ("fanduel", "FanDuel"),
    ("betmgm", "BetMGM"),
    ("williamhill_us", "Caesars"),
    ("bovada", "Bovada"),
)
BOVADA = 4
_LINE_MIN_MINUTES = 15.0  # books list a player expected to play this long


@dataclass
class Lines:
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
    s: Season, tg: np.ndarray, player: np.ndarray, n_last: int = 5
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


def make_lines(rng: np.random.Generator, league: League, s: Season) -> Lines:
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
    bov_line, bov_belief, bov_sd = line[:, BOVADA, :], belief[:, BOVADA, :], sd[:, BOVADA, :]
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
    return Lines(
        tg, player, listed, pulled_late, line, over, under, alt_line, alt_over, alt_under,
        live_line, live_over, live_under,
    )  # fmt: skip
