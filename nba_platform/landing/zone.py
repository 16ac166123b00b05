"""The landing zone: raw source files exactly as the sources sent them.

Layout, relative to the landing root:

    nba_stats/player_boxscores/<YYYY-MM-DD>/leaguegamelog.json
    nba_stats/team_boxscores/<YYYY-MM-DD>/leaguegamelog.json
    nba_cdn/schedule/<season e.g. 2024-25>/scheduleLeagueV2.json
    odds_api/events/<YYYY-MM-DD>/<snapshotUTC e.g. 20251021T170000Z>.json
    odds_api/player_points/<YYYY-MM-DD>/<event_id>/<snapshotUTC>.json
    nba_cdn/playbyplay/<YYYY-MM-DD>/playbyplay_<gameId>.json     (landed for later shot-zone features)
    nba_cdn/boxscore/<YYYY-MM-DD>/boxscore_<gameId>.json         (liveData box score: starters, who did not play)
    balldontlie/box_scores/<YYYY-MM-DD>/box_scores.json          (second box-score source)
    balldontlie/player_injuries/<YYYY-MM-DD>/<snapshotUTC>[_p<N>].json   (injury news as of the snapshot)
    nba_com/injury_report/<YYYY-MM-DD>/<edition e.g. 2024-01-04_12PM>.pdf  (official report, by ET report date)

Writes are atomic (see `core.storage`). A file is never replaced by a different payload without
the old bytes being kept under ``_versions/``; unreadable files are copied to ``_quarantine/`` with a
``.reason.txt`` beside them (live responses that never parsed are quarantined there directly, under a
timestamped name). Both folders start with ``_`` and are ignored by listings and the sensor.

`LandingZone` is this layout written once over an object store (`core.storage`: a local folder, the
embedded default, or ``gs://bucket/prefix``); `open_landing` picks the store from the location string.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass

from nba_platform.core.storage import LocalStore, ObjectStore, open_store

PLAYER_BOXSCORES = "nba_stats/player_boxscores"
TEAM_BOXSCORES = "nba_stats/team_boxscores"
SCHEDULE = "nba_cdn/schedule"
ODDS_EVENTS = "odds_api/events"
ODDS_PLAYER_POINTS = "odds_api/player_points"
PLAYBYPLAY = "nba_cdn/playbyplay"
CDN_BOXSCORES = "nba_cdn/boxscore"
BDL_BOX_SCORES = "balldontlie/box_scores"
BDL_PLAYER_INJURIES = "balldontlie/player_injuries"
INJURY_REPORTS = "nba_com/injury_report"

VERSIONS_DIR = "_versions"
QUARANTINE_DIR = "_quarantine"

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEASON_RE = re.compile(r"^\d{4}-\d{2}$")


def player_boxscores_path(game_date: str) -> str:
    return f"{PLAYER_BOXSCORES}/{game_date}/leaguegamelog.json"


def team_boxscores_path(game_date: str) -> str:
    return f"{TEAM_BOXSCORES}/{game_date}/leaguegamelog.json"


def schedule_path(season: str) -> str:
    return f"{SCHEDULE}/{season}/scheduleLeagueV2.json"


def playbyplay_path(game_date: str, game_id: str) -> str:
    return f"{PLAYBYPLAY}/{game_date}/playbyplay_{game_id}.json"


def cdn_boxscore_path(game_date: str, game_id: str) -> str:
    return f"{CDN_BOXSCORES}/{game_date}/boxscore_{game_id}.json"


def bdl_box_scores_path(game_date: str) -> str:
    return f"{BDL_BOX_SCORES}/{game_date}/box_scores.json"


def snapshot_name(snapshot_utc: dt.datetime) -> str:
    """`20251021T170000Z` for a UTC snapshot time (the file name of odds snapshots)."""
    return snapshot_utc.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_snapshot_name(name: str) -> dt.datetime:
    stem = name.removesuffix(".json")
    return dt.datetime.strptime(stem, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def odds_events_path(game_date: str, snapshot_utc: dt.datetime) -> str:
    return f"{ODDS_EVENTS}/{game_date}/{snapshot_name(snapshot_utc)}.json"


def odds_player_points_path(game_date: str, event_id: str, snapshot_utc: dt.datetime) -> str:
    return f"{ODDS_PLAYER_POINTS}/{game_date}/{event_id}/{snapshot_name(snapshot_utc)}.json"


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class LandedFile:
    """One file in the landing zone: its path relative to the root and the partition it feeds."""

    relpath: str
    # player_boxscores | team_boxscores | schedule | odds_events | odds_player_points | playbyplay
    # | cdn_boxscore | bdl_box_scores
    kind: str
    key: str  # game date (YYYY-MM-DD) or, for schedules, the season label


def classify(relpath: str) -> LandedFile | None:
    """Map a relative path onto the landing layout; None for files that are not part of it."""
    parts = relpath.split("/")
    if parts[0].startswith("_"):
        return None
    prefix2 = "/".join(parts[:2])
    if prefix2 in (PLAYER_BOXSCORES, TEAM_BOXSCORES) and len(parts) == 4:
        if _DATE_RE.match(parts[2]) and parts[3] == "leaguegamelog.json":
            kind = "player_boxscores" if prefix2 == PLAYER_BOXSCORES else "team_boxscores"
            return LandedFile(relpath, kind, parts[2])
    if prefix2 == SCHEDULE and len(parts) == 4 and _SEASON_RE.match(parts[2]):
        if parts[3] == "scheduleLeagueV2.json":
            return LandedFile(relpath, "schedule", parts[2])
    if prefix2 == ODDS_EVENTS and len(parts) == 4 and _DATE_RE.match(parts[2]) and parts[3].endswith(".json"):
        return LandedFile(relpath, "odds_events", parts[2])
    if prefix2 == ODDS_PLAYER_POINTS and len(parts) == 5 and _DATE_RE.match(parts[2]):
        if parts[4].endswith(".json"):
            return LandedFile(relpath, "odds_player_points", parts[2])
    if prefix2 == PLAYBYPLAY and len(parts) == 4 and _DATE_RE.match(parts[2]):
        if parts[3].startswith("playbyplay_") and parts[3].endswith(".json"):
            return LandedFile(relpath, "playbyplay", parts[2])
    if prefix2 == CDN_BOXSCORES and len(parts) == 4 and _DATE_RE.match(parts[2]):
        if parts[3].startswith("boxscore_") and parts[3].endswith(".json"):
            return LandedFile(relpath, "cdn_boxscore", parts[2])
    if prefix2 == BDL_BOX_SCORES and len(parts) == 4 and _DATE_RE.match(parts[2]) and parts[3] == "box_scores.json":
        return LandedFile(relpath, "bdl_box_scores", parts[2])
    return None


def version_stamp() -> str:
    """Suffix of kept versions and quarantined responses: the UTC time to the microsecond."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


