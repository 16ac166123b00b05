"""The Odds API v4: events lists and `player_points` event odds, parsed to typed frames.

A snapshot is one pull of an event's odds; its time comes from the landed file name
(`<snapshotUTC>.json`) or, for `/v4/historical/...` responses, from the response's `timestamp`.
Every (snapshot, book, player, line) is kept; choosing a line is the predictions' job.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from nba_platform import tables as schemas
from nba_platform.core.names import player_lookup
from nba_platform.raw.parsing import SourceParseError, load_json, require_type
from nba_platform.raw.validation import Parsed, rejected_rows

SOURCE = "odds_api"
MARKET = "player_points"
# The order of a line row's values as read_event_odds builds them (a tuple each: row dicts were a third
# of a file's parse). It is the registry's, so the frame needs no reordering; a registry change fails here.
_LINE_COLUMNS = (
    "game_date", "snapshot_utc", "event_id", "commence_time_utc", "home_team", "away_team", "bookmaker",
    "market_last_update_utc", "player_name", "player_lookup", "line", "over_price", "under_price", "source_file",
)
_LINES = schemas.schema("raw_prop_lines")
if _LINE_COLUMNS != tuple(_LINES.names()):
    raise RuntimeError("odds_api._LINE_COLUMNS no longer follows the raw_prop_lines registry: update read_event_odds")
# Timestamps go into the frame as microseconds since the epoch, then are cast: polars builds an Int64
# column from Python ints several times faster than a Datetime column from aware datetimes, and a
# season is ~5,000 files of ~90 lines each.
_TIMESTAMPS = [c for c, dtype in _LINES.items() if dtype == schemas.UTC_TS]
_ROW_SCHEMA = {c: pl.Int64 if c in _TIMESTAMPS else dtype for c, dtype in _LINES.items()}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _micros(value: dt.datetime | None) -> int | None:
    return None if value is None else (value - _EPOCH) // _MICROSECOND

EVENTS_SCHEMA = pl.Schema(
    {
        "event_id": pl.String,
        "commence_time_utc": schemas.UTC_TS,
        "home_team": pl.String,
        "away_team": pl.String,
    }
)


def _utc(value: Any, location: str, what: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        # The API always sends UTC ('Z'); a timestamp without an offset is read as UTC, never as local time.
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise SourceParseError(SOURCE, location, f"{what} is not a timestamp: {value!r}") from exc


def _unwrap_historical(payload: Any, location: str) -> tuple[Any, dt.datetime | None]:
    """Historical endpoints wrap the live shape as {timestamp, previous_timestamp, next_timestamp, data}."""
    if isinstance(payload, dict) and "data" in payload and "timestamp" in payload:
        return payload["data"], _utc(payload["timestamp"], location, "timestamp")
    return payload, None


def parse_events(data: bytes, location: str) -> pl.DataFrame:
    payload, _ = _unwrap_historical(load_json(data, SOURCE, location), location)
    events = require_type(payload, list, SOURCE, location, "the events list")
    rows = []
    for event in events:
        require_type(event, dict, SOURCE, location, "an event")
        try:
            rows.append(
                {
                    "event_id": str(event["id"]),
                    "commence_time_utc": _utc(event["commence_time"], location, "commence_time"),
                    "home_team": str(event["home_team"]),
                    "away_team": str(event["away_team"]),
                }
            )
        except KeyError as exc:
            raise SourceParseError(SOURCE, location, f"event without {exc}") from exc
    return pl.DataFrame(rows, schema=EVENTS_SCHEMA)


def parse_event_odds(
    data: bytes, location: str, game_date: dt.date, snapshot_utc: dt.datetime | None = None
) -> pl.DataFrame:
    """One event-odds response -> RAW_PROP_LINES rows (Over and Under prices side by side).

    Outcomes that cannot be read are left out; `read_event_odds` returns them with their reasons."""
    return read_event_odds(data, location, game_date, snapshot_utc).frame


def read_event_odds(
    data: bytes, location: str, game_date: dt.date, snapshot_utc: dt.datetime | None = None
) -> Parsed:
    """The lines of one event-odds response, and the outcomes refused with a reason (no side, player or
    point; a price or point that is not a number). A file that cannot be read raises SourceParseError."""
    rows, rejected = event_odds_rows(data, location, game_date, snapshot_utc)
    return Parsed(lines_frame(rows), rejected)


def lines_frame(rows: list[tuple]) -> pl.DataFrame:
    """RAW_PROP_LINES rows from the row tuples of `event_odds_rows` (of one file or of many)."""
    return pl.DataFrame(rows, orient="row", schema=_ROW_SCHEMA).with_columns(pl.col(_TIMESTAMPS).cast(schemas.UTC_TS))


def event_odds_rows(
    data: bytes, location: str, game_date: dt.date, snapshot_utc: dt.datetime | None = None
) -> tuple[list[tuple], pl.DataFrame]:
    """`read_event_odds` with the lines as row tuples (`lines_frame` types them). A season is thousands of
    snapshot files of ~90 lines: a polars frame per file costs ~70 KiB beyond its rows, so the asset
    builds one frame from many files' rows."""
    payload, historical_ts = _unwrap_historical(load_json(data, SOURCE, location), location)
    event = require_type(payload, dict, SOURCE, location, "the event odds")
    snapshot = historical_ts or snapshot_utc
    if snapshot is None:
        raise SourceParseError(SOURCE, location, "no snapshot time (file name or historical timestamp)")
    try:
        event_id = str(event["id"])
        commence = _utc(event["commence_time"], location, "commence_time")
        home, away = str(event["home_team"]), str(event["away_team"])
    except KeyError as exc:
        raise SourceParseError(SOURCE, location, f"event without {exc}") from exc

    # (book, player, line) -> prices; Over and Under arrive as separate outcomes.
    lines: dict[tuple[str, str, float], dict[str, Any]] = {}
    refused: list[tuple[Any, str]] = []
    for book in require_type(event.get("bookmakers", []), list, SOURCE, location, "bookmakers"):
        require_type(book, dict, SOURCE, location, "a bookmaker")
        for market in require_type(book.get("markets", []), list, SOURCE, location, "markets"):
            if not isinstance(market, dict) or market.get("key") != MARKET:
                continue
            updated = _utc(market.get("last_update") or book.get("last_update"), location, "last_update")
            for outcome in require_type(market.get("outcomes", []), list, SOURCE, location, "outcomes"):
                where = {"bookmaker": book.get("key"), "outcome": outcome}
                if not isinstance(outcome, dict):
                    refused.append((where, "malformed_outcome: not an object"))
                    continue
                side, player, point = outcome.get("name"), outcome.get("description"), outcome.get("point")
                if side not in ("Over", "Under") or not player or point is None:
                    refused.append((where, "malformed_outcome: outcome without side/player/point"))
                    continue
                try:
                    if isinstance(point, bool) or isinstance(outcome.get("price"), bool):
                        raise TypeError("a boolean")
                    point = float(point)
                    price = None if outcome.get("price") is None else int(outcome["price"])
                except (TypeError, ValueError, OverflowError):
                    refused.append((where, f"wrong_type: price {outcome.get('price')!r} or point {point!r} is not a number"))
                    continue
                key = (str(book.get("key")), str(player), point)
                row = lines.setdefault(key, {"updated": updated, "Over": None, "Under": None})
                row[side] = price

    rows = []
    snapshot_us, commence_us = _micros(snapshot), _micros(commence)
    for (book, player, point), v in lines.items():
        if all(p is None or -(2**31) <= p < 2**31 for p in (v["Over"], v["Under"])):
            rows.append((game_date, snapshot_us, event_id, commence_us, home, away, book, _micros(v["updated"]), player,
                         player_lookup(player), point, v["Over"], v["Under"], location))
        else:
            row = (game_date, snapshot, event_id, commence, home, away, book, v["updated"], player,
                   player_lookup(player), point, v["Over"], v["Under"], location)
            refused.append((dict(zip(_LINE_COLUMNS, row, strict=True)), "out_of_range: a price beyond 32 bits"))
    return rows, rejected_rows(location, refused)
