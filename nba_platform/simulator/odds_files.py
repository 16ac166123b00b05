"""The Odds API v4 files: the events list and each event's ``player_points`` odds per game date and snapshot.

Three pre-tip snapshots (15:00Z, 17:00Z, 21:00Z) and one *in-game* snapshot 60 minutes after tip whose lines have
moved towards the final points. The in-game snapshot is bait: a correct platform never uses it for predictions.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np

from nba_platform.landing.zone import odds_events_path, odds_player_points_path
from nba_platform.simulator.books import BOOKS, BOVADA, Lines
from nba_platform.simulator.formats import dumps, utc_z
from nba_platform.simulator.league import League
from nba_platform.simulator.season import Season
from nba_platform.simulator.teams import TEAMS

PRE_TIP_SNAPSHOTS_UTC = (dt.time(15, 0), dt.time(17, 0), dt.time(21, 0))
IN_GAME_DELAY = dt.timedelta(minutes=60)
# The real feed's commence_time is ~10 minutes after the scheduled tip; here it equals the tip.
COMMENCE_DELAY = dt.timedelta(0)
_LIVE_WINDOW = dt.timedelta(minutes=150)  # an event counts as live in the events list this long after tip


def event_id(seed: int, game_id: str) -> str:
    """The Odds API event id of a simulated game: 32 hex digits, stable for (seed, game id)."""
    return hashlib.blake2b(f"{seed}:{game_id}".encode(), digest_size=16).hexdigest()


def _outcomes(names: list[str], lines: list[float], overs: list[int], unders: list[int]) -> list[dict]:
    out = []
    for name, point, over, under in zip(names, lines, overs, unders, strict=True):
        out.append({"name": "Over", "description": name, "price": over, "point": point})
        out.append({"name": "Under", "description": name, "price": under, "point": point})
    return out


def _event_odds(
    event: dict, snap: str, rows: np.ndarray, lines: Lines, names: list[str], snapshot: int | None
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
        if b == BOVADA and snapshot is not None:
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
    return dumps(event | {"bookmakers": books})


def odds_files(s: Season, league: League, lines: Lines, seed: int, played_games: np.ndarray):
    """Yield (relpath, bytes) of the events lists and event odds of every game date of the season."""
    commence = [tip.astimezone(dt.UTC) + COMMENCE_DELAY for tip in s.tips_et]
    events = [
        {
            "id": event_id(seed, gid),
            "sport_key": "basketball_nba",
            "sport_title": "NBA",
            "commence_time": utc_z(commence[g]),
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
            dt.datetime.combine(d, clock, tzinfo=dt.UTC): k for k, clock in enumerate(PRE_TIP_SNAPSHOTS_UTC)
        }
        in_game = {commence[g] + IN_GAME_DELAY for g in games if played_games[g]}
        for at in sorted(pre_tip.keys() | in_game):  # an in-game time can coincide with a pre-tip one
            listed = listing(games, at, live=at in in_game)
            if not listed:
                continue
            yield odds_events_path(date, at), dumps(listed)
            for g in games:
                rows = np.arange(bounds[g], bounds[g + 1])
                if at in pre_tip and commence[g] > at:
                    body = _event_odds(events[g], utc_z(at), rows, lines, names, pre_tip[at])
                elif at in in_game and played_games[g] and commence[g] + IN_GAME_DELAY == at:
                    body = _event_odds(events[g], utc_z(at), rows, lines, names, None)
                else:
                    continue
                yield odds_player_points_path(date, events[g]["id"], at), body