class LandingZone:
    """The landing layout, kept versions and quarantine over an object store (local folder or GCS).

    What the raw assets, the sensor and the scrapers read and write; the backend only moves bytes."""

    def __init__(self, store: ObjectStore):
        self.store = store

    def describe(self, relpath: str = "") -> str:
        return self.store.describe(relpath)

    def exists(self, relpath: str) -> bool:
        return self.store.exists(relpath)

    def read_bytes(self, relpath: str) -> bytes:
        return self.store.read(relpath)

    def write(self, relpath: str, data: bytes) -> bool:
        """Land ``data`` at ``relpath`` atomically. Returns False when identical bytes are already there.

        A different payload at the same path first keeps the old bytes under ``_versions/`` so no
        version of a source file is ever lost.
        """
        return self.store.replace(relpath, data, keep_old_as=f"{VERSIONS_DIR}/{relpath}.{version_stamp()}")

    def quarantine(self, relpath: str, reason: str) -> str:
        """Copy an unreadable file to ``_quarantine/`` with its reason; the original stays in place."""
        dest_rel = f"{QUARANTINE_DIR}/{relpath}"
        if not self.store.copy(relpath, dest_rel):
            self.store.write(dest_rel, b"")
        self.store.write(dest_rel + ".reason.txt", reason.encode("utf-8"))
        return dest_rel

    def quarantine_bytes(self, relpath: str, data: bytes, reason: str) -> str:
        """Quarantine bytes that were never landed (e.g. a live response its parser refused).

        They go to ``_quarantine/<relpath>.<UTC stamp>`` with a ``.reason.txt``; nothing at ``relpath``
        (the last good file) is touched, and an earlier quarantined response is never overwritten.
        """
        dest_rel = f"{QUARANTINE_DIR}/{relpath}.{version_stamp()}"
        self.store.create(dest_rel, data)
        self.store.create(dest_rel + ".reason.txt", reason.encode("utf-8"))
        return dest_rel

    def list(self, prefix: str = "") -> list[str]:
        """Relative paths of landed files under ``prefix`` (sorted; the ``_`` folders left out)."""
        return [relpath for relpath in self.store.list(prefix) if not relpath.startswith("_")]

    def stat_fingerprint(self, relpath: str) -> tuple[int, ...]:
        """Cheap change detector for the sensor (local: size, mtime in ns; GCS: size, generation, update time)."""
        return self.store.fingerprint(relpath)


def open_landing(location: str | os.PathLike[str]) -> LandingZone:
    """The landing zone at ``location``: ``gs://bucket/prefix`` -> GCS, anything else -> a local folder."""
    return LandingZone(open_store(location))


class LocalLanding(LandingZone):
    """The landing zone on a local folder, whose files tests and the simulator also reach by path."""

    store: LocalStore

    def __init__(self, root: str | os.PathLike[str]):
        super().__init__(LocalStore(root))
        self.root = self.store.root
