"""The landing zone: raw source files exactly as the sources sent them (DESIGN section 3).

Layout, relative to the landing root:

    nba_stats/player_boxscores/<YYYY-MM-DD>/leaguegamelog.json
    nba_stats/team_boxscores/<YYYY-MM-DD>/leaguegamelog.json
    nba_cdn/schedule/<season e.g. 2024-25>/scheduleLeagueV2.json
    odds_api/events/<YYYY-MM-DD>/<snapshotUTC e.g. 20251021T170000Z>.json
    odds_api/player_points/<YYYY-MM-DD>/<event_id>/<snapshotUTC>.json
    nba_cdn/playbyplay/<YYYY-MM-DD>/playbyplay_<gameId>.json     (landed for later shot-zone features)

Writes are atomic (temp file, fsync, rename). A file is never replaced by a different payload without
the old bytes being kept under ``_versions/``; unreadable files are copied to ``_quarantine/`` with a
``.reason.txt`` beside them (live responses that never parsed are quarantined there directly, under a
timestamped name). Both folders start with ``_`` and are ignored by listings and the sensor.

Two backends share one interface (`LandingZone`): `LocalLanding` (a folder, the embedded default) and
`landing_gcs.GCSLanding` (``gs://bucket/prefix``); `open_landing` picks one from the location string.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

PLAYER_BOXSCORES = "nba_stats/player_boxscores"
TEAM_BOXSCORES = "nba_stats/team_boxscores"
SCHEDULE = "nba_cdn/schedule"
ODDS_EVENTS = "odds_api/events"
ODDS_PLAYER_POINTS = "odds_api/player_points"
PLAYBYPLAY = "nba_cdn/playbyplay"

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
    kind: str  # player_boxscores | team_boxscores | schedule | odds_events | odds_player_points | playbyplay
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
    return None


def version_stamp() -> str:
    """Suffix of kept versions and quarantined responses: the UTC time to the microsecond."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


class LandingZone(Protocol):
    """What the raw assets, the sensor and the scrapers need from a landing zone, whatever the backend."""

    def describe(self, relpath: str = "") -> str: ...

    def exists(self, relpath: str) -> bool: ...

    def read_bytes(self, relpath: str) -> bytes: ...

    def write(self, relpath: str, data: bytes) -> bool: ...

    def quarantine(self, relpath: str, reason: str) -> str: ...

    def quarantine_bytes(self, relpath: str, data: bytes, reason: str) -> str: ...

    def list(self, prefix: str = "") -> list[str]: ...

    def stat_fingerprint(self, relpath: str) -> tuple[int, ...]: ...


def open_landing(location: str | os.PathLike[str]) -> LandingZone:
    """The landing zone at ``location``: ``gs://bucket/prefix`` -> GCS, anything else -> a local folder."""
    text = os.fspath(location)
    if text.startswith("gs://"):
        from nba_platform.landing.gcs import GCSLanding  # the GCS client is only imported when used

        return GCSLanding.from_url(text)
    return LocalLanding(text)


class LocalLanding:
    """The landing zone on a local folder (the embedded default)."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def path(self, relpath: str) -> Path:
        return self.root / relpath

    def describe(self, relpath: str = "") -> str:
        return str(self.path(relpath)) if relpath else str(self.root)

    def exists(self, relpath: str) -> bool:
        return self.path(relpath).is_file()

    def read_bytes(self, relpath: str) -> bytes:
        return self.path(relpath).read_bytes()

    def write(self, relpath: str, data: bytes) -> bool:
        """Land ``data`` at ``relpath`` atomically. Returns False when identical bytes are already there.

        A different payload at the same path first moves the old bytes to ``_versions/`` so no
        version of a source file is ever lost.
        """
        target = self.path(relpath)
        if target.is_file():
            old = target.read_bytes()
            if old == data:
                return False
            atomic_write_bytes(self.path(f"{VERSIONS_DIR}/{relpath}.{version_stamp()}"), old)
        atomic_write_bytes(target, data)
        return True

    def quarantine(self, relpath: str, reason: str) -> str:
        """Copy an unreadable file to ``_quarantine/`` with its reason; the original stays in place."""
        source = self.path(relpath)
        dest_rel = f"{QUARANTINE_DIR}/{relpath}"
        data = source.read_bytes() if source.is_file() else b""
        atomic_write_bytes(self.path(dest_rel), data)
        atomic_write_bytes(self.path(dest_rel + ".reason.txt"), reason.encode("utf-8"))
        return dest_rel

    def quarantine_bytes(self, relpath: str, data: bytes, reason: str) -> str:
        """Quarantine bytes that were never landed (e.g. a live response its parser refused).

        They go to ``_quarantine/<relpath>.<UTC stamp>`` with a ``.reason.txt``; nothing at ``relpath``
        (the last good file) is touched, and an earlier quarantined response is never overwritten.
        """
        dest_rel = f"{QUARANTINE_DIR}/{relpath}.{version_stamp()}"
        atomic_write_bytes(self.path(dest_rel), data)
        atomic_write_bytes(self.path(dest_rel + ".reason.txt"), reason.encode("utf-8"))
        return dest_rel

    def list(self, prefix: str = "") -> list[str]:
        """Relative paths of landed files under ``prefix`` (sorted; internal folders excluded)."""
        base = self.path(prefix) if prefix else self.root
        if not base.exists():
            return []
        out = []
        for path in base.rglob("*"):
            if not path.is_file() or path.name.startswith("."):
                continue
            rel = path.relative_to(self.root).as_posix()
            if rel.startswith("_"):
                continue
            out.append(rel)
        return sorted(out)

    def stat_fingerprint(self, relpath: str) -> tuple[int, ...]:
        """Cheap change detector for the sensor: (size, mtime in ns)."""
        st = self.path(relpath).stat()
        return st.st_size, st.st_mtime_ns


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder, fsync, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
