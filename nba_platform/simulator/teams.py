"""The thirty franchises as the sources spell them (ids, tricodes, names, home time zones)."""

from __future__ import annotations

from typing import NamedTuple


class Team(NamedTuple):
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
TEAMS: tuple[Team, ...] = (
    Team(1610612737, "ATL", "Atlanta", "Hawks", "hawks", _EAST),
    Team(1610612738, "BOS", "Boston", "Celtics", "celtics", _EAST),
    Team(1610612739, "CLE", "Cleveland", "Cavaliers", "cavaliers", _EAST),
    Team(1610612740, "NOP", "New Orleans", "Pelicans", "pelicans", _CT),
    Team(1610612741, "CHI", "Chicago", "Bulls", "bulls", _CT),
    Team(1610612742, "DAL", "Dallas", "Mavericks", "mavericks", _CT),
    Team(1610612743, "DEN", "Denver", "Nuggets", "nuggets", _MT),
    Team(1610612744, "GSW", "Golden State", "Warriors", "warriors", _PT),
    Team(1610612745, "HOU", "Houston", "Rockets", "rockets", _CT),
    Team(1610612746, "LAC", "LA", "Clippers", "clippers", _PT),
    Team(1610612747, "LAL", "Los Angeles", "Lakers", "lakers", _PT),
    Team(1610612748, "MIA", "Miami", "Heat", "heat", _EAST),
    Team(1610612749, "MIL", "Milwaukee", "Bucks", "bucks", _CT),
    Team(1610612750, "MIN", "Minnesota", "Timberwolves", "timberwolves", _CT),
    Team(1610612751, "BKN", "Brooklyn", "Nets", "nets", _EAST),
    Team(1610612752, "NYK", "New York", "Knicks", "knicks", _EAST),
    Team(1610612753, "ORL", "Orlando", "Magic", "magic", _EAST),
    Team(1610612754, "IND", "Indiana", "Pacers", "pacers", "America/Indiana/Indianapolis"),
    Team(1610612755, "PHI", "Philadelphia", "76ers", "sixers", _EAST),
    Team(1610612756, "PHX", "Phoenix", "Suns", "suns", "America/Phoenix"),
    Team(1610612757, "POR", "Portland", "Trail Blazers", "blazers", _PT),
    Team(1610612758, "SAC", "Sacramento", "Kings", "kings", _PT),
    Team(1610612759, "SAS", "San Antonio", "Spurs", "spurs", _CT),
    Team(1610612760, "OKC", "Oklahoma City", "Thunder", "thunder", _CT),
    Team(1610612761, "TOR", "Toronto", "Raptors", "raptors", "America/Toronto"),
    Team(1610612762, "UTA", "Utah", "Jazz", "jazz", _MT),
    Team(1610612763, "MEM", "Memphis", "Grizzlies", "grizzlies", _CT),
    Team(1610612764, "WAS", "Washington", "Wizards", "wizards", _EAST),
    Team(1610612765, "DET", "Detroit", "Pistons", "pistons", "America/Detroit"),
    Team(1610612766, "CHA", "Charlotte", "Hornets", "hornets", _EAST),
)
# Home zones that never tip at 8:00 pm local: it would be 11:00 pm in the east.
WEST_COAST_ZONES = (_PT, "America/Phoenix")
