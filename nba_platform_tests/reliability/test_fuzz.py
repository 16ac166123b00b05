"""Property-based tests (hypothesis) on every parser and on the context and feature transforms.

Parsers get random bytes and real responses (trimmed) with one value replaced by any JSON value or one
key deleted: the only exception allowed is `SourceParseError`; what parses has the table's schema,
accounts for every source row (landed or rejected with a reason), and after the row rules holds no
duplicate key, null required value or out-of-range number. The transforms get small random leagues:
no exception, counts and rates within bounds, and point in time -- a date's features computed from the
full history equal those computed from the rows before that date only.

Example counts are modest (the suite runs on two cores); raise them locally with
`--hypothesis-seed` / `HYPOTHESIS_PROFILE=thorough`.
"""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
import os
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nba_platform import tables as schemas
from nba_platform.analytics.context import build_upcoming_context
from nba_platform.features.store import COMPUTED, DEFAULT, FALLBACK, MISSING, build_feature_store
from nba_platform.landing import zone as lz
from nba_platform.quality import out_of_range
from nba_platform.raw.nba_cdn import PLAYBYPLAY_SCHEMA, parse_playbyplay, read_schedule
from nba_platform.raw.nba_stats import read_leaguegamelog
from nba_platform.raw.odds_api import EVENTS_SCHEMA, parse_events, read_event_odds
from nba_platform.raw.parsing import SourceParseError
from nba_platform.raw.validation import validate

from ..conftest import FIXTURES, REAL_LANDING
from ..frames import history_rows, schedule_rows, team_rows

