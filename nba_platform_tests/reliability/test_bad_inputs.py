"""Corrupted inputs built from the real landing files: each is refused clearly, every good row lands.

One landing zone holds the real 2025-26 files of 2025-10-21..2025-11-07 (symlinks, read in place) with
one corrupted copy per case, each in its own file. One run of everything up to the feature store then
proves, per case, the outcome written next to it:

* ``file``: the file cannot be read -- quarantined with the reason, none of its rows land;
* ``rows``: the listed rows are rejected into ``_quarantine/<file>.rejected_rows.json`` with the rule,
  the file's other rows land;
* ``accepted``: nothing wrong for us (e.g. a new column the source added): every row lands.

Across all files, the rows in the warehouse are exactly the good rows of the originals: none lost.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from nba_platform.core.calendar import date_range
from nba_platform.core.warehouse.read import read_table
from nba_platform.landing import zone as lz
from nba_platform.raw.nba_cdn import read_schedule
from nba_platform.raw.nba_stats import read_leaguegamelog
from nba_platform.raw.odds_api import read_event_odds
from nba_platform.resources import local_resources
from nba_platform.runner import execute_job

from ..conftest import REAL_LANDING
from ..helpers import link_real_landing

# One worker runs this module's tests, so its run happens once (make test: --dist loadgroup; the fixture is
# session-scoped because that worker may run other modules' tests in between).
pytestmark = pytest.mark.xdist_group("bad_inputs")

START, END = dt.date(2025, 10, 21), dt.date(2025, 11, 7)
DATES = date_range(START, END)
SCHEDULE = lz.schedule_path("2025-26")


# --- mutations on the native JSON ------------------------------------------------------------------


def _json(data: bytes):
    return json.loads(data)


def _dump(payload) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _log(change: Callable[[dict, list[str], list[list]], None]) -> Callable[[bytes], bytes]:
    """Change a leaguegamelog's result set in place: change(payload, headers, rows)."""

    def mutate(data: bytes) -> bytes:
        payload = _json(data)
        result = payload["resultSets"][0]
        change(payload, result["headers"], result["rowSet"])
        return _dump(payload)

    return mutate


def _cell(column: str, value, row: int = 0) -> Callable[[bytes], bytes]:
    return _log(lambda p, h, rows: rows[row].__setitem__(h.index(column), value))


def _drop_column(column: str):
    def change(p, h, rows):
        i = h.index(column)
        del h[i]
        for r in rows:
            del r[i]

    return _log(change)


def _extra_column(p, h, rows):
    h.append("NEW_STAT")
    for r in rows:
        r.append(1.5)


def _two_teams(p, h, rows):
    """The first player appears again, for the other team of his game."""
    first = rows[0]
    other = next(r for r in rows if r[h.index("GAME_ID")] == first[h.index("GAME_ID")]
                 and r[h.index("TEAM_ID")] != first[h.index("TEAM_ID")])
    copy = list(first)
    for column in ("TEAM_ID", "TEAM_ABBREVIATION", "TEAM_NAME", "MATCHUP"):
        copy[h.index(column)] = other[h.index(column)]
    rows.append(copy)


def _third_team(p, h, rows):
    copy = list(rows[0])
    copy[h.index("TEAM_ID")] = 1610612999
    copy[h.index("TEAM_ABBREVIATION")] = "XXX"
    rows.append(copy)


def _conflicting_team_row(p, h, rows):
    copy = list(rows[0])
    copy[h.index("PTS")] += 7
    rows.append(copy)


def _latin1_name(data: bytes) -> bytes:
    payload = _json(data)
    result = payload["resultSets"][0]
    result["rowSet"][0][result["headers"].index("PLAYER_NAME")] = "José Test"
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("latin-1")


def _outcomes(change: Callable[[list[dict]], None]) -> Callable[[bytes], bytes]:
    """Change the outcomes of the first bookmaker's player_points market."""

    def mutate(data: bytes) -> bytes:
        payload = _json(data)
        change(payload["bookmakers"][0]["markets"][0]["outcomes"])
        return _dump(payload)

    return mutate


