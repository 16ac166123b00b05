"""The `status` block every published document carries, so a consumer never shows old picks as today's.

A status has a `state` (worst finding wins) and a `stale` flag a consumer can branch on:

| state     | meaning                                                          | stale |
|-----------|------------------------------------------------------------------|-------|
| `ok`      | current as far as we can tell                                    | no    |
| `pending` | current, but waiting on something expected (games not final yet) | no    |
| `warn`    | a freshness policy of the document or an input is close to failing | no  |
| `stale`   | the data is old: a past date, lines older than the limit, missing results | yes |
| `failing` | a freshness policy of the document or an input is failing        | yes   |

Findings come from the data (pure functions here) and from the Dagster instance's freshness state
records, read by the asset and passed in as `FreshnessReading`s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from nba_platform.core.calendar import ET

STATES = ("ok", "pending", "warn", "stale", "failing")  # ascending severity
STALE_STATES = ("stale", "failing")

# Lines are scraped every ~2 h on game days; a newest snapshot older than this before tip-off is stale.
LINE_MAX_AGE_HOURS = 6.0
# How far back the systems document looks for dates whose results never arrived.
MISSING_RESULTS_LOOKBACK_DAYS = 30


@dataclass(frozen=True)
class Finding:
    state: str
    reason: str


@dataclass(frozen=True)
class FreshnessReading:
    """An asset's freshness state as the Dagster instance records it (PASS, WARN, FAIL, UNKNOWN...)."""

    asset: str
    state: str
    since: dt.datetime | None = None


def today_et(now: dt.datetime) -> dt.date:
    return now.astimezone(ET).date()


def iso_utc(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _freshness_findings(readings: Sequence[FreshnessReading]) -> list[Finding]:
    out = []
    for r in readings:
        since = f" since {iso_utc(r.since)}" if r.since else ""
        if r.state == "FAIL":
            out.append(Finding("failing", f"freshness policy of {r.asset} is failing{since}"))
        elif r.state == "WARN":
            out.append(Finding("warn", f"freshness policy of {r.asset} is close to failing (WARN){since}"))
    return out


def freshness_applies(game_date: dt.date, now: dt.datetime) -> bool:
    """Dagster's freshness state is per asset and speaks about its latest partitions: it judges the
    documents of yesterday (last night's results) and later, not a backfilled old date."""
    return game_date >= today_et(now) - dt.timedelta(days=1)


def status_block(
    findings: Iterable[Finding],
    freshness: Sequence[FreshnessReading] | None,
    data_as_of: dt.datetime | None = None,
    applies: bool = True,
) -> dict:
    """The document's status. `freshness` None means the instance could not be asked (not "all fine");
    readings that do not apply (an old date) are listed but do not change the state."""
    everything = [*findings, *(_freshness_findings(freshness or []) if applies else [])]
    state = max((f.state for f in everything), key=STATES.index, default="ok")
    return {
        "state": state,
        "stale": state in STALE_STATES,
        "reasons": [f.reason for f in sorted(everything, key=lambda f: -STATES.index(f.state))],
        "data_as_of": iso_utc(data_as_of),
        "freshness": {
            "checked": freshness is not None,
            "applies": applies,
            "assets": [{"asset": r.asset, "state": r.state, "since": iso_utc(r.since)} for r in freshness or []],
        },
    }


def date_findings(game_date: dt.date, now: dt.datetime) -> list[Finding]:
    """Tonight's picks are about today (ET): an earlier date is not tonight's, a later one may still move."""
    today = today_et(now)
    if game_date < today:
        return [Finding("stale", f"{game_date} is in the past (today is {today} ET): these are not tonight's picks")]
    if game_date > today:
        return [Finding("pending", f"{game_date} is after today ({today} ET): lines and predictions may still move")]
    return []


def line_findings(
    game_date: dt.date, now: dt.datetime, newest_snapshot: dt.datetime | None, games_to_tip: int, lined_players: int
) -> list[Finding]:
    """Lines older than `LINE_MAX_AGE_HOURS` while games are still to tip off (today or later only)."""
    if game_date < today_et(now) or games_to_tip == 0:
        return []
    if lined_players == 0:
        return [Finding("pending", "no lines posted yet for tonight's games")]
    if newest_snapshot is not None:
        age = (now - newest_snapshot).total_seconds() / 3600
        if age > LINE_MAX_AGE_HOURS:
            return [Finding("stale", f"newest line snapshot is {age:.1f} h old (limit {LINE_MAX_AGE_HOURS:g} h)")]
    return []


def results_findings(game_date: dt.date, now: dt.datetime, pending_games: int, games: int) -> list[Finding]:
    """Games without a box score: expected before and during the evening, missing after it."""
    if pending_games == 0:
        return []
    if game_date < today_et(now):
        return [Finding("stale", f"results missing for {pending_games} of {games} games (no box score yet)")]
    return [Finding("pending", f"{pending_games} of {games} games not final yet")]


def missing_results_findings(daily: pl.DataFrame, game_date: dt.date, now: dt.datetime) -> list[Finding]:
    """Dates (up to `game_date`, before today) whose predictions were never graded.

    `daily` has one row per date and system with `predictions` and `graded` (system_daily_performance)."""
    first = game_date - dt.timedelta(days=MISSING_RESULTS_LOOKBACK_DAYS)
    last = min(game_date, today_et(now) - dt.timedelta(days=1))
    dates = (
        daily.filter(pl.col("game_date").is_between(first, last))
        .group_by("game_date")
        .agg(pl.col("predictions").sum(), pl.col("graded").sum())
        .filter((pl.col("predictions") > 0) & (pl.col("graded") == 0))
        .sort("game_date")["game_date"]
        .to_list()
    )
    if not dates:
        return []
    shown = ", ".join(str(d) for d in dates[:5]) + (f" and {len(dates) - 5} more" if len(dates) > 5 else "")
    return [Finding("stale", f"no graded results for {len(dates)} date(s) with predictions: {shown}")]
