"""Injury reports: the official NBA injury report (PDF) and balldontlie `/player_injuries` (JSON),
parsed into one frame (`raw_injury_report`: one row per player and edition).

**The official report** is a landscape table, the same header on every page: Game Date, Game Time,
Matchup, Team, Player Name, Current Status, Reason. Date, time, matchup and team are merged cells:
written once at the top of their block, they hold for the lines below, across page breaks. A long
reason wraps onto extra lines above and below the player's line (the player's line is vertically
centred in its cell), so a reason fragment on a line of its own belongs to the nearest player line of
the page. A team whose list is not in yet reads "NOT YET SUBMITTED" in the reason column: it is
recorded as such (`InjuryReport.teams`), never as a player. Words are placed in columns by the x
positions of the header words, so the parse depends on the layout, not on the text's spacing.

The edition is the report's publication time: the header ("Injury Report: 01/04/24 12:30 PM", ET)
when it has one, else the file name (`2024-01-04_12PM`, or since late 2025 `2025-12-01_01_30PM`).
A file that is not a readable PDF, or has no report header, raises `SourceParseError` (the raw asset
quarantines it); a line that cannot be read (an unknown status or team, a fragment with no player line)
is a rejected row with its reason, and the other rows land.

**balldontlie** rows carry no game: they apply to the player's next game per the schedule, the first
whose tip is after the snapshot (`assign_next_games`). Its status vocabulary maps to the report's by
`BDL_STATUS` (see `bdl_status`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import polars as pl
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from nba_platform import tables as schemas
from nba_platform.core.calendar import ET, TIMEZONE
from nba_platform.core.names import player_lookup
from nba_platform.raw.parsing import SourceParseError, load_json, require_type
from nba_platform.raw.teams import BALLDONTLIE_IDS, team_abbr
from nba_platform.raw.validation import Parsed, rejected_rows

SOURCE = "nba_injury_report"
BDL_SOURCE = "balldontlie"
STATUSES = ("OUT", "DOUBTFUL", "QUESTIONABLE", "PROBABLE", "AVAILABLE")
NOT_YET_SUBMITTED = "NOT YET SUBMITTED"

TEAMS_SCHEMA = pl.Schema(
    {
        "game_date": pl.Date,
        "edition": pl.String,
        "matchup": pl.String,
        "team_abbr": pl.String,
        "submitted": pl.Boolean,
        "source_file": pl.String,
    }
)

_HEADER_RE = re.compile(r"Injury Report:\s*(\d{2}/\d{2}/\d{2,4})\s+(\d{1,2}):(\d{2})\s*([AP]M)", re.I)
# Old editions are named by the hour (2024-01-04_12PM), since late 2025 by the quarter hour (_01_30PM).
_EDITION_RE = re.compile(r"(\d{4}-\d{2}-\d{2})_(\d{2})(?:_(\d{2}))?([AP]M)$")
_PAGE_FOOTER_RE = re.compile(r"^Page\s*\d+\s*of\s*\d+$", re.I)
_MATCHUP_RE = re.compile(r"^([A-Z]{2,4})@([A-Z]{2,4})$")
_COLUMNS = ("game_date", "game_time", "matchup", "team", "player", "status", "reason")
# The header words each column starts with (Game Date, Game Time, Matchup, Team, Player Name, Current Status, Reason).
_HEADER_WORDS = ("Game", "Game", "Matchup", "Team", "Player", "Current", "Reason")
_LINE_TOLERANCE = 2.5  # points: words whose tops differ by less are on one line
_WORD_X_TOLERANCE = 1.0  # points: characters closer than this (and no space between) make one word
_WORD_Y_TOLERANCE = 2.0
_MAX_FRAGMENT_GAP = 20.0  # points: wrapped reason lines sit 5.5-16.5 pt from their player line; rows are 22 pt apart


@dataclass(frozen=True)
class InjuryReport:
    """One parsed report: player rows, rejected lines (REJECTED) and each listed team's submission."""

    frame: pl.DataFrame
    rejected: pl.DataFrame
    teams: pl.DataFrame


