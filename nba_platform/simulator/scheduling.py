"""The season calendar and schedule: game days, matchups, the day of each game, tip times, back-to-backs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

from nba_platform.core.calendar import ET
from nba_platform.simulator.teams import WEST_COAST_ZONES

_B2B_PENALTY = 0.3  # scheduler: how strongly to avoid a team's second game on consecutive days
_WEEKDAY_WEIGHT = np.array([0.95, 0.85, 1.25, 0.7, 1.2, 1.1, 0.85])  # Mon..Sun share of games


def season_days(start_year: int) -> list[dt.date]:
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


def matchups(rng: np.random.Generator, n_teams: int, games_per_team: int) -> tuple[np.ndarray, np.ndarray]:
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


def assign_days(
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


def tip_times(rng: np.random.Generator, dates: list[dt.date], home_tz: list[str]) -> list[dt.datetime]:
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
            west = home_tz[i] in WEST_COAST_ZONES
            hh, mm = _EVENING_LOCAL[min(int(evening[i]), 1) if west else int(evening[i])]
            tip = dt.datetime(d.year, d.month, d.day, hh, mm, tzinfo=tz).astimezone(ET)
        tips.append(tip)
    return tips


def back_to_backs(tg_team: np.ndarray, tg_day: np.ndarray, n_teams: int) -> np.ndarray:
    """True for a team-game played the calendar day after the team's previous game (tg is chronological)."""
    last = np.full(n_teams, -100)
    out = np.zeros(len(tg_team), bool)
    for i, (t, d) in enumerate(zip(tg_team.tolist(), tg_day.tolist(), strict=True)):
        out[i] = last[t] == d - 1
        last[t] = d
    return out