def _both_sides(change: Callable[[dict], None]):
    """Apply `change` to the Over and the Under of the first (player, line)."""

    def outcomes(items: list[dict]) -> None:
        player, point = items[0]["description"], items[0]["point"]
        for o in [o for o in items if o["description"] == player and o["point"] == point]:
            change(o)

    return _outcomes(outcomes)


def _event(key: str, value) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        payload = _json(data)
        payload[key] = value
        return _dump(payload)

    return mutate


def _schedule_game(date: str, change: Callable[[dict, list], None]) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        payload = _json(data)
        day = next(d for d in payload["leagueSchedule"]["gameDates"] if d["gameDate"].startswith(date))
        change(day["games"][0], day["games"])
        return _dump(payload)

    return mutate


# --- the cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    relpath: str
    mutate: Callable[[bytes], bytes]
    outcome: str  # file | rows | accepted
    reason: str  # substring of the quarantine reason, or the rejected rows' rule
    rejected: int = 0  # rows in the rejected-rows record
    lost: int = 0  # original rows that do not land (rows cases); every row for file cases


def _p(i: int) -> str:
    return lz.player_boxscores_path(DATES[i + 1].isoformat())


def _t(i: int) -> str:
    return lz.team_boxscores_path(DATES[i + 1].isoformat())


def _odds(i: int) -> str:
    folder = REAL_LANDING / lz.ODDS_PLAYER_POINTS / DATES[i + 1].isoformat()
    return sorted(folder.rglob("*.json"))[0].relative_to(REAL_LANDING).as_posix()


P_IN_T = (REAL_LANDING / _p(0)).read_bytes()