def edition_of(name: str) -> tuple[str, dt.datetime]:
    """The edition and its publication time (UTC) from a file name such as
    `Injury-Report_2024-01-04_12PM.pdf` or `2025-12-01_01_30PM.pdf`. ValueError when it is neither."""
    stem = name.rsplit("/", 1)[-1].removesuffix(".pdf").removeprefix("Injury-Report_")
    match = _EDITION_RE.search(stem)
    if not match:
        raise ValueError(f"{name!r} is not an injury report edition name (YYYY-MM-DD_HHAM or YYYY-MM-DD_HH_MMAM)")
    day, hour, minute, half = match.groups()
    local = dt.datetime.strptime(f"{day} {hour}:{minute or '00'} {half}", "%Y-%m-%d %I:%M %p")
    return match.group(0), local.replace(tzinfo=ET).astimezone(dt.UTC)


#: The league names its editions by the quarter hour from this ET date on (by the hour before).
QUARTER_HOURS_SINCE = dt.date(2025, 12, 23)


def edition_name(published: dt.datetime, *, quarter_hours: bool | None = None) -> str:
    """The file-name edition of a publication time: `2025-12-01_01_30PM`, or the hourly `2024-01-04_12PM`
    (by default the naming of the edition's date)."""
    local = published.astimezone(ET)
    if quarter_hours is None:
        quarter_hours = local.date() >= QUARTER_HOURS_SINCE
    return local.strftime("%Y-%m-%d_%I_%M%p" if quarter_hours else "%Y-%m-%d_%I%p")


def official_player_name(name: str) -> str:
    """'Duke Jr., David' -> 'David Duke Jr.' (the report writes 'Last, First')."""
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if sep and first.strip() else name.strip()


def _header_time(text: str) -> dt.datetime | None:
    match = _HEADER_RE.search(text)
    if not match:
        return None
    day, hour, minute, half = match.groups()
    fmt = "%m/%d/%y" if len(day) == 8 else "%m/%d/%Y"
    date = dt.datetime.strptime(day, fmt).date()
    local = dt.datetime.strptime(f"{hour}:{minute} {half.upper()}", "%I:%M %p").time()
    return dt.datetime.combine(date, local, tzinfo=ET).astimezone(dt.UTC)


def _lines(words: list[dict[str, Any]]) -> list[tuple[float, list[dict[str, Any]]]]:
    """Words grouped into lines by their top, in reading order."""
    lines: list[tuple[float, list[dict[str, Any]]]] = []
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(word["top"] - lines[-1][0]) < _LINE_TOLERANCE:
            lines[-1][1].append(word)
        else:
            lines.append((word["top"], [word]))
    return [(top, sorted(ws, key=lambda w: w["x0"])) for top, ws in lines]


def _column_starts(line: list[dict[str, Any]]) -> list[float] | None:
    """The x where each column starts, when ``line`` is the table header."""
    texts = [w["text"] for w in line]
    if "Matchup" not in texts or "Reason" not in texts:
        return None
    starts, i = [], 0
    for wanted in _HEADER_WORDS:
        while i < len(line) and line[i]["text"] != wanted:
            i += 1
        if i == len(line):
            return None
        starts.append(line[i]["x0"] - 4)  # cell padding: data is indented like its header
        i += 1
    return starts


def _cells(line: list[dict[str, Any]], starts: list[float]) -> dict[str, str]:
    parts: dict[str, list[str]] = {c: [] for c in _COLUMNS}
    for word in line:
        index = max((i for i, s in enumerate(starts) if word["x0"] >= s), default=0)
        parts[_COLUMNS[index]].append(word["text"])
    return {c: " ".join(ws) for c, ws in parts.items()}


