"""stats.nba.com ``leaguegamelog`` files per game date: players (``PlayerOrTeam=P``, 32 headers) and teams (29)."""

from __future__ import annotations

import json

import numpy as np

from nba_platform.simulator.formats import dumps
from nba_platform.simulator.league import League
from nba_platform.simulator.season import Season
from nba_platform.simulator.teams import TEAMS

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
    return dumps(doc).replace(b'"@ROWS@"', f"[{rowset}]".encode())


def boxscore_files(
    s: Season, league: League, played_games: np.ndarray
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