settings.register_profile(
    "suite", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.register_profile("thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

DAY = dt.date(2025, 3, 15)
SNAP = dt.datetime(2025, 3, 15, 17, tzinfo=dt.UTC)


# --- real responses, trimmed so an example parses in milliseconds ---------------------------------


def _trimmed_log(path) -> dict:
    payload = json.loads(path.read_bytes())
    payload["resultSets"][0]["rowSet"] = payload["resultSets"][0]["rowSet"][:6]
    return payload


def _trimmed_schedule() -> dict:
    payload = json.loads((REAL_LANDING / lz.schedule_path("2025-26")).read_bytes())
    days = payload["leagueSchedule"]["gameDates"][:3]
    for day in days:
        day["games"] = day["games"][:2]
    payload["leagueSchedule"]["gameDates"] = days
    return payload


def _trimmed_pbp() -> dict:
    payload = json.loads(gzip.decompress((FIXTURES / "nba_cdn" / "playbyplay_0022400500.json.gz").read_bytes()))
    payload["game"]["actions"] = payload["game"]["actions"][:12]
    return payload


def _trimmed_odds() -> dict:
    payload = json.loads((FIXTURES / "odds_api" / "event_odds_player_points_f54c4a22568ce9dc33fb410d1b0e75e9.json").read_bytes())
    payload["bookmakers"] = payload["bookmakers"][:2]
    for book in payload["bookmakers"]:
        book["markets"][0]["outcomes"] = book["markets"][0]["outcomes"][:6]
    return payload


def _trimmed_events() -> dict:
    payload = json.loads((FIXTURES / "odds_api" / "events_historical_2025-03-09T235538Z.json").read_bytes())
    payload["data"] = payload["data"][:4]
    return payload


P_LOG = _trimmed_log(FIXTURES / "nba_stats" / "leaguegamelog_P_2025-03-15.json")
T_LOG = _trimmed_log(REAL_LANDING / lz.team_boxscores_path("2025-03-15"))
SCHEDULE = _trimmed_schedule()
PBP = _trimmed_pbp()
ODDS = _trimmed_odds()
EVENTS = _trimmed_events()


def _rows_in(payload: Any) -> int | None:
    try:
        return len(payload["resultSets"][0]["rowSet"])
    except (KeyError, IndexError, TypeError):
        return None


# Each parser, the real response it reads, the table it feeds (None: no raw table) and its schema.
PARSERS: dict[str, tuple[Callable[[bytes], Any], dict, str | None, pl.Schema]] = {
    "leaguegamelog_P": (lambda b: read_leaguegamelog(b, "nba_stats/player_boxscores/2025-03-15/leaguegamelog.json", "P"),
                        P_LOG, "raw_player_boxscores", schemas.schema("raw_player_boxscores")),
    "leaguegamelog_T": (lambda b: read_leaguegamelog(b, "nba_stats/team_boxscores/2025-03-15/leaguegamelog.json", "T"),
                        T_LOG, "raw_team_boxscores", schemas.schema("raw_team_boxscores")),
    "schedule": (lambda b: read_schedule(b, "nba_cdn/schedule/2025-26/scheduleLeagueV2.json"),
                 SCHEDULE, "raw_schedule", schemas.schema("raw_schedule")),
    "playbyplay": (lambda b: parse_playbyplay(b, "nba_cdn/playbyplay/2024-12-31/playbyplay_0022400500.json"),
                   PBP, None, PLAYBYPLAY_SCHEMA),
    "event_odds": (lambda b: read_event_odds(b, "odds_api/player_points/2025-03-15/e/20250315T170000Z.json", DAY, SNAP),
                   ODDS, "raw_prop_lines", schemas.schema("raw_prop_lines")),
    "events": (lambda b: parse_events(b, "odds_api/events/2025-03-15/20250315T170000Z.json"), EVENTS, None, EVENTS_SCHEMA),
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False) | st.text(max_size=12)
    | st.sampled_from(["", "2025-03-15", "12:30", "PT11M42.00S", "2025-03-15T23:00:00Z", "-0", "1e400", "Over"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a JSON document (dict keys and list indexes)."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated(draw, document: dict) -> bytes:
    """The document with one value replaced by any JSON value, or one key or item removed."""
    doc = copy.deepcopy(document)
    path = draw(st.sampled_from(_paths(doc)[1:]))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if draw(st.booleans()):
        parent[path[-1]] = draw(json_values)
    else:
        del parent[path[-1]]
    return json.dumps(doc).encode()


def _check(name: str, data: bytes) -> None:
    """The parser either refuses with SourceParseError or returns well-formed, fully accounted-for rows."""
    parse, original, table, schema = PARSERS[name]
    try:
        out = parse(data)
    except SourceParseError as exc:
        assert exc.reason and exc.location in str(exc)
        return
    frame = out.frame if hasattr(out, "frame") else out
    assert frame.schema == schema
    if hasattr(out, "rejected"):
        assert out.rejected["reason"].null_count() == 0
        assert all(":" in r for r in out.rejected["reason"])  # "<rule>: <detail>"
        rows = _rows_in(json.loads(data)) if name.startswith("leaguegamelog") else None
        if rows is not None:
            assert frame.height + out.rejected.height == rows  # every source row: landed or rejected
    if table is not None:
        checked = validate(frame, table)
        good = checked.frame
        assert good.height + checked.rejected.height >= frame.height  # duplicates keep their first copy
        assert good.filter(pl.struct(list(schemas.TABLES[table].keys)).is_duplicated()).height == 0
        assert not out_of_range(good, table)
        for column in schemas.TABLES[table].keys:
            assert good[column].null_count() == 0


@pytest.mark.parametrize("name", list(PARSERS))
@given(data=st.binary(max_size=400))
def test_parsers_refuse_random_bytes_clearly(name, data):
    _check(name, data)


@pytest.mark.parametrize("name", list(PARSERS))
@given(data=st.data())
def test_parsers_on_real_responses_with_one_value_broken(name, data):
    _check(name, data.draw(mutated(PARSERS[name][1])))


@pytest.mark.parametrize("name", list(PARSERS))
def test_the_real_responses_themselves_parse_cleanly(name):
    out = PARSERS[name][0](json.dumps(PARSERS[name][1]).encode())
    frame = out.frame if hasattr(out, "frame") else out
    assert frame.height > 0 and (not hasattr(out, "rejected") or out.rejected.is_empty())


# --- context and features on random small leagues ------------------------------------------------

TEAMS = [1, 2, 3, 4]
FIRST = dt.date(2025, 1, 1)


@st.composite
def leagues(draw):
    """Up to 12 game days in 30 days; each a game between two of four teams, two or three players a side."""
    days = sorted(draw(st.sets(st.integers(0, 29), min_size=2, max_size=12)))
    games, players, teams = [], [], []
    for offset in days:
        d = FIRST + dt.timedelta(days=offset)
        home, away = draw(st.lists(st.sampled_from(TEAMS), min_size=2, max_size=2, unique=True))
        games.append((d, home, away))
        for team in (home, away):
            teams.append((d, team, draw(st.floats(85, 110)), draw(st.floats(95, 125)), draw(st.booleans())))
            for i in range(draw(st.integers(2, 3))):
                points = draw(st.integers(0, 55))
                minutes = draw(st.floats(0, 48, allow_nan=False))
                players.append((d, team * 10 + i, team, points, minutes))
    return schedule_rows(games), history_rows(players), team_rows(teams)


def _build(schedule: pl.DataFrame, players: pl.DataFrame, teams: pl.DataFrame) -> pl.DataFrame:
    context, _ = build_upcoming_context(schedule, pl.DataFrame(), players, teams)
    return build_feature_store(context, players, teams)


@settings(max_examples=25)
@given(league=leagues())
def test_features_hold_their_invariants_and_never_see_the_target_date(league):
    schedule, players, teams = league
    features = _build(schedule, players, teams)
    assert features.schema == schemas.schema("ml_feature_store")
    assert set(features["game_date"]) <= set(schedule["game_date"])
    assert features.select(pl.struct("game_id", "player_id").is_unique().all()).item()
    for column in ("games_played_season", "games_in_last_7_days", "minutes_in_last_7_days", "points_avg_last_5",
                   "points_avg_last_10", "points_avg_season", "minutes_avg_season", "fatigue_score", "missing_feature_count"):
        assert (features[column].drop_nulls() >= 0).all(), column
    assert (features["days_rest"].drop_nulls() >= 1).all()
    assert features["quality_score"].is_between(0, 1).all()
    flags = {v for c in features.columns if c.startswith("q_") for v in features[c].unique().to_list()}
    assert flags <= {COMPUTED, FALLBACK, DEFAULT, MISSING}
    # Point in time: each date's features from the full history equal those from rows before the date.
    for day in sorted(set(schedule["game_date"])):
        before = _build(
            schedule.filter(pl.col("game_date") == day),
            players.filter(pl.col("game_date") < day),
            teams.filter(pl.col("game_date") < day),
        )
        assert before.equals(features.filter(pl.col("game_date") == day)), day