def _page_words(page: pdfium.PdfPage) -> list[dict[str, Any]]:
    """A page's words with their left edge and top (points from the page's top).

    PDFium gives characters with their font boxes; a word is a run of characters on one line (tops
    within _WORD_Y_TOLERANCE), left to right, broken by a space or by a gap wider than
    _WORD_X_TOLERANCE (the report's word gaps are narrow). Spaces PDFium inserts itself are ignored."""
    height, text = page.get_height(), page.get_textpage()
    chars = []
    for i in range(text.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(text, i) == 1:
            continue
        left, _bottom, right, top = text.get_charbox(i, loose=True)
        chars.append((height - top, left, right, chr(pdfium_c.FPDFText_GetUnicode(text, i))))
    words: list[dict[str, Any]] = []
    line: list[tuple[float, float, float, str]] = []
    for char in [*sorted(chars), None]:
        if char is not None and (not line or char[0] - line[-1][0] <= _WORD_Y_TOLERANCE):
            line.append(char)
            continue
        word = None
        for top, left, right, ch in sorted(line, key=lambda c: c[1]):
            if ch.isspace():
                word = None
            elif word is not None and left <= word["x1"] + _WORD_X_TOLERANCE:
                word["text"], word["x1"] = word["text"] + ch, right
            else:
                word = {"text": ch, "x0": left, "x1": right, "top": top}
                words.append(word)
        line = [char] if char is not None else []
    return words


def _open_pages(data: bytes, location: str) -> list[list[dict[str, Any]]]:
    """Each page's words (PDFium: a damaged or cut file fails to load as a whole)."""
    if not data.startswith(b"%PDF"):
        head = data.lstrip()[:1]
        hint = " (looks like HTML, e.g. an error page)" if head == b"<" else ""
        raise SourceParseError(SOURCE, location, f"not a PDF{hint}")
    try:
        document = pdfium.PdfDocument(data)
        try:
            return [_page_words(page) for page in document]  # a page can fail to load on its own
        finally:
            document.close()
    except pdfium.PdfiumError as exc:
        raise SourceParseError(SOURCE, location, f"unreadable PDF (truncated or damaged): {exc}") from exc


def read_injury_report_pdf(data: bytes, location: str) -> InjuryReport:
    """An official injury report PDF -> `raw_injury_report` rows, rejected lines and team submissions."""
    pages = _open_pages(data, location)
    if not pages:
        raise SourceParseError(SOURCE, location, "a PDF without pages")
    published = None
    for _top, line in _lines(pages[0])[:3]:
        published = published or _header_time(" ".join(w["text"] for w in line))
    try:
        edition, named_time = edition_of(location)
    except ValueError:
        edition, named_time = None, None
    if published is None and named_time is None:
        raise SourceParseError(SOURCE, location, "no 'Injury Report: <date> <time>' header and no edition in the file name")
    published = published or named_time
    if edition is None:
        edition = edition_name(published)

    context: dict[str, str] = {"game_date": "", "game_time": "", "matchup": "", "team": ""}
    anchors: list[dict[str, Any]] = []  # player rows, in order
    fragments: list[tuple[int, float, str]] = []  # (page, top, reason text) lines of their own
    teams: list[dict[str, Any]] = []
    refused: list[tuple[Any, str]] = []
    starts: list[float] | None = None
    saw_header = False
    footers: set[int] = set()
    for page_no, words in enumerate(pages, start=1):
        past_header = False
        for top, line in _lines(words):
            header = _column_starts(line)
            if header:
                starts, past_header, saw_header = header, True, True
                continue
            text = " ".join(w["text"] for w in line)
            if _PAGE_FOOTER_RE.match(text):
                footers.add(page_no)
                continue
            if _HEADER_RE.search(text):
                past_header = True  # later pages repeat the title, not always the column header
                continue
            if not past_header or starts is None:
                continue  # the title block above the table
            cells = _cells(line, starts)
            for column in context:
                if cells[column]:
                    context[column] = cells[column]
            where = {"page": page_no, "line": text}
            if cells["reason"].upper() == NOT_YET_SUBMITTED and not cells["status"]:
                teams.append({**context, "submitted": False, "_where": where})
                continue
            if cells["status"] or cells["player"]:
                anchors.append({**context, **{k: cells[k] for k in ("player", "status")},
                                "reason": [(top, cells["reason"])], "page": page_no, "_where": where})
                if not teams or (teams[-1]["team"], teams[-1]["matchup"]) != (context["team"], context["matchup"]):
                    teams.append({**context, "submitted": True, "_where": where})
            elif cells["reason"]:
                fragments.append((page_no, top, cells["reason"]))
            elif cells["team"] and team_abbr(cells["team"]) is None:
                # A block opener whose team is unreadable (a cut or damaged line): its rows are lost.
                refused.append((where, f"unknown_team: {cells['team']!r} opens a block without player lines"))
            # A line with only date/time/matchup/team opens a block: the context above holds it.
    if not saw_header:
        raise SourceParseError(SOURCE, location, "no table header (Game Date ... Reason) on any page")
    # Every page ends with "Page k of n": a page without it lost text (a damaged content stream), and
    # its rows would silently be missing.
    missing = sorted(set(range(1, len(pages) + 1)) - footers)
    if missing:
        raise SourceParseError(SOURCE, location, f"pages {missing} have no 'Page k of n' footer: damaged or cut")

    for page_no, top, text in fragments:
        on_page = [a for a in anchors if a["page"] == page_no]
        if not on_page:
            refused.append(({"page": page_no, "line": text}, "orphan_fragment: a reason line with no player line on its page"))
            continue
        nearest = min(on_page, key=lambda a: abs(a["reason"][0][0] - top))
        if abs(nearest["reason"][0][0] - top) > _MAX_FRAGMENT_GAP:
            # Wrapped lines sit one line (~11 pt) from their player's line; farther, the player line is lost.
            refused.append(({"page": page_no, "line": text}, "orphan_fragment: a reason line far from any player line"))
            continue
        nearest["reason"].append((top, text))

    def game_date_of(value: str, where: Any) -> dt.date | None:
        try:
            return dt.datetime.strptime(value, "%m/%d/%Y").date()
        except ValueError:
            refused.append((where, f"bad_game_date: {value!r} is not MM/DD/YYYY"))
            return None

    rows = []
    for a in anchors:
        where = {**a["_where"], "player": a["player"], "team": a["team"], "matchup": a["matchup"]}
        status = a["status"].strip().upper()
        team = team_abbr(a["team"])
        if status not in STATUSES:
            refused.append((where, f"unknown_status: {a['status']!r}"))
            continue
        if team is None:
            refused.append((where, f"unknown_team: {a['team']!r}"))
            continue
        if not _MATCHUP_RE.match(a["matchup"]):
            refused.append((where, f"bad_matchup: {a['matchup']!r}"))
            continue
        if not a["player"]:
            refused.append((where, "missing_value: a status without a player name"))
            continue
        game_date = game_date_of(a["game_date"], where)
        if game_date is None:
            continue
        name = official_player_name(a["player"])
        reason = " ".join(t for _, t in sorted(a["reason"]) if t)
        rows.append({
            "game_date": game_date, "source": SOURCE, "edition": edition, "published_utc": published,
            "game_id": None, "matchup": a["matchup"], "team_abbr": team, "player_name": name,
            "player_lookup": player_lookup(name), "status": status, "reason": reason, "source_file": location,
        })
    team_rows = []
    for t in teams:
        abbr, game_date = team_abbr(t["team"]), game_date_of(t["game_date"], t["_where"])
        if abbr is None:
            refused.append((t["_where"], f"unknown_team: {t['team']!r}"))
            continue
        if game_date is not None:
            team_rows.append({"game_date": game_date, "edition": edition, "matchup": t["matchup"],
                              "team_abbr": abbr, "submitted": t["submitted"], "source_file": location})
    return InjuryReport(
        pl.DataFrame(rows, schema=schemas.schema("raw_injury_report")),
        rejected_rows(location, refused),
        pl.DataFrame(team_rows, schema=TEAMS_SCHEMA),
    )


# balldontlie `/player_injuries` ----------------------------------------------------------------------

#: balldontlie status -> the report's vocabulary. "Day-To-Day" is balldontlie's only "may play" word:
#: QUESTIONABLE, unless its expected return date is after the game (then DOUBTFUL: the player is not
#: expected back, but no official ruling says OUT).
BDL_STATUS = {
    "out": "OUT",
    "out for season": "OUT",
    "suspension": "OUT",
    "doubtful": "DOUBTFUL",
    "day-to-day": "QUESTIONABLE",
    "questionable": "QUESTIONABLE",
    "game time decision": "QUESTIONABLE",
    "probable": "PROBABLE",
    "available": "AVAILABLE",
    "active": "AVAILABLE",
}


def return_date(text: str | None, snapshot: dt.date) -> dt.date | None:
    """balldontlie's 'Oct 1' as a date: the year that puts it nearest the snapshot. None when unreadable."""
    if not text:
        return None
    try:
        month_day = dt.datetime.strptime(f"{text.strip()} 2000", "%b %d %Y")
    except ValueError:
        return None
    candidates = []
    for year in (snapshot.year - 1, snapshot.year, snapshot.year + 1):
        try:
            candidates.append(dt.date(year, month_day.month, month_day.day))
        except ValueError:  # Feb 29 of a common year
            continue
    return min(candidates, key=lambda d: abs((d - snapshot).days))


def bdl_status(status: str, expected_return: dt.date | None, game_date: dt.date) -> str | None:
    """The report vocabulary for a balldontlie status on ``game_date`` (None: an unknown status)."""
    mapped = BDL_STATUS.get(status.strip().lower())
    if mapped == "QUESTIONABLE" and status.strip().lower() == "day-to-day":
        if expected_return is not None and expected_return > game_date:
            return "DOUBTFUL"
    return mapped


BDL_SCHEMA = pl.Schema(
    {
        "edition": pl.String,
        "published_utc": schemas.UTC_TS,
        "team_abbr": pl.String,
        "player_name": pl.String,
        "player_lookup": pl.String,
        "bdl_status": pl.String,
        "return_date": pl.Date,
        "description": pl.String,
        "source_file": pl.String,
    }
)


def bdl_edition(name: str) -> tuple[str, dt.datetime]:
    """`20251105T150000Z_p2.json` -> ('20251105T150000Z', its time): the pages of a snapshot share one edition."""
    stem = name.rsplit("/", 1)[-1].removesuffix(".json")
    snapshot = re.sub(r"_p\d+$", "", stem)
    return snapshot, dt.datetime.strptime(snapshot, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def read_player_injuries(data: bytes, location: str, snapshot_utc: dt.datetime | None = None) -> Parsed:
    """One `/player_injuries` page -> BDL_SCHEMA rows (no game yet: `assign_next_games`) and refused items."""
    payload = require_type(load_json(data, BDL_SOURCE, location), dict, BDL_SOURCE, location, "the response")
    items = require_type(payload.get("data"), list, BDL_SOURCE, location, "data")
    if snapshot_utc is None:
        try:
            edition, snapshot_utc = bdl_edition(location)
        except ValueError as exc:
            raise SourceParseError(BDL_SOURCE, location, "file name is not a <YYYYmmddTHHMMSSZ>[_pN].json snapshot") from exc
    else:
        edition = snapshot_utc.strftime("%Y%m%dT%H%M%SZ")
    snapshot_day = snapshot_utc.astimezone(ET).date()
    rows, refused = [], []
    for item in items:
        player = item.get("player") if isinstance(item, dict) else None
        if not isinstance(player, dict):
            refused.append((item, "malformed_item: no player object"))
            continue
        team = BALLDONTLIE_IDS.get(player.get("team_id"))
        name = f"{player.get('first_name') or ''} {player.get('last_name') or ''}".strip()
        status = item.get("status")
        if team is None:
            refused.append((item, f"unknown_team: balldontlie team_id {player.get('team_id')!r}"))
            continue
        if not name or not isinstance(status, str) or status.strip().lower() not in BDL_STATUS:
            refused.append((item, f"unknown_status: {status!r}" if name else "missing_value: no player name"))
            continue
        rows.append({
            "edition": edition, "published_utc": snapshot_utc, "team_abbr": team, "player_name": name,
            "player_lookup": player_lookup(name), "bdl_status": status.strip(),
            "return_date": return_date(item.get("return_date"), snapshot_day),
            "description": item.get("description") or "", "source_file": location,
        })
    return Parsed(pl.DataFrame(rows, schema=BDL_SCHEMA), rejected_rows(location, refused))


def assign_next_games(injuries: pl.DataFrame, schedule: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """balldontlie rows (BDL_SCHEMA) -> `raw_injury_report` rows, each for its team's next game: the first
    in ``schedule`` (raw_schedule columns) that tips after the snapshot (news after a tip is for the
    next game). Returns the rows and how many had no such game in the schedule (off-season, schedule
    not landed): they have no game date, so no partition."""
    if injuries.is_empty():
        return schemas.empty("raw_injury_report"), 0
    sides = [
        schedule.select(
            "game_date", "game_id", "tip_time_utc",
            pl.col(f"{side}_team_abbr").alias("team_abbr"),
            pl.format("{}@{}", "away_team_abbr", "home_team_abbr").alias("matchup"),
        )
        for side in ("home", "away")
    ]
    games = pl.concat(sides).with_columns(
        # A game without a tip time counts from the start of its ET day.
        pl.coalesce(
            "tip_time_utc",
            pl.col("game_date").cast(pl.Datetime("us")).dt.replace_time_zone(TIMEZONE).dt.convert_time_zone("UTC"),
        ).alias("_tip")
    ).sort("_tip")
    joined = injuries.sort("published_utc").join_asof(
        games, left_on="published_utc", right_on="_tip", by="team_abbr", strategy="forward",
        allow_exact_matches=False, check_sortedness=False,  # sorted by _tip, hence within each team
    )
    unscheduled = joined.filter(pl.col("game_id").is_null()).height
    rows = joined.filter(pl.col("game_id").is_not_null())
    statuses = [
        bdl_status(s, r, g)
        for s, r, g in zip(rows["bdl_status"], rows["return_date"], rows["game_date"], strict=True)
    ]
    out = rows.with_columns(
        pl.lit(BDL_SOURCE).alias("source"),
        pl.Series("status", statuses, dtype=pl.String),
        pl.when(pl.col("return_date").is_not_null())
        .then(pl.format("{} (expected return {})", "description", pl.col("return_date").cast(pl.String)))
        .otherwise("description")
        .alias("reason"),
    )
    return schemas.conform(out, "raw_injury_report"), unscheduled


def attach_game_ids(frame: pl.DataFrame, schedule: pl.DataFrame) -> pl.DataFrame:
    """Fill `game_id` of official-report rows from the schedule (same ET date, away@home matchup)."""
    if frame.is_empty() or schedule.is_empty():
        return frame
    ids = schedule.select(
        "game_date", pl.format("{}@{}", "away_team_abbr", "home_team_abbr").alias("matchup"),
        pl.col("game_id").alias("_game_id"),
    ).unique(["game_date", "matchup"], keep="first")
    return (
        frame.join(ids, on=["game_date", "matchup"], how="left")
        .with_columns(pl.coalesce("game_id", "_game_id").alias("game_id"))
        .drop("_game_id")
    )
