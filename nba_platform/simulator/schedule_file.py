"""The cdn.nba.com ``scheduleLeagueV2`` file of a season."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np

from nba_platform.core.calendar import ET
from nba_platform.simulator.formats import dumps, utc_z
from nba_platform.simulator.season import Season
from nba_platform.simulator.teams import TEAMS


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


def schedule_file(s: Season, played_games: np.ndarray, captured: dt.date) -> bytes:
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
        tip_utc = tip.astimezone(dt.UTC)
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
                "gameDateUTC": utc_z(midnight_et),
                "gameTimeUTC": f"1900-01-01T{tip_utc:%H:%M}:00Z",
                "gameDateTimeUTC": utc_z(tip_utc),
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
    return dumps(doc)
