"""The official NBA injury report as the league publishes it: PDFs in its layout, two editions a game day.

Each game day gets a 1:30 PM and a 5:30 PM ET edition (the hourly names of the time, `_01PM`/`_05PM`, until
2025-12-22; `_01_30PM`/`_05_30PM` after, as the league names its quarter-hour editions). Both list the
day's games and, as "NOT YET SUBMITTED", the next day's. A player in a multi-game absence the books know
about (`Season.known_out`) is OUT in both editions; a late scratch (the surprise first game of an absence)
and a rotation player's day-of rest are OUT only in the 5:30 PM edition, and only for games that tip after
it: no edition published before the scratch names him. Long reasons wrap onto extra lines around the player's line, as in the real report.

The PDF is written with fpdf2 in the real report's landscape layout (same column positions and header
words), so the demo reads it with the same PDF parser as the real thing. No random draws: the
reasons come from a hash of the player and the absence, so the other simulated files are unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

from fpdf import FPDF

from nba_platform.core.calendar import ET
from nba_platform.landing.zone import injury_report_path
from nba_platform.raw.injury_report import edition_name
from nba_platform.simulator.league import League
from nba_platform.simulator.season import Season
from nba_platform.simulator.teams import TEAMS

EDITIONS_ET = (dt.time(13, 30), dt.time(17, 30))
_ROTATION_MINUTES = 15.0  # a day-of absence of a player expected to play this much is reported as rest
# Column left edges and right end (points, landscape A4), as in the real report.
_COLUMNS = (19.1, 115.6, 196.0, 260.2, 421.0, 581.7, 662.1, 822.8)
_HEADERS = ("Game Date", "Game Time", "Matchup", "Team", "Player Name", "Current Status", "Reason")
_TOP, _BOTTOM = 100.4, 540.0
_ROW, _LINE = 22.0, 11.0
_REASONS = (
    "Injury/Illness - Left Ankle; Sprain",
    "Injury/Illness - Right Knee; Soreness",
    "Injury/Illness - Left Hamstring; Strain",
    "Injury/Illness - Lower Back; Spasms",
    "Injury/Illness - Right Foot; Plantar Fasciitis",
    "Injury/Illness - Concussion Protocol",
    # Long enough to wrap onto a second line, as the real reports do.
    "Injury/Illness - Right Forearm; Contusion; Injury Recovery Program",
    "Injury/Illness - Left Achilles; Surgery; Return to Competition Reconditioning",
)


def _reason(player: int, spell_key: str) -> str:
    digest = hashlib.blake2b(f"{player}:{spell_key}".encode(), digest_size=2).digest()
    return _REASONS[int.from_bytes(digest, "big") % len(_REASONS)]


def _report_name(name: str) -> str:
    """'Gary Payton II' -> 'Payton II, Gary' (the report writes 'Last, First')."""
    first, _, last = name.partition(" ")
    return f"{last}, {first}" if last else name


class _Report(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="L", unit="pt", format="A4")
        self.title_text = title
        self.set_auto_page_break(False)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font("Helvetica", "B", 20)
        self.set_xy(0, 38)
        self.cell(842, 30, self.title_text, align="C")
        self.set_font("Helvetica", "B", 9)
        # Left-aligned like the real header: the parser takes each column's start from its first word.
        for x, right, text in zip(_COLUMNS[:-1], _COLUMNS[1:], _HEADERS, strict=True):
            self.set_xy(x, _TOP)
            self.cell(right - x, 21.3, text, border=1, align="L")

    def footer(self) -> None:
        self.set_font("Helvetica", "", 8)
        self.set_xy(0, 560)
        self.cell(842, 12, f"Page {self.page_no()} of {{nb}}", align="C")


def _text(pdf: FPDF, col: int, centre_y: float, text: str) -> None:
    pdf.set_xy(_COLUMNS[col] + 4, centre_y - 5)
    pdf.cell(_COLUMNS[col + 1] - _COLUMNS[col] - 4, 10, text)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split(" "):
        trial = f"{current} {word}".strip()
        if current and pdf.get_string_width(trial) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current]


def render(published: dt.datetime, blocks: list[dict]) -> bytes:
    """One edition as PDF bytes. ``blocks``: per team, in report order, {date, time, matchup, team,
    rows: [(player name 'Last, First', status, reason)]} (no rows: NOT YET SUBMITTED)."""
    local = published.astimezone(ET)
    pdf = _Report(f"Injury Report: {local:%m/%d/%y %I:%M %p}")
    pdf.set_creation_date(published.astimezone(dt.UTC))  # same input, same bytes (never the wall clock)
    pdf.add_page()
    y = _TOP + 21.3
    last = {"date": None, "time": None, "matchup": None}
    for block in blocks:
        rows = block["rows"] or [("", "", "NOT YET SUBMITTED")]
        for i, (player, status, reason) in enumerate(rows):
            pdf.set_font("Helvetica", "", 9)
            parts = _wrap(pdf, reason, _COLUMNS[7] - _COLUMNS[6] - 10)
            # One line: a 22 pt row. A wrapped reason: its fragments on lines 11 pt apart above and below
            # the player's line (none on it), as the real report centres the player in the taller cell.
            n_lines = 1 if len(parts) == 1 else len(parts) + 1
            height = _ROW if n_lines == 1 else 14 + _LINE * n_lines
            if y + height > _BOTTOM:
                pdf.add_page()
                y = _TOP + 21.3

            def centre(index: int, top: float = y, one: bool = n_lines == 1) -> float:
                return top + _ROW / 2 if one else top + 7 + _LINE * index + _LINE / 2

            player_line = 0 if n_lines == 1 else (len(parts) + 1) // 2  # half the fragments above, rounded up
            cells = {4: player, 5: status}
            if i == 0:
                for col, key in ((0, "date"), (1, "time"), (2, "matchup")):
                    if block[key] != last[key]:
                        cells[col] = block[key]
                        last[key] = block[key]
                cells[3] = block["team"]
            if n_lines == 1:
                cells[6] = parts[0]
            for col, text in cells.items():
                if text:
                    _text(pdf, col, centre(player_line), text)
            if n_lines > 1:
                indices = [k for k in range(n_lines) if k != player_line]
                for part, index in zip(parts, indices, strict=True):
                    _text(pdf, 6, centre(index), part)
            pdf.line(_COLUMNS[4], y + height, _COLUMNS[7], y + height)
            y += height
    return bytes(pdf.output())


def injury_report_files(s: Season, league: League, until: dt.date | None = None) -> Iterator[tuple[str, bytes]]:
    """(relpath, PDF bytes) of every edition of every game day of the season (through ``until``: reports
    of later days are not published yet)."""
    by_date: dict[dt.date, list[int]] = {}
    for g, d in enumerate(s.dates):
        by_date.setdefault(d, []).append(g)
    days = sorted(by_date)
    for k, day in enumerate(days):
        if until is not None and day > until:
            break
        tomorrow = days[k + 1] if k + 1 < len(days) and days[k + 1] == day + dt.timedelta(days=1) else None
        for clock in EDITIONS_ET:
            published = dt.datetime.combine(day, clock, tzinfo=ET)
            blocks = []
            for g in by_date[day]:
                blocks += _game_blocks(s, league, g, published)
            for g in by_date.get(tomorrow, []) if tomorrow else []:
                blocks += _game_blocks(s, league, g, None)
            yield injury_report_path(day.isoformat(), edition_name(published)), render(published, blocks)


def _game_blocks(s: Season, league: League, g: int, published: dt.datetime | None) -> list[dict]:
    """The away team's block then the home team's; ``published`` None: not yet submitted."""
    tip = s.tips_et[g].astimezone(ET)
    away, home = TEAMS[s.away[g]].tricode, TEAMS[s.home[g]].tricode
    base = {"date": f"{tip:%m/%d/%Y}", "time": f"{tip:%I:%M} (ET)", "matchup": f"{away}@{home}"}
    blocks = []
    for side, team in ((1, s.away[g]), (0, s.home[g])):
        tg = 2 * g + side
        rows = []
        if published is not None:
            late_edition = published.time() >= EDITIONS_ET[-1] and published < tip
            for slot, player in enumerate(s.players[tg].tolist()):
                if player < 0 or s.plays[tg, slot]:
                    continue
                # Known absences are on every edition. A late scratch (an absence's surprise first game) and
                # a rotation player resting are only on an edition published after the decision (the 5:30 PM
                # one) and before the tip; a bench player the coach does not use is on none.
                if s.known_out[tg, slot]:
                    reason = _reason(player, s.label)
                elif s.injured[tg, slot] and late_edition:
                    reason = _reason(player, s.label)
                elif s.expected_minutes[tg, slot] >= _ROTATION_MINUTES and late_edition:
                    reason = "Rest"
                else:
                    continue
                rows.append((_report_name(league.names[player]), "Out", reason))
            rows.sort()
            if not rows:
                # A submitted report without players is not printed by the league: nobody listed.
                continue
        blocks.append({**base, "team": TEAMS[team].full_name, "rows": rows})
    return blocks