CASES = [
    # player box scores: the file cannot be read
    Case("truncated", _p(0), lambda b: b[: len(b) // 2], "file", "not valid JSON"),
    Case("latin-1 encoding", _p(1), _latin1_name, "file", "not UTF-8"),
    Case("UTF-16 encoding", _p(2), lambda b: b.decode().encode("utf-16"), "file", "not UTF-8"),
    Case("HTML error page", _p(3), lambda b: b"<!DOCTYPE html><html><body>Access Denied</body></html>", "file", "looks like HTML"),
    Case("empty file", _p(4), lambda b: b"", "file", "empty file"),
    Case("empty result set", _p(5), _log(lambda p, h, rows: rows.clear()), "file", "empty result set"),
    Case("missing column", _p(6), _drop_column("PTS"), "file", "missing columns ['PTS']"),
    Case("renamed column", _p(7), lambda b: b.replace(b'"MIN"', b'"MINUTES"', 1), "file", "missing columns ['MIN']"),
    # player box scores: some rows are bad
    Case("extra column", _p(8), _log(_extra_column), "accepted", ""),
    Case("wrong type (PTS 'twenty')", _p(9), _cell("PTS", "twenty"), "rows", "wrong_type", 1, 1),
    Case("row with a value missing", _p(10), _log(lambda p, h, rows: rows[0].pop()), "rows", "malformed_row", 1, 1),
    Case("duplicate row", _p(11), _log(lambda p, h, rows: rows.append(list(rows[0]))), "rows", "duplicate_row", 1, 0),
    Case("future date in the rows", _p(12), _cell("GAME_DATE", "2030-01-01"), "rows", "wrong_date", 1, 1),
    Case("player on two teams in one game", _p(13), _log(_two_teams), "rows", "two_teams", 2, 1),
    Case("negative minutes", _p(14), _cell("MIN", -12), "rows", "out_of_range", 1, 1),
    Case("impossible points (250)", _p(15), _cell("PTS", 250), "rows", "out_of_range", 1, 1),
    Case("null points", _p(16), _cell("PTS", None), "rows", "missing_value", 1, 1),
    # team box scores
    Case("player log at the team path", _t(0), lambda b: P_IN_T, "file", "PlayerOrTeam=P, expected T"),
    Case("gzip body", _t(1), gzip.compress, "file", "not UTF-8"),
    Case("JSON array, not an object", _t(2), lambda b: b"[" + b + b"]", "file", "should be a dict"),
    Case("conflicting team rows", _t(3), _log(_conflicting_team_row), "rows", "conflicting_rows", 2, 1),
    Case("negative rebounds", _t(4), _cell("OREB", -3), "rows", "negative_count", 1, 1),
    Case("a third team in a game", _t(5), _log(_third_team), "rows", "too_many_teams", 3, 2),
    # lines
    Case("line with no prices", _odds(0), _both_sides(lambda o: o.pop("price")), "rows", "no_prices", 1, 1),
    Case("price that is not American odds", _odds(1), _both_sides(lambda o: o.__setitem__("price", 50)), "rows", "bad_price", 1, 1),
    Case("outcome without a point", _odds(2), _outcomes(lambda items: items[0].pop("point")), "rows", "malformed_outcome", 1, 0),
    Case("negative line", _odds(3), _both_sides(lambda o: o.__setitem__("point", -5.5)), "rows", "out_of_range", 1, 1),
    Case("price as text", _odds(4), _outcomes(lambda items: items[0].__setitem__("price", "abc")), "rows", "wrong_type", 1, 0),
    Case("game on a future date", _odds(5), _event("commence_time", "2030-01-02T00:00:00Z"), "rows", "wrong_date", -1, -1),
    Case("truncated odds file", _odds(6), lambda b: b[:100], "file", "not valid JSON"),
    Case("bookmakers not a list", _odds(7), _event("bookmakers", {"draftkings": []}), "file", "bookmakers should be a list"),
    # the season schedule (one file: three games on three dates)
    Case("a team playing itself", SCHEDULE, _schedule_game(
        "10/24/2025", lambda g, games: g["awayTeam"].__setitem__("teamId", g["homeTeam"]["teamId"])), "rows", "same_team", 1, 1),
]
SCHEDULE_EXTRA = [
    # more corruptions of the same schedule file (applied on top of the first)
    ("game status as text", _schedule_game("10/27/2025", lambda g, games: g.__setitem__("gameStatus", "final")), "malformed_game"),
    ("game listed twice", _schedule_game("10/29/2025", lambda g, games: games.append(dict(g))), "duplicate_row"),
]


def _original_rows(relpath: str, data: bytes) -> pl.DataFrame:
    """The rows of a real file as our parsers read them."""
    if relpath == SCHEDULE:
        return read_schedule(data, relpath).frame.filter(pl.col("game_date").is_between(START, END))
    parts = relpath.split("/")
    if parts[0] == "odds_api":
        return read_event_odds(data, relpath, dt.date.fromisoformat(parts[2]), lz.parse_snapshot_name(parts[-1])).frame
    return read_leaguegamelog(data, relpath, "P" if "player" in parts[1] else "T").frame


TABLE = {"player_boxscores": "raw_player_boxscores", "team_boxscores": "raw_team_boxscores",
         "player_points": "raw_prop_lines", "schedule": "raw_schedule"}


@pytest.fixture(scope="session")
def bad_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad_inputs")
    landing = root / "landing"
    corrupted = {c.relpath for c in CASES}
    link_real_landing(landing, DATES, ["2025-26"])
    for case in CASES:
        data = case.mutate((REAL_LANDING / case.relpath).read_bytes())
        if case.relpath == SCHEDULE:
            for _, mutate, _ in SCHEDULE_EXTRA:
                data = mutate(data)
        (landing / case.relpath).unlink()
        (landing / case.relpath).write_bytes(data)
    assert len(corrupted) == len(CASES)  # one file per case (the schedule's extra cases share its file)
    warehouse = root / "warehouse.duckdb"
    with dg.instance_for_test() as instance:
        result = execute_job(
            "features_job",
            local_resources(landing_dir=str(landing), warehouse_path=str(warehouse)),
            instance,
            dates=(START, END),
        )
    return landing, warehouse, result


def test_at_least_twenty_cases():
    assert len(CASES) + len(SCHEDULE_EXTRA) >= 30


def test_only_the_missing_box_scores_check_blocks(bad_run):
    _, _, result = bad_run
    checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    # A night whose only box-score file was quarantined has final games without box scores from any
    # source: the blocking check stops what would be built on the missing night, and nothing else fails.
    assert [c.check_name for c in checks if c.blocking and not c.passed] == ["every_final_game_has_box_scores"]
    failed_steps = {e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"}
    assert failed_steps == {"raw_player_boxscores"}
    # The raw tables' non-blocking rows_valid checks report the rejected rows, with counts per rule.
    rows_valid = {c.asset_key.to_user_string(): c for c in checks if c.check_name == "rows_valid"}
    assert set(rows_valid) == {*TABLE.values(), "raw_injury_report"}
    assert not any(c.passed for name, c in rows_valid.items() if name in TABLE.values())
    assert rows_valid["raw_injury_report"].passed  # no report landed here: nothing to reject
    reasons = rows_valid["raw_player_boxscores"].metadata["reasons"].value
    assert reasons["out_of_range"] == 2 and reasons["two_teams"] == 2 and reasons["duplicate_row"] == 1


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_input_is_refused_clearly_and_good_rows_land(bad_run, case):
    landing, warehouse, _ = bad_run
    table = TABLE[case.relpath.split("/")[1]]
    landed = read_table(table, str(warehouse)).filter(pl.col("source_file") == case.relpath)
    original = _original_rows(case.relpath, (REAL_LANDING / case.relpath).read_bytes())
    reason_file = landing / lz.QUARANTINE_DIR / f"{case.relpath}.reason.txt"
    record_file = landing / lz.QUARANTINE_DIR / f"{case.relpath}.rejected_rows.json"
    if case.outcome == "file":
        assert case.reason in reason_file.read_text()
        assert str(case.relpath) in reason_file.read_text()  # the error names the file
        assert landed.height == 0
        assert (landing / lz.QUARANTINE_DIR / case.relpath).read_bytes() == (landing / case.relpath).read_bytes()
        return
    assert not reason_file.exists()
    if case.outcome == "accepted":
        assert not record_file.exists()
        assert landed.height == original.height
        return
    record = json.loads(record_file.read_text())
    in_range = [r for r in record["rows"] if case.relpath != SCHEDULE or "10/24/2025" in json.dumps(r) or "2025-10-24" in json.dumps(r)]
    rejected = original.height if case.rejected == -1 else case.rejected
    lost = original.height if case.lost == -1 else case.lost
    assert len(in_range) == rejected, record
    assert {r["reason"].split(":")[0] for r in in_range} == {case.reason}
    assert record["table"] == table and record["source_file"] == case.relpath
    assert record["file_sha256"] == lz.content_digest((landing / case.relpath).read_bytes())
    if case.relpath == SCHEDULE:
        rules = set(record["reasons"])
        assert {"same_team", "malformed_game", "duplicate_row"} <= rules  # every schedule corruption recorded
        assert landed.height == original.height - 1 - 1  # the team playing itself and the unreadable game
        return
    assert landed.height == original.height - lost


def test_no_good_row_is_lost(bad_run):
    """Every row of every untouched file lands, row for row."""
    landing, warehouse, _ = bad_run
    corrupted = {c.relpath for c in CASES}
    for kind, table in TABLE.items():
        if kind == "schedule":
            continue
        prefix = {"player_boxscores": lz.PLAYER_BOXSCORES, "team_boxscores": lz.TEAM_BOXSCORES,
                  "player_points": lz.ODDS_PLAYER_POINTS}[kind]
        files = [p.relative_to(landing).as_posix() for p in (landing / prefix).rglob("*.json")]
        untouched = [f for f in files if f not in corrupted and Path(f).parts[2] >= START.isoformat()]
        expected = sum(_original_rows(f, (REAL_LANDING / f).read_bytes()).height for f in untouched)
        landed = read_table(table, str(warehouse)).filter(pl.col("source_file").is_in(untouched))
        assert landed.height == expected, table
        for f in untouched:
            assert not (landing / lz.QUARANTINE_DIR / f"{f}.reason.txt").exists(), f
            assert not (landing / lz.QUARANTINE_DIR / f"{f}.rejected_rows.json").exists(), f
