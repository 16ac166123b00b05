"""The thirty franchises as the injury sources name them: tricode, full name, nickname, balldontlie id.

The official injury report writes full names ("San Antonio Spurs", "LA Clippers"); older parses and
some editions use nicknames ("Nets") or tricodes; balldontlie `/player_injuries` gives only its own
team id (1-30, alphabetical by full name). `team_abbr` maps any of these spellings to the tricode.
"""

from __future__ import annotations

import re

# (tricode, full name as the NBA writes it, balldontlie team id)
_TEAMS: tuple[tuple[str, str, int], ...] = (
    ("ATL", "Atlanta Hawks", 1),
    ("BOS", "Boston Celtics", 2),
    ("BKN", "Brooklyn Nets", 3),
    ("CHA", "Charlotte Hornets", 4),
    ("CHI", "Chicago Bulls", 5),
    ("CLE", "Cleveland Cavaliers", 6),
    ("DAL", "Dallas Mavericks", 7),
    ("DEN", "Denver Nuggets", 8),
    ("DET", "Detroit Pistons", 9),
    ("GSW", "Golden State Warriors", 10),
    ("HOU", "Houston Rockets", 11),
    ("IND", "Indiana Pacers", 12),
    ("LAC", "LA Clippers", 13),
    ("LAL", "Los Angeles Lakers", 14),
    ("MEM", "Memphis Grizzlies", 15),
    ("MIA", "Miami Heat", 16),
    ("MIL", "Milwaukee Bucks", 17),
    ("MIN", "Minnesota Timberwolves", 18),
    ("NOP", "New Orleans Pelicans", 19),
    ("NYK", "New York Knicks", 20),
    ("OKC", "Oklahoma City Thunder", 21),
    ("ORL", "Orlando Magic", 22),
    ("PHI", "Philadelphia 76ers", 23),
    ("PHX", "Phoenix Suns", 24),
    ("POR", "Portland Trail Blazers", 25),
    ("SAC", "Sacramento Kings", 26),
    ("SAS", "San Antonio Spurs", 27),
    ("TOR", "Toronto Raptors", 28),
    ("UTA", "Utah Jazz", 29),
    ("WAS", "Washington Wizards", 30),
)
_NICKNAMES = {"POR": "Trail Blazers", "PHI": "76ers"}
# Other spellings seen in the sources' history.
_ALIASES = {"Los Angeles Clippers": "LAC", "Sixers": "PHI", "Blazers": "POR", "BRK": "BKN", "PHO": "PHX",
            "GS": "GSW", "NY": "NYK", "NO": "NOP", "SA": "SAS", "UTAH": "UTA", "WSH": "WAS", "CHO": "CHA"}

TRICODES = frozenset(t for t, _, _ in _TEAMS)
FULL_NAMES = {t: name for t, name, _ in _TEAMS}
BALLDONTLIE_IDS = {bdl_id: t for t, _, bdl_id in _TEAMS}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_BY_KEY: dict[str, str] = {}
for _tricode, _name, _ in _TEAMS:
    _BY_KEY[_key(_tricode)] = _tricode
    _BY_KEY[_key(_name)] = _tricode
    _BY_KEY[_key(_NICKNAMES.get(_tricode, _name.rsplit(" ", 1)[-1]))] = _tricode
for _alias, _tricode in _ALIASES.items():
    _BY_KEY[_key(_alias)] = _tricode


def team_abbr(text: str | None) -> str | None:
    """The tricode for a full name, nickname or tricode (spacing and case ignored); None when unknown."""
    if not text:
        return None
    return _BY_KEY.get(_key(text))
