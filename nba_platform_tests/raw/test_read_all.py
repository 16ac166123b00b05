"""raw/assets._read_all compacts parsed frames as it goes: every good row is kept, in order, whatever the
compaction step, and whether the parser gives a frame per file or row tuples typed a batch of files at a
time (the real odds captures, written into a test landing)."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl

from nba_platform.landing import zone as lz
from nba_platform.raw import assets as raw_assets
from nba_platform.raw.odds_api import event_odds_rows, lines_frame, read_event_odds
from nba_platform.raw.validation import Parsed

from ..conftest import REAL_LANDING


def _parse(data: bytes, relpath: str):
    parts = relpath.split("/")
    return read_event_odds(data, relpath, dt.date.fromisoformat(parts[2]), lz.parse_snapshot_name(parts[-1]))


def _parse_rows(data: bytes, relpath: str) -> Parsed:
    parts = relpath.split("/")
    return Parsed(*event_odds_rows(data, relpath, dt.date.fromisoformat(parts[2]), lz.parse_snapshot_name(parts[-1])))


def test_compacted_frames_keep_every_row_in_order(tmp_path, monkeypatch):
    real = lz.LocalLanding(REAL_LANDING)
    zone = lz.LocalLanding(tmp_path / "landing")
    relpaths = sorted(real.list(lz.ODDS_PLAYER_POINTS))
    for relpath in relpaths:
        zone.write(relpath, real.read_bytes(relpath))
    expected = pl.concat([_parse(zone.read_bytes(p), p).frame for p in relpaths])
    assert len(relpaths) > 20 and expected.height > 1000

    def read(every: int, rows: bool = False) -> pl.DataFrame:
        monkeypatch.setattr(raw_assets, "_COMPACT_EVERY", every)
        frame, rejected, quarantined = raw_assets._read_all(
            dg.build_asset_context(), zone, relpaths, _parse_rows if rows else _parse, "raw_prop_lines",
            rows_to_frame=lines_frame if rows else None,
        )
        assert quarantined == [] and rejected.height == 0
        return frame

    # 7 files a batch: several compactions and a remainder; 10,000: none. Row tuples (raw_prop_lines): the same.
    for every in (7, 10_000):
        assert read(every).equals(expected) and read(every, rows=True).equals(expected)
